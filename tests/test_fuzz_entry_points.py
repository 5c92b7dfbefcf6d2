"""Property-based fuzzing (hypothesis) past the decoders: the recognizers, the SDK and the CLI.

Random Unicode (control characters, emoji, right-to-left text, lone surrogates' neighbours, huge
runs of whitespace), random contexts and speakers, random pictures and sounds, random ids. Every
call either gives a well-formed result or raises the documented error with a message (InputError
from the SDK, exit code 2 with a message from the CLI); nothing else escapes, nothing hangs
(deadline 20 s), and the store holds exactly the turns that succeeded. About 850 inputs per run;
with tests/test_fuzz.py (10,000 through the decoders) that is 10,850.
"""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from agent import EmpatheticAgent, InputError, Settings  # noqa: E402
from perception import CauseExtractor, TextEmotionRecognizer  # noqa: E402
from perception.emotions import EMOTIONS  # noqa: E402


def examples(n: int):
    return settings(max_examples=n, deadline=20_000, suppress_health_check=list(HealthCheck),
                    derandomize=True)


#: Any text a person (or a broken client) might send, including what breaks naive code.
ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8"), max_size=80),
    st.sampled_from(["", " ", "\n\t\r", "\x00", "\u200b" * 50, "😀" * 200, "مرحبا بالعالم", "a" * 5000,
                     " " * 3000 + "x", "<end_of_turn>", "\ufeff\ufeff", "Ñ̷̢̧a̶͓͝n̴̨̛"]),
)
SPEAKERS = st.sampled_from(["user", "agent", "A", "B", "", "😀"])


def check_estimate(estimate) -> None:
    assert estimate.label in EMOTIONS
    values = np.array(list(estimate.scores.values()))
    assert np.isfinite(values).all() and abs(values.sum() - 1) < 1e-3


@pytest.fixture(scope="module")
def recognizer():
    return TextEmotionRecognizer.load()


@pytest.fixture(scope="module")
def extractor(recognizer):
    return CauseExtractor.load(recognizer=recognizer)


@examples(250)
@given(st.lists(ANY_TEXT, min_size=1, max_size=4),
       st.lists(st.tuples(SPEAKERS, ANY_TEXT), max_size=5))
def test_text_recognizer_reads_any_text_in_any_context(recognizer, texts, context):
    for estimate in recognizer.predict(texts, contexts=[context] * len(texts)):
        check_estimate(estimate)


@examples(150)
@given(st.lists(ANY_TEXT, min_size=1, max_size=6), st.data())
def test_cause_extractor_takes_any_conversation(extractor, utterances, data):
    target = data.draw(st.integers(0, len(utterances) - 1))
    emotion = data.draw(st.one_of(st.none(), st.sampled_from(EMOTIONS)))
    speakers = data.draw(st.lists(SPEAKERS, min_size=len(utterances), max_size=len(utterances)))
    for cause in extractor.extract(utterances, target, emotion=emotion, speakers=speakers):
        assert 0 <= cause.utterance <= target and 0 <= cause.score <= 1
        assert utterances[cause.utterance][cause.start:cause.end] == cause.text


@examples(200)
@given(hnp.arrays(np.uint8, st.tuples(st.integers(1, 300), st.integers(1, 300), st.sampled_from([1, 3, 4]))))
def test_face_recognizer_reads_any_picture(pixels):
    from perception.face import FaceEmotionRecognizer

    recognizer = FaceEmotionRecognizer.load()
    for face in recognizer.predict(pixels if pixels.shape[2] != 1 else pixels[:, :, 0]):
        check_estimate(face.estimate)
    user = recognizer.predict_user([pixels])
    if user is not None:
        check_estimate(user)


@examples(60)
@given(hnp.arrays(np.float32, st.integers(1, 48_000),
                  elements=st.floats(-1, 1, width=32)), st.sampled_from([8000, 16000, 22050, 44100]))
def test_speech_emotion_recognizer_hears_any_sound(samples, rate):
    from perception.audio import AudioError
    from perception.speech_emotion import SpeechEmotionRecognizer

    try:
        check_estimate(SpeechEmotionRecognizer.load().predict(samples, rate))
    except (AudioError, ValueError) as exc:
        assert str(exc)


# ------------------------------------------------------------------------------------------- SDK
@pytest.fixture(scope="module")
def agent(tiny_llm, tmp_path_factory):
    """The real turn with the packaged recognizers and a tiny random LLM (the test's stand-in)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'm.db'}"
    a = EmpatheticAgent.from_settings(Settings.load(
        llm={"model": str(tiny_llm["base"]), "max_new_tokens": 6, "candidates": 1, "retries": 8},
        memory={"url": url}, limits={"max_text_chars": 500, "max_audio_seconds": 5}))
    yield a
    a.close()


IDS = st.one_of(st.text(max_size=20), st.sampled_from(["u", "user-1", " ", "x" * 300, "\x00"]))


@examples(200)
@given(st.one_of(st.none(), ANY_TEXT), IDS, IDS)
def test_sdk_takes_any_text_and_ids(agent, text, user, session):
    try:
        reply = agent.respond(text=text, user_id=user, session_id=session)
    except InputError as exc:
        assert str(exc)
        return
    assert reply.text and reply.emotion in EMOTIONS
    assert agent.history(user, session)[-1].user_text == (text or "").strip()


@examples(40)
@given(st.one_of(st.binary(max_size=2048),
                 hnp.arrays(np.float32, st.integers(0, 20_000), elements=st.floats(-1, 1, width=32)).map(
                     lambda a: (a, 16000))),
       st.one_of(st.none(), st.binary(max_size=512),
                 hnp.arrays(np.uint8, st.tuples(st.integers(1, 64), st.integers(1, 64), st.just(3)))))
def test_sdk_takes_any_recording_and_picture(agent, audio, image):
    user = "media-fuzz"
    before = len(agent.history(user, "s"))
    try:
        agent.respond(audio=audio, image=image, user_id=user, session_id="s", voice=False)
    except InputError as exc:
        assert str(exc)
        assert len(agent.history(user, "s")) == before  # a refused turn stores nothing
        return
    assert len(agent.history(user, "s")) == before + 1


# ------------------------------------------------------------------------------------------- CLI
@examples(150)
@given(st.sampled_from(["forget", "export"]), st.text(max_size=40))
def test_cli_privacy_commands_take_any_user_id(tmp_path_factory, command, user):
    from typer.testing import CliRunner

    from agent.cli import app

    result = CliRunner().invoke(app, [command, "--user", user])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
