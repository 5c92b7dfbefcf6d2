"""The speech emotion recognizer (packaged head over the Whisper tiny.en encoder): label mapping,
odd inputs (stereo, 8 kHz, int16, silence, empty), the RAVDESS reader on a tiny fake folder,
evaluation and the training script on it, and the shipped weights against their recorded dev figure."""

import json
from pathlib import Path

import numpy as np
import pytest

from agent.evaluation.datasets import RAVDESS_EMOTIONS, parse_actors, read_ravdess
from perception import EMOTIONS, SpeechEmotionRecognizer
from perception.audio import AudioError
from perception.loading import ModelLoadError
from perception.speech_emotion import (MAP_MATRIX, PACKAGED_SPEECH_EMOTION_DIR, SILENCE_ESTIMATE,
                                       SPEECH_LABELS, to_emotions)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RATE = 16_000


def voice_like(seconds: float = 1.5, rate: int = RATE, f0: float = 180.0, seed: int = 0) -> np.ndarray:
    """A vowel-ish sound: harmonics of a gliding pitch with a little noise, at -20 dBFS or so."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitch = f0 * (1 + 0.1 * np.sin(2 * np.pi * 3 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    x = sum(np.sin(k * phase) / k for k in range(1, 8)) * np.hanning(len(t)) ** 0.3
    return (0.1 * x + 0.003 * rng.normal(size=len(t))).astype(np.float32)


@pytest.fixture(scope="module")
def recognizer():
    return SpeechEmotionRecognizer.load()


@pytest.fixture
def tiny_ravdess(tmp_path) -> Path:
    """DIR/speech/ravdess/Actor_01 and Actor_02, two short FLACs each, named like RAVDESS."""
    import soundfile as sf

    root = tmp_path / "data"
    for actor, emotions in ((1, (3, 5)), (2, (4, 5))):
        folder = root / "speech" / "ravdess" / f"Actor_{actor:02d}"
        folder.mkdir(parents=True)
        for k, emotion in enumerate(emotions):
            sf.write(folder / f"03-01-{emotion:02d}-0{k + 1}-01-01-{actor:02d}.flac",
                     voice_like(1.0, f0=120 + 40 * emotion, seed=actor * 10 + k), RATE)
    (root / "speech" / "ravdess" / "Actor_01" / "notes.txt").write_text("not a clip")
    return root


def test_the_eight_classes_sum_into_the_seven_emotions():
    assert RAVDESS_EMOTIONS == SPEECH_LABELS and len(SPEECH_LABELS) == 8
    assert MAP_MATRIX.shape == (8, 7) and (MAP_MATRIX.sum(1) == 1).all()
    probs8 = np.random.default_rng(0).dirichlet(np.ones(8), size=5)
    probs7 = to_emotions(probs8)
    assert np.allclose(probs7.sum(1), 1.0)
    calm = to_emotions(np.eye(8)[SPEECH_LABELS.index("calm")])
    assert calm[EMOTIONS.index("neutral")] == 1.0
    assert to_emotions(np.eye(8)[SPEECH_LABELS.index("surprised")])[EMOTIONS.index("surprise")] == 1.0


def test_predicts_on_a_tone_and_on_stereo_8khz_and_int16_arrays(recognizer):
    mono = voice_like()
    estimates = [recognizer.predict(mono, RATE),
                 recognizer.predict(np.stack([mono, 0.5 * mono], axis=1), RATE),  # (frames, channels)
                 recognizer.predict(voice_like(rate=8_000), 8_000),
                 recognizer.predict((mono * 32767).astype(np.int16), RATE)]
    for e in estimates:
        assert e.modality == "speech" and e.label in EMOTIONS
        assert abs(sum(e.scores.values()) - 1) < 1e-6 and 0 < e.confidence <= 1
    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    assert recognizer.predict(tone, RATE).label in EMOTIONS


def test_precomputed_states_give_the_same_estimate(recognizer):
    audio = voice_like(seed=3)
    states = recognizer.states(audio, RATE)
    assert states.ndim == 2 and states.shape[1] == recognizer.config["width"]
    assert recognizer.predict_states(states).scores == pytest.approx(recognizer.predict(audio, RATE).scores)
    assert recognizer.probabilities8([states, states[:10]]).shape == (2, 8)


def test_silence_is_a_low_confidence_neutral_and_empty_audio_an_error(recognizer):
    for quiet in (np.zeros(RATE, dtype=np.float32), 1e-5 * voice_like()):
        e = recognizer.predict(quiet, RATE)
        assert e == SILENCE_ESTIMATE and e.label == "neutral" and e.confidence < 0.5
    with pytest.raises(AudioError, match="empty"):
        recognizer.predict(np.zeros(0, dtype=np.float32), RATE)
    with pytest.raises(AudioError):
        recognizer.predict_states(np.zeros((0, 384), dtype=np.float32))
    with pytest.raises(AudioError, match="sample rate"):
        recognizer.predict(voice_like(), 0)


def test_a_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="no speech-emotion model"):
        SpeechEmotionRecognizer.load(str(tmp_path))


def test_parse_actors():
    assert parse_actors("17-20") == [17, 18, 19, 20]
    assert parse_actors("1,3,5-7") == [1, 3, 5, 6, 7]
    assert parse_actors(" 2, 2,1") == [1, 2]
    for bad in ("", "a", "3-1", "0", "1-2-3", "1,,2", "-4"):
        with pytest.raises(ValueError):
            parse_actors(bad)


def test_read_ravdess_on_a_tiny_folder(tiny_ravdess, tmp_path):
    clips = read_ravdess(tiny_ravdess, [1, 2])
    assert [(c.actor, c.emotion, c.intensity) for c in clips] == [
        (1, "happy", "normal"), (1, "angry", "strong"), (2, "sad", "normal"), (2, "angry", "strong")]
    assert all(c.path.suffix == ".flac" for c in clips)
    assert len(read_ravdess(tiny_ravdess, [2])) == 2
    with pytest.raises(FileNotFoundError, match="actor 3"):
        read_ravdess(tiny_ravdess, [3])
    with pytest.raises(FileNotFoundError, match="RAVDESS folder"):
        read_ravdess(tmp_path / "nowhere", [1])
    bad = tiny_ravdess / "speech" / "ravdess" / "Actor_01" / "03-01-09-01-01-01-01.flac"
    bad.write_bytes(b"")
    with pytest.raises(ValueError, match="out of range"):
        read_ravdess(tiny_ravdess, [1])


def test_evaluate_speech_on_a_tiny_folder(tiny_ravdess):
    from rich.console import Console

    from agent.evaluation.model_eval import evaluate_speech

    report = evaluate_speech(tiny_ravdess, [1, 2])
    assert report.n == 4 and 0 <= report.accuracy <= 1 and 0 <= report.macro_f1 <= 1
    assert report.confusion.shape == (8, 8) and report.confusion.sum() == 4
    assert report.confusion[RAVDESS_EMOTIONS.index("angry")].sum() == 2
    assert set(report.per_class_f1) == set(RAVDESS_EMOTIONS) and report.seconds_per_item > 0
    console = Console(record=True, width=160)
    console.print(report)
    text = console.export_text()
    assert "ravdess actors 1-2" in text and "surpris" in text and "ms/clip" in text


def test_the_training_script_runs_on_a_tiny_folder(tiny_ravdess, tmp_path):
    from typer.testing import CliRunner
    import typer

    from training.train_speech_emotion import main

    app = typer.Typer(add_completion=False)
    app.command()(main)
    out = tmp_path / "model"
    result = CliRunner().invoke(app, [
        "--data", str(tiny_ravdess), "--out", str(out), "--train-actors", "1", "--dev-actors", "2",
        "--augmentations", "noise", "--epochs", "2", "--hidden", "16", "--limit", "2",
        "--cache", str(tmp_path / "cache"), "--threads", "1"])
    assert result.exit_code == 0, result.output
    assert "dev accuracy" in result.output
    config = json.loads((out / "model.json").read_text())
    assert config["labels"] == list(RAVDESS_EMOTIONS) and config["dev"]["n"] == 2
    assert len(list((tmp_path / "cache" / "content" / "noise").glob("*.npy"))) == 2  # the augmented copies, cached
    trained = SpeechEmotionRecognizer.load(str(out), device="cpu")
    assert trained.predict(voice_like(), RATE).label in EMOTIONS


@pytest.mark.skipif(not (SHARED_DATA / "speech" / "ravdess" / "Actor_20").is_dir(),
                    reason="needs ../shared/data/speech/ravdess")
def test_the_shipped_model_reproduces_its_dev_accuracy():
    """One dev actor end to end (decode, encoder, head) against the per-actor figure in model.json;
    all four (actors 17-20, ~70 s here) with EMPATHICA_SLOW_TESTS=1."""
    import os

    from agent.evaluation.model_eval import evaluate_speech

    config = json.loads((PACKAGED_SPEECH_EMOTION_DIR / "model.json").read_text())
    actor = 20
    report = evaluate_speech(SHARED_DATA, [actor])
    assert report.n == 60
    assert report.accuracy == pytest.approx(config["dev"]["accuracy_per_actor"][str(actor)], abs=2 / 60)
    if os.environ.get("EMPATHICA_SLOW_TESTS"):
        full = evaluate_speech(SHARED_DATA, parse_actors(config["training"]["dev_actors"]))
        assert full.accuracy == pytest.approx(config["dev"]["accuracy"], abs=0.01)
        assert full.accuracy >= 0.6


def test_eval_speech_command(tiny_ravdess, tmp_path):
    import json
    import os
    import subprocess
    import sys

    run = lambda *a: subprocess.run([sys.executable, "-m", "agent.cli", "eval", "speech", *a],  # noqa: E731
                                    capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}, timeout=300)
    result = run("--data", str(tiny_ravdess), "--actors", "1-2", "--json", str(tmp_path / "s.json"))
    assert result.returncode == 0, result.stderr
    assert "ravdess actors 1-2" in result.stdout and "surprised" in result.stdout
    figures = json.loads((tmp_path / "s.json").read_text())
    assert len(figures["confusion"]) == 8 and 0 <= figures["accuracy"] <= 1
    bad = run("--data", str(tiny_ravdess), "--actors", "twenty")
    assert bad.returncode == 2 and "bad actor list 'twenty'" in bad.stderr
