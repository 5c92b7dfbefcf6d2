"""The layout the README's "How the code is laid out" section describes: imports one way, the
documented public surface importable, and the light commands light."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What each runtime package may import of ours (app.py -> agent -> perception / speech / memory).
MAY_IMPORT = {"perception": set(), "speech": {"perception"}, "memory": {"perception"},
              "agent": {"perception", "speech", "memory", "agent"}}
OURS = {"perception", "speech", "memory", "agent", "app", "training", "tests"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def package_files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_point_one_way(package):
    allowed = MAY_IMPORT[package] | {package}
    wrong = {f"{path.relative_to(ROOT)} imports {module}"
             for path in package_files(package) for module in imported_modules(path)
             if module.split(".")[0] in OURS - allowed}
    assert not wrong, sorted(wrong)


#: The shared basics: the label space, audio in and out, sentence ends, the model cache and
#: registries, the packaged models' names. Everything may use them; they use nothing else of ours.
BASICS = ["emotions.py", "audio.py", "sentences.py", "loading.py", "defaults.py"]


@pytest.mark.parametrize("name", BASICS)
def test_the_shared_basics_import_nothing_of_ours(name):
    path = ROOT / "perception" / name
    ours = {m for m in imported_modules(path) if m.split(".")[0] in OURS and m != "perception.defaults"}
    assert not ours, f"perception/{name} imports {sorted(ours)}"


def runtime_files() -> list[Path]:
    tooling = ROOT / "agent" / "evaluation"
    files = [p for package in ("agent", "perception", "speech", "memory") for p in (ROOT / package).rglob("*.py")]
    return [p for p in files if tooling not in p.parents] + [ROOT / "app.py"]


def test_runtime_files_and_functions_stay_small():
    """No runtime file over 400 lines, no runtime function over 60 (the house rules)."""
    long_files = {f"{p.relative_to(ROOT)}: {n}" for p in runtime_files()
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    long_functions = {f"{p.relative_to(ROOT)}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1}"
                      for p in runtime_files() for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.end_lineno - node.lineno + 1 > 60}
    assert not long_files and not long_functions, sorted(long_files | long_functions)


def test_the_runtime_never_imports_the_tooling():
    tooling = ROOT / "agent" / "evaluation"
    runtime = [p for p in package_files("agent") if tooling not in p.parents and p.name != "cli.py"]
    wrong = {f"{path.relative_to(ROOT)} imports {module}" for path in runtime
             for module in imported_modules(path) if module.startswith("agent.evaluation")}
    assert not wrong, sorted(wrong)


def test_the_documented_public_surface_imports():
    from agent import Big5, EmotionTransition, EmpatheticAgent, Persona, Settings  # noqa: F401
    from perception import (EMOTIONS, CauseExtractor, EmotionEstimate, FaceEmotionRecognizer,  # noqa: F401
                            SpeechEmotionRecognizer, TextEmotionRecognizer)
    from speech import Synthesizer, Transcriber  # noqa: F401
    import agent
    import perception
    import speech

    for module in (agent, perception, speech):
        assert all(getattr(module, name) is not None for name in module.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        agent.Nope  # noqa: B018


LIGHT = """
import sys
from typer.testing import CliRunner
from agent.cli import app
results = [CliRunner().invoke(app, args) for args in (["forget", "--help"], ["forget", "--user", "ann"],
                                                       ["export", "--user", "ann"])]
print(json.dumps({"codes": [r.exit_code for r in results], "outputs": [r.output for r in results],
                  "heavy": sorted(m for m in ("torch", "transformers", "langgraph", "sklearn") if m in sys.modules)}))
"""


def test_forget_and_export_start_without_loading_the_models(tmp_path):
    env = {**os.environ, "EMPATHICA_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "import json\n" + LIGHT], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0, 0], result["outputs"]
    assert "nothing is stored about 'ann'" in result["outputs"][1]
    assert json.loads(result["outputs"][2])["sessions"] == []
    assert result["heavy"] == []


def test_the_page_imports_only_the_agent():
    ours = {m for m in imported_modules(ROOT / "app.py") if m.split(".")[0] in OURS}
    assert ours and all(m.split(".")[0] == "agent" for m in ours), ours


def test_every_component_kind_registers_its_backends_one_way():
    """ASR, TTS, LLM and text-emotion backends live in one kind of registry
    (perception.loading.BackendRegistry); a new backend is one file that registers itself, found by
    its name (`speech/*_tts.py`, `speech/*_asr.py`, `agent/llm/*_backend.py`,
    `perception/*_text_emotion.py`); a source with no
    registered name goes to the kind's default backend, and a name chosen alone (the LLM's) that is
    unknown is a clear error."""
    from agent.llm import LLM_BACKENDS
    from perception.loading import BackendRegistry
    from perception.text import TEXT_EMOTION_BACKENDS
    from speech.synthesizer import TTS_BACKENDS
    from speech.transcriber import ASR_BACKENDS

    registries = (LLM_BACKENDS, TTS_BACKENDS, ASR_BACKENDS, TEXT_EMOTION_BACKENDS)
    assert all(isinstance(r, BackendRegistry) for r in registries)
    assert set(LLM_BACKENDS) == {"transformers", "openai"} and set(ASR_BACKENDS) == {"whisper"}
    assert set(TTS_BACKENDS) == {"piper", "coqui"} and set(TEXT_EMOTION_BACKENDS) == {"trained", "classifier"}
    registry: BackendRegistry[str] = BackendRegistry("test", default="plain")
    registry.register("plain")(lambda rest, n: f"plain {rest} {n}")
    registry.register("loud")(lambda rest, n: f"LOUD {rest} {n}")
    assert registry.create("loud:voice", 1) == "LOUD voice 1" and registry.create("voice.onnx", 2) == "plain voice.onnx 2"
    with pytest.raises(KeyError, match="unknown test backend 'quiet'; choose one of: plain, loud"):
        registry.factory("quiet")


def test_a_new_backend_is_one_file(tmp_path, monkeypatch):
    """A module named as the registry's `modules` says is found and registers itself on first use."""
    from perception.loading import BackendRegistry

    (tmp_path / "voices_for_test").mkdir()
    (tmp_path / "voices_for_test" / "__init__.py").write_text(
        "from perception.loading import BackendRegistry\n"
        "VOICES = BackendRegistry('voice', modules='voices_for_test.*_tts')\n")
    (tmp_path / "voices_for_test" / "quiet_tts.py").write_text(
        "from voices_for_test import VOICES\n\n@VOICES.register('quiet')\ndef make(rest):\n    return 'shh ' + rest\n")
    (tmp_path / "voices_for_test" / "notes.py").write_text("raise RuntimeError('not a backend: never imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from voices_for_test import VOICES

    assert isinstance(VOICES, BackendRegistry)
    assert VOICES.create("quiet:hello") == "shh hello" and list(VOICES) == ["quiet"]
