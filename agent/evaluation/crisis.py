"""`empathica eval crisis`: recall on risk messages and false alarms on hard negatives, per category,
with every miss and every false alarm listed."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Group
from rich.table import Table

from agent.safety import is_clear
from agent.evaluation.datasets import CrisisMessage, read_crisis_csv
from perception.crisis import CrisisDetector


@dataclass
class CrisisError:
    text: str
    label: int
    category: str
    score: float
    earlier: list[str] = field(default_factory=list)


@dataclass
class CrisisReport:
    name: str
    n: int
    recall: float  # risk messages flagged
    false_alarm_rate: float  # safe messages flagged
    per_category: dict[str, dict]  # category -> n, label, flagged (rate)
    by_source: dict[str, int]  # flagged messages by what flagged them: classifier, patterns, both
    #: how a flagged first message is answered (agent/safety.py), by label: "risk" / "not risk" ->
    #: {"fixed reply": n, "check-in": n}
    answers: dict[str, dict[str, int]]
    misses: list[CrisisError]
    false_alarms: list[CrisisError]
    threshold: float
    ms_per_message: float

    def __rich__(self) -> Group:
        title = (f"{self.name}: n={self.n}  recall {self.recall:.3f}  false alarms "
                 f"{self.false_alarm_rate:.3f}  threshold {self.threshold:.3f}  "
                 f"{self.ms_per_message:.1f} ms/message  flagged by {self.by_source}  answered {self.answers}")
        table = Table("category", "label", "n", "flagged", title=title, title_justify="left")
        for name, c in sorted(self.per_category.items(), key=lambda kv: (-kv[1]["label"], kv[0])):
            table.add_row(name, str(c["label"]), str(c["n"]), f"{c['flagged']:.3f}")
        parts = [table]
        for heading, errors in (("missed", self.misses), ("false alarms", self.false_alarms)):
            listing = Table("score", "category", "message", title=f"{heading} ({len(errors)})",
                            title_justify="left")
            for e in errors:
                said = (" || ".join(e.earlier) + "  →  " if e.earlier else "") + e.text
                listing.add_row(f"{e.score:.3f}", e.category, said)
            parts.append(listing)
        return Group(*parts)

    def to_dict(self) -> dict:
        return asdict(self)


def _rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def evaluate_crisis(path: Path, detector: CrisisDetector, label_column: str | None = None,
                    protocol_score: float = 0.5) -> CrisisReport:
    """Read every message of the CSV with its earlier messages (a `context` column) through the
    detector the agent uses (classifier and patterns); `protocol_score` as `settings.safety`'s."""
    return evaluate_messages(Path(path).name, read_crisis_csv(path, label_column), detector, protocol_score)


def conversation_messages(paths: list[Path]) -> list[CrisisMessage]:
    """Every user turn of conversation files (`empathica eval replies --conversations`'s layout), with the turns
    before it, as a message that is no risk: everyday talk, where any flag is a false alarm."""
    from agent.evaluation.conversations import read_conversations

    return [CrisisMessage(text, 0, Path(path).stem, turns[:n]) for path in paths
            for _, turns in read_conversations(path) for n, text in enumerate(turns)]


def evaluate_messages(name: str, messages: list[CrisisMessage], detector, protocol_score: float = 0.5) -> CrisisReport:
    """`evaluate_crisis` over `messages`; `detector`: any with `read(text, earlier)` and a `threshold`."""
    started = time.perf_counter()
    readings = [detector.read(m.text, m.earlier) for m in messages]
    seconds = time.perf_counter() - started
    categories: dict[tuple[str, int], list[bool]] = defaultdict(list)
    sources: dict[str, int] = defaultdict(int)
    answers: dict[str, dict[str, int]] = {"risk": {"fixed reply": 0, "check-in": 0},
                                          "not risk": {"fixed reply": 0, "check-in": 0}}
    misses, alarms = [], []
    for m, r in zip(messages, readings):
        categories[(m.category or ("risk" if m.label else "not risk"), m.label)].append(r.at_risk)
        if r.at_risk:
            sources[r.source] += 1
            answers["risk" if m.label else "not risk"]["fixed reply" if is_clear(r, protocol_score) else "check-in"] += 1
        if r.at_risk != bool(m.label):
            (misses if m.label else alarms).append(CrisisError(m.text, m.label, m.category, r.score, m.earlier))
    return CrisisReport(
        name=name, n=len(messages),
        recall=_rate([r.at_risk for m, r in zip(messages, readings) if m.label]),
        false_alarm_rate=_rate([r.at_risk for m, r in zip(messages, readings) if not m.label]),
        per_category={name: {"label": label, "n": len(flags), "flagged": _rate(flags)}
                      for (name, label), flags in categories.items()},
        by_source=dict(sources), answers=answers, misses=misses, false_alarms=alarms, threshold=detector.threshold,
        ms_per_message=1000 * seconds / len(messages))
