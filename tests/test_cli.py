"""`empathica chat` as a person uses it: piped lines, a resumed session, and start-up errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from memory import MemoryStore

LINES = "I lost my job today\nThey said it was budget cuts\n"


def run_chat(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent.cli", "chat", *args], input=stdin,
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=300)


@pytest.fixture
def env(tiny_llm, tmp_path):
    return {"EMPATHICA_LLM__MODEL": str(tiny_llm["base"]), "EMPATHICA_LLM__MAX_NEW_TOKENS": "10",
            "EMPATHICA_LLM__RETRIES": "5", "EMPATHICA_DATA_DIR": str(tmp_path / "data"),
            "COLUMNS": "200"}


def test_piped_chat_shows_emotion_cause_reply_and_resumes(env, tmp_path):
    first = run_chat(["--session", "s1", "--user", "ann"], LINES, env)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert out.count("feels") == 2 and out.count("answers") == 2 and out.count("Sam>") == 2
    assert "because I lost my job today" in out
    assert "sadness" in out
    store = MemoryStore(f"sqlite:///{tmp_path / 'data' / 'empathica.db'}")
    assert [t.user_text for t in store.history("ann", "s1")] == LINES.split("\n")[:2]
    second = run_chat(["--session", "s1", "--user", "ann"], "Thanks for listening\n", env)
    assert second.returncode == 0, second.stderr
    assert "resuming session 's1': 2 earlier turn(s)" in second.stdout
    assert "you: I lost my job today" in second.stdout
    assert len(store.history("ann", "s1")) == 3
    store.close()


def test_empty_and_over_long_lines_are_reported_and_the_chat_goes_on(env):
    result = run_chat(["--session", "s2"], "   \n" + "x" * 3000 + "\nhello\n", env)
    assert result.returncode == 0, result.stderr
    assert "limit is 2000" in result.stderr
    assert result.stdout.count("Sam>") == 1


@pytest.mark.parametrize("args,extra,message", [
    (["--profile", "cloud"], {}, "unknown profile 'cloud'"),
    ([], {"EMPATHICA_LLM__MODEL": "/nonexistent/model"}, "does not exist"),
    (["--persona", "/nonexistent.toml"], {}, "persona file /nonexistent.toml does not exist"),
])
def test_startup_errors_are_clear(env, args, extra, message):
    result = run_chat(args, "hi\n", {**env, **extra})
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())


def test_unreachable_llm_server_is_a_clear_error_per_turn(env):
    port_env = {"EMPATHICA_LLM__BACKEND": "openai", "EMPATHICA_LLM__MODEL": "any",
                "EMPATHICA_LLM__BASE_URL": "http://127.0.0.1:9/v1", "EMPATHICA_LLM__TIMEOUT_S": "2"}
    result = run_chat([], "hello there\n", {**env, **port_env})
    assert result.returncode == 0
    assert "cannot reach the OpenAI-compatible server" in " ".join(result.stderr.split())
    assert "earlier turns are kept" in result.stderr


def test_bench_times_the_perception_and_speech_models(tmp_path):
    out = subprocess.run([sys.executable, "-m", "agent.cli", "bench", "--turns", "0", "--repeats", "2",
                          "--voice-turns", "0", "--streamed-turns", "1", "--sessions", "2", "--no-startup",
                          "--json", str(tmp_path / "b.json")], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"}, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "text emotion one utterance" in out.stdout and "utterances/s" in out.stdout
    import json

    everything = json.loads((tmp_path / "b.json").read_text())
    figures = everything["models"]
    assert figures["causes_one_turn"]["p50_ms"] > 0 and figures["text_emotion_batch_per_s"] > 0
    speech = everything["speech"]
    assert speech["asr_wer"] <= 0.10 and 0 < speech["asr_rtf_p50"] and 0 < speech["tts_rtf_p50"]
    sounds = speech["emotions"]
    assert sounds["sadness"]["duration_s"] > sounds["joy"]["duration_s"]
    assert "how the response emotions sound" in out.stdout
    load = everything["load"]
    assert load["concurrent"]["completed"] == 2 and load["concurrent"]["errors"] == 0
    assert load["streamed"]["to_first_token_s"]["p50"] > 0 and "2 concurrent sessions" in out.stdout


def test_export_and_forget_a_user(env, tmp_path):
    import json

    assert run_chat(["--user", "ann"], "I lost my job today\n", env).returncode == 0
    assert run_chat(["--user", "bob"], "I got a puppy\n", env).returncode == 0

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "agent.cli", *args], capture_output=True, text=True,
                              env={**os.environ, **env}, timeout=120)

    exported = json.loads(cli("export", "--user", "ann").stdout)
    turns = exported["sessions"][0]["turns"]
    assert [t["user_text"] for t in turns] == ["I lost my job today"] and turns[0]["affect"]["fused"]["label"]
    assert "deleted everything stored about 'ann'" in cli("forget", "--user", "ann").stdout
    assert json.loads(cli("export", "--user", "ann").stdout)["sessions"] == []
    assert "nothing is stored" in cli("forget", "--user", "ann").stdout
    assert json.loads(cli("export", "--user", "bob").stdout)["sessions"]  # only ann's data went
    (tmp_path / "data" / "empathica.db").write_bytes(b"not a database at all" * 100)
    broken = cli("forget", "--user", "bob")
    assert broken.returncode == 2 and "cannot use the memory" in broken.stderr


def test_a_streamed_piece_wider_than_the_terminal_keeps_its_closing_space():
    """The given start streams as one piece ending in a space; Rich wrapped a piece wider than the
    terminal and dropped that space: "... you can't stop shaking.What's the worst part?"."""
    from agent import cli

    start = "Oh, that sounds nerve-racking, your exam is tomorrow and you can't stop shaking. "
    with cli.console.capture() as captured:
        cli.show_delta(start)
        cli.show_delta("What's the worst part?")
    assert "shaking. What's" in captured.get().replace("\n", "")
