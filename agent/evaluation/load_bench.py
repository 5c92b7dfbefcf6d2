"""`empathica bench`, the parts about a whole process: start-up in a fresh process, streamed turns
(first reply token, whole reply), concurrent sessions through one SDK agent, and peak memory.

- start-up: a new Python process that imports the SDK and loads every model of the profile
  (`EmpatheticAgent.from_profile`), timed from the process's start; with `cold_cache`, the model
  cache (the dequantised GGUF) is an empty folder, so the first-ever start is measured too;
- streamed turns: what the demo page and `empathica chat` do (`agent.stream`): seconds from the
  message to the perception event, to the first reply token, to the whole reply (saved);
- concurrency: N sessions of different users, each sending its turns at the same time from its own
  thread into one agent (models shared): throughput, latency p50/p95, errors, and whether any reply
  read another session's words;
- peak RSS of this process (`resource.getrusage`), after everything above ran in it.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from agent.evaluation.bench import MESSAGES, percentile
from agent.events import PerceptionEvent, ReplyEvent, TextDelta
from agent.sdk import EmpatheticAgent

STARTUP_SCRIPT = """
import time; t0 = time.perf_counter()
import resource, sys
from agent import EmpatheticAgent
def peak_kb():  # this program's own high-water mark (ru_maxrss can carry the parent's over a fork)
    try:
        return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t1 = time.perf_counter()
agent = EmpatheticAgent.from_profile(sys.argv[1])
t2 = time.perf_counter()
loaded_rss = peak_kb()
for text in ("I lost my job today", "They said it was budget cuts", "I am scared"):  # then a few turns
    agent.respond(text=text, user_id="bench-startup", session_id="s")
agent.forget("bench-startup")
print(f"{t1 - t0} {t2 - t0} {loaded_rss} {peak_kb()}")
"""


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "n": len(values)} if values else {}


def process_startup(profile: str, cold_cache: bool = False) -> dict[str, float]:
    """Seconds for a fresh process to import the SDK and load every model; its peak RSS (MB) once
    loaded and after three text turns."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as empty:
        if cold_cache:
            env["EMPATHICA_CACHE_DIR"] = empty
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT, profile], env=env, capture_output=True,
                              text=True, check=True)
        wall = time.perf_counter() - start
    imports, loaded, loaded_kb, rss_kb = done.stdout.split()[-4:]
    return {"imports_s": float(imports), "startup_s": float(loaded), "process_wall_s": wall,
            "rss_loaded_mb": int(loaded_kb) / 1024, "peak_rss_mb": int(rss_kb) / 1024}


def streamed_turns(agent: EmpatheticAgent, turns: int) -> dict:
    """Per streamed turn: message -> perception event, -> first reply token, -> whole reply (saved)."""
    user = f"bench-stream-{uuid.uuid4().hex[:8]}"
    perceived, first_token, whole = [], [], []
    try:
        for i in range(turns + 1):  # the first is a warm-up
            start, first = time.perf_counter(), None
            for event in agent.stream(text=MESSAGES[i % len(MESSAGES)], user_id=user, session_id="s"):
                now = time.perf_counter() - start
                if isinstance(event, PerceptionEvent) and i:
                    perceived.append(now)
                elif isinstance(event, TextDelta) and first is None:
                    first = now
                elif isinstance(event, ReplyEvent) and i:
                    whole.append(now)
                    first_token.append(first if first is not None else now)
    finally:
        agent.forget(user)
    return {"turns": turns, "to_perception_s": summary(perceived), "to_first_token_s": summary(first_token),
            "to_whole_reply_s": summary(whole)}


def concurrent_sessions(agent: EmpatheticAgent, sessions: int, turns_each: int = 1, keep: bool = False) -> dict:
    """`sessions` users talk at once, each from its own thread, through one shared agent; their data
    is deleted afterwards unless `keep` (then `users` lists them)."""
    run = uuid.uuid4().hex[:6]
    latencies: list[float] = []
    errors: list[str] = []
    leaks = 0
    lock = threading.Lock()

    def talk(i: int) -> None:
        nonlocal leaks
        user, mine = f"bench-c{run}-{i}", []
        for t in range(turns_each):
            text = f"{MESSAGES[(i + t) % len(MESSAGES)]} (session {i}, turn {t})"
            mine.append(text)
            start = time.perf_counter()
            try:
                reply = agent.respond(text=text, user_id=user, session_id="s")
            except Exception as exc:  # counted and reported: the bench measures, it does not stop
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - start)
                leaks += any(u not in mine for u in reply.utterances[::2])  # the user's lines (and the agent's between)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        list(pool.map(talk, range(sessions)))
    wall = time.perf_counter() - start
    users = [f"bench-c{run}-{i}" for i in range(sessions)]
    for user in users if not keep else []:
        agent.forget(user)
    done = len(latencies)
    return {"users": users if keep else [],"sessions": sessions, "turns_each": turns_each, "completed": done, "errors": len(errors),
            "error_examples": errors[:3], "wall_s": wall, "turns_per_s": done / wall if wall else 0.0,
            "latency_s": summary(latencies), "cross_session_leaks": leaks}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_startup_bench(profile: str, cold_start: bool) -> dict:
    """Start-up of fresh processes; run it before this process loads models (they would compete)."""
    result = {"startup_warm_cache": process_startup(profile)}
    if cold_start:
        result["startup_empty_cache"] = process_startup(profile, cold_cache=True)
    return result


def run_load_bench(profile: str, streamed: int, sessions: int) -> dict:
    result: dict = {}
    if streamed or sessions:
        agent = EmpatheticAgent.from_profile(profile)
        try:
            if streamed:
                result["streamed"] = streamed_turns(agent, streamed)
            if sessions:
                agent.respond(text=MESSAGES[0], user_id="bench-warm-up", session_id="s")
                agent.forget("bench-warm-up")
                result["concurrent"] = concurrent_sessions(agent, sessions)
        finally:
            agent.close()
    result["peak_rss_mb_bench_process"] = peak_rss_mb()
    return result


def show_load_bench(load: dict, console) -> None:
    for name, label in (("startup_warm_cache", "start-up, fresh process, models cached"),
                        ("startup_empty_cache", "start-up, fresh process, empty model cache")):
        if name in load:
            s = load[name]
            console.print(f"{label}: {s['startup_s']:.2f} s to loaded (imports {s['imports_s']:.2f} s); "
                          f"peak RSS {s['rss_loaded_mb']:.0f} MB loaded, {s['peak_rss_mb']:.0f} MB after 3 turns")
    if "streamed" in load:
        s = load["streamed"]
        console.print(f"streamed text turns ({s['turns']}): perception {s['to_perception_s']['p50']:.2f} s, "
                      f"first reply token {s['to_first_token_s']['p50']:.2f} s (p95 "
                      f"{s['to_first_token_s']['p95']:.2f}), whole reply {s['to_whole_reply_s']['p50']:.2f} s "
                      f"(p95 {s['to_whole_reply_s']['p95']:.2f}) p50")
    if "concurrent" in load:
        c = load["concurrent"]
        lat = c["latency_s"] or {"p50": float("nan"), "p95": float("nan")}
        console.print(f"{c['sessions']} concurrent sessions: {c['completed']} turns in {c['wall_s']:.1f} s "
                      f"({c['turns_per_s']:.2f} turns/s), latency p50 {lat['p50']:.2f} s, p95 {lat['p95']:.2f} s, "
                      f"errors {c['errors']}, cross-session leaks {c['cross_session_leaks']}")
    console.print(f"peak RSS of the bench process: {load['peak_rss_mb_bench_process']:.0f} MB")
