"""Durability: a process killed with SIGKILL in the middle of turns loses no completed turn and leaves
no half-written one (one transaction per turn, SQLite in WAL mode). The agent runs with a tiny random
LLM (a stand-in at the edge of the test, so turns are quick); everything else is real."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from memory import MemoryStore

TALKER = """
import sys
from agent import EmpatheticAgent, Settings
agent = EmpatheticAgent.from_settings(Settings.load(llm={"model": sys.argv[1], "max_new_tokens": 8,
                                                          "candidates": 2, "retries": 6}))
start = int(sys.argv[2])
for i in range(start, start + 10000):
    agent.respond(text=f"message number {i}, I feel a bit tired today", user_id="u", session_id="s")
    print(f"done {i}", flush=True)
"""


def test_sigkill_in_the_middle_of_turns_loses_no_completed_turn(tiny_llm, tmp_path):
    env = {**os.environ, "EMPATHICA_DATA_DIR": str(tmp_path / "data")}
    url = f"sqlite:///{tmp_path / 'data' / 'empathica.db'}"
    reported = -1
    for kill_after in (3, 5, 2):  # three runs, each killed a different number of turns in
        process = subprocess.Popen([sys.executable, "-c", TALKER, str(tiny_llm["base"]), str(reported + 1)],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        seen = 0
        deadline = time.time() + 180
        for line in process.stdout:
            if line.startswith("done "):
                reported, seen = int(line.split()[1]), seen + 1
            if seen >= kill_after:
                time.sleep(0.05 * kill_after)  # land somewhere inside the next turn
                break
            assert time.time() < deadline
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        for line in process.stdout.read().splitlines():  # turns reported done before the kill landed
            if line.startswith("done "):
                reported = int(line.split()[1])
        with MemoryStore(url) as store:
            turns = store.history("u", "s")
        texts = [t.user_text for t in turns]
        # every turn reported done is there, in order; at most the one in flight was also committed
        assert texts[:reported + 1] == [f"message number {i}, I feel a bit tired today" for i in range(reported + 1)]
        assert len(turns) in (reported + 1, reported + 2)
        reported = len(turns) - 1  # the next run continues after what was saved
        for t in turns:  # and no turn is half-written: each has its reply, affect and indices
            assert t.reply_text and t.affect.fused.label and t.affect.modalities["text"]
        assert [t.index for t in turns] == list(range(len(turns)))


def test_a_hundred_concurrent_users_never_see_each_others_data(tiny_llm, tmp_path):
    """100 users talk at once through one agent; every reply's context holds only that user's words,
    and each user's stored history and affect profile hold only their own turns."""
    from agent import EmpatheticAgent, Settings
    from agent.evaluation.load_bench import concurrent_sessions

    agent = EmpatheticAgent.from_settings(Settings.load(
        llm={"model": str(tiny_llm["base"]), "max_new_tokens": 8, "candidates": 2, "retries": 6},
        data_dir=str(tmp_path / "data")))
    try:
        result = concurrent_sessions(agent, sessions=100, turns_each=2, keep=True)
        assert (result["completed"], result["errors"], result["cross_session_leaks"]) == (200, 0, 0)
        for user in result["users"]:
            turns = agent.history(user, "s")
            assert len(turns) == 2 and all(f"session {user.rsplit('-', 1)[1]}," in t.user_text for t in turns)
            assert agent.store.affect_profile(user).turns == 2
    finally:
        agent.close()
