"""`empathica bench`: start-up time, a cold first turn, then warm turns, per stage (seconds)."""

from __future__ import annotations

import statistics
import time
import uuid
from dataclasses import dataclass, field

from agent.sdk import EmpatheticAgent

MESSAGES = ["I lost my job today", "They said it was budget cuts", "I don't know how to tell my wife",
            "At least I have some savings", "My friend offered to help me look for work",
            "I'm scared I won't find anything soon", "Thanks for listening to me"]


@dataclass
class BenchResult:
    profile: str
    startup_s: float
    cold_turn: dict[str, float]
    warm_turns: list[dict[str, float]] = field(default_factory=list)

    def percentile(self, stage: str, q: float) -> float:
        values = sorted(t[stage] for t in self.warm_turns)
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    def to_dict(self) -> dict:
        stages = list(self.cold_turn)
        return {"profile": self.profile, "startup_s": self.startup_s, "cold_turn": self.cold_turn,
                "warm_turns": len(self.warm_turns),
                "warm_p50": {s: statistics.median(t[s] for t in self.warm_turns) for s in stages},
                "warm_p95": {s: self.percentile(s, 0.95) for s in stages}}


def run_bench(profile: str = "offline", turns: int = 10) -> BenchResult:
    start = time.perf_counter()
    agent = EmpatheticAgent.from_profile(profile)
    startup = time.perf_counter() - start
    user, session = f"bench-{uuid.uuid4().hex[:8]}", "bench"
    try:
        cold = agent.respond(text=MESSAGES[0], user_id=user, session_id=session).timings
        result = BenchResult(profile, startup, cold)
        for i in range(turns):
            reply = agent.respond(text=MESSAGES[(i + 1) % len(MESSAGES)], user_id=user,
                                  session_id=session)
            result.warm_turns.append(reply.timings)
        agent.store.delete_user(user)
    finally:
        agent.close()
    return result
