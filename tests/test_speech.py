"""Speech in and out on the packaged offline models: audio decoding of odd inputs, the transcriber,
end-of-turn detection, the emotional Piper voice (audible prosody, intelligible), sentence splitting."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from perception.audio import SAMPLE_RATE, AudioError, load_audio, to_mono_16k
from perception.loading import ModelLoadError
from speech import Synthesizer
from agent.evaluation.speech_measures import median_f0, word_error_rate
from perception.audio import rms
from speech.prosody import prosody_for
from perception.sentences import ends_sentence, split_sentences
from speech.sentences import SentenceBuffer
from speech.transcriber import Transcriber
from speech.turn_detector import TurnDetector
from perception.emotions import VAD

SENTENCE = "I am so sorry to hear that you lost your job. Do you want to talk about it?"


@pytest.fixture(scope="module")
def synthesizer() -> Synthesizer:
    return Synthesizer.load()


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber.load()


@pytest.fixture(scope="module")
def spoken(synthesizer) -> np.ndarray:
    """SENTENCE in the neutral voice, at 16 kHz."""
    audio = synthesizer.synthesize(SENTENCE, "neutral")
    return to_mono_16k(audio.samples, audio.sample_rate)


# -- decoding ------------------------------------------------------------------------------------


def test_odd_but_valid_audio_is_brought_to_16k_mono(tmp_path, spoken):
    stereo_44k = np.stack([spoken, spoken], axis=1)
    stereo_44k = np.repeat(stereo_44k, 2, axis=0)[: len(spoken) * 2]  # a 32 kHz stand-in, then saved
    sf.write(tmp_path / "stereo.wav", (stereo_44k * 32767).astype(np.int16), 32_000)
    out = load_audio(tmp_path / "stereo.wav")
    assert out.ndim == 1 and out.dtype == np.float32 and abs(len(out) - len(spoken)) < 400
    sf.write(tmp_path / "phone.wav", spoken[::2], 8_000)  # 8 kHz telephone audio
    assert abs(len(load_audio(tmp_path / "phone.wav")) - len(spoken)) < 400
    (tmp_path / "named.mp3").write_bytes((tmp_path / "phone.wav").read_bytes())  # wrong extension
    assert len(load_audio(tmp_path / "named.mp3")) == len(load_audio(tmp_path / "phone.wav"))
    channels_first = np.stack([spoken, spoken])  # (channels, frames), as torchaudio gives
    assert len(to_mono_16k(channels_first, SAMPLE_RATE)) == len(spoken)
    pcm16 = (spoken * 32767).astype(np.int16)
    assert np.abs(to_mono_16k(pcm16, SAMPLE_RATE) - spoken).max() < 1e-3


@pytest.mark.parametrize("payload, message", [
    (b"", "empty"),
    (b"RIFF\x00\x00garbage that is not audio" * 10, "cannot decode"),
])
def test_unusable_files_are_clear_errors(tmp_path, payload, message):
    path = tmp_path / "bad.wav"
    path.write_bytes(payload)
    with pytest.raises(AudioError, match=message):
        load_audio(path)


def test_missing_empty_and_broken_arrays(tmp_path):
    with pytest.raises(AudioError, match="no audio file"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="empty"):
        to_mono_16k(np.zeros(0), SAMPLE_RATE)
    with pytest.raises(AudioError, match="NaN"):
        to_mono_16k(np.array([0.1, np.nan]), SAMPLE_RATE)
    with pytest.raises(AudioError, match="sample rate"):
        to_mono_16k(np.zeros(10), 0)
    with pytest.raises(AudioError, match="1-D"):
        to_mono_16k(np.zeros((2, 2, 2)), SAMPLE_RATE)


def test_a_ten_minute_file_is_refused_by_the_limit_before_decoding(tmp_path):
    path = tmp_path / "long.flac"
    sf.write(path, np.zeros(600 * 8_000, dtype=np.float32), 8_000)
    with pytest.raises(AudioError, match="600 s long; the limit is 120 s"):
        load_audio(path, max_seconds=120)
    assert len(load_audio(path)) == 600 * SAMPLE_RATE  # no limit: decoded and resampled


# -- hearing -------------------------------------------------------------------------------------


def test_transcriber_hears_the_voice_with_word_timings(transcriber, spoken):
    result = transcriber.transcribe(spoken, SAMPLE_RATE)
    assert word_error_rate(SENTENCE, result.text) <= 0.10
    words = result.words
    assert len(words) >= 10 and all(0 <= w.start <= w.end <= result.duration + 0.5 for w in words)
    # the same speech as 8 kHz stereo is heard the same way
    phone = np.stack([spoken[::2]] * 2, axis=1)
    assert word_error_rate(SENTENCE, transcriber.transcribe(phone, 8_000).text) <= 0.10


def test_silence_transcribes_to_nothing(transcriber):
    assert transcriber.transcribe(np.zeros(SAMPLE_RATE * 2, dtype=np.float32)).text == ""


def test_end_of_turn_after_silence_and_short_sounds_ignored(spoken):
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    detector = TurnDetector(silence_ms=500, min_speech_ms=250)
    events = []
    stream = np.concatenate([gap, spoken, gap, spoken[:int(0.12 * SAMPLE_RATE)], gap])
    for i in range(0, len(stream), 1600):  # 100 ms pieces, as a microphone delivers them
        events += detector.feed(stream[i:i + 1600])
    events = [e for e in events if e.kind != "pause"]  # (pauses: the next test)
    assert [e.kind for e in events] == ["speech_start", "turn_end"]  # the 120 ms blip is no turn
    turn = events[1]
    assert turn.reason == "silence" and abs(len(turn.audio) / SAMPLE_RATE - len(spoken) / SAMPLE_RATE) < 1.0
    capped = TurnDetector(max_turn_s=1.0).feed(np.concatenate([spoken, gap]))
    assert [e.reason for e in capped if e.kind == "turn_end"][0] == "max_length"


def test_a_pause_comes_before_the_end_of_turn_and_the_last_one_counts(spoken):
    gap, breath = np.zeros(SAMPLE_RATE, dtype=np.float32), np.zeros(SAMPLE_RATE // 4, dtype=np.float32)
    detector = TurnDetector(silence_ms=500, pause_ms=160)
    events = detector.feed(np.concatenate([gap, spoken, gap]))
    kinds = [e.kind for e in events]
    assert kinds[0] == "speech_start" and kinds[-2:] == ["pause", "turn_end"]  # (and one between sentences)
    pause, end = events[-2], events[-1]
    assert end.paused_samples == len(pause.audio) and np.array_equal(end.audio[:len(pause.audio)], pause.audio)
    assert not np.any(end.audio[len(pause.audio):])  # after the pause: only the silence that ended it
    # the user breathes 250 ms and goes on: that pause is not the end; the turn's last pause counts
    events = detector.feed(np.concatenate([spoken, breath, spoken, gap]))
    pauses, end = [e for e in events if e.kind == "pause"], events[-1]
    assert len(pauses) >= 3 and end.kind == "turn_end" and end.paused_samples == len(pauses[-1].audio)
    assert len(end.audio) > 2 * len(spoken)
    never = TurnDetector(pause_ms=0).feed(np.concatenate([spoken, gap]))
    assert [e.kind for e in never] == ["speech_start", "turn_end"] and never[-1].paused_samples == 0


# -- speaking ------------------------------------------------------------------------------------


def test_prosody_table_moves_the_way_it_says():
    sad, joy, neutral = (prosody_for(VAD.of(e)) for e in ("sadness", "joy", "neutral"))
    assert sad.tempo < neutral.tempo < joy.tempo
    assert sad.gain_db < neutral.gain_db < joy.gain_db
    assert sad.pitch_semitones < neutral.pitch_semitones < joy.pitch_semitones
    assert prosody_for(None) == neutral


def test_sadness_sounds_slower_quieter_and_lower_than_joy_and_both_are_understood(synthesizer, transcriber):
    sad, joy = (synthesizer.synthesize(SENTENCE, e) for e in ("sadness", "joy"))
    assert sad.duration > joy.duration * 1.15
    assert rms(sad.samples) < rms(joy.samples) * 0.7
    assert median_f0(sad.samples, sad.sample_rate) < median_f0(joy.samples, joy.sample_rate) * 0.9
    for audio in (sad, joy):
        assert word_error_rate(SENTENCE, transcriber.transcribe(audio.samples, audio.sample_rate).text) <= 0.10


def test_stream_gives_one_chunk_per_sentence(synthesizer):
    chunks = list(synthesizer.stream(SENTENCE, "neutral"))
    assert len(chunks) == 2 and all(c.sample_rate == synthesizer.sample_rate for c in chunks)
    assert all(np.abs(c.samples).max() <= 1.0 for c in chunks)


def test_synthesizer_errors_are_clear(synthesizer, tmp_path):
    with pytest.raises(ValueError, match="empty"):
        synthesizer.synthesize("   ", "joy")
    with pytest.raises(ValueError, match="unknown emotion"):
        synthesizer.synthesize("Hello.", "bored")
    with pytest.raises(ValueError, match="at most"):
        synthesizer.synthesize("a" * 6000, "joy")
    with pytest.raises(ModelLoadError, match="no Piper voice"):
        Synthesizer.load(str(tmp_path / "voice.onnx"))
    with pytest.raises(ModelLoadError, match="Coqui"):  # not installed, no torchaudio, or no such folder
        Synthesizer.load(f"coqui:{tmp_path / 'no-such-model'}")


def test_sentence_buffer_releases_finished_sentences():
    buffer = SentenceBuffer()
    assert buffer.feed("Oh. I see what") == []
    assert buffer.feed(" you mean. That must ") == ["Oh. I see what you mean."]
    assert buffer.feed("hurt!") == []
    assert buffer.flush() == "That must hurt!"


def test_the_first_piece_may_be_a_clause_so_the_voice_starts_sooner():
    buffer = SentenceBuffer()
    assert buffer.feed("Oh no, that") == []  # too short a clause: wait for more
    assert buffer.feed(" is bad, and you") == ["Oh no, that is bad,"]
    assert buffer.feed(" must be tired, right? Yes. ") == ["and you must be tired, right?"]  # then sentences
    assert buffer.flush() == "Yes."


def test_one_sentence_splitter_for_text_speech_and_checks():
    assert split_sentences('She said "go." Then she left! Did she? Well… ok') == \
        ['She said "go."', "Then she left!", "Did she?", "Well…", "ok"]
    assert split_sentences("  ") == [] and split_sentences("No end") == ["No end"]
    # (a title's full stop ends no sentence: "Have you talked to Dr." was a reply, cut there)
    assert split_sentences("Have you talked to Dr. Okafor? Mrs. Lee said so.") == \
        ["Have you talked to Dr. Okafor?", "Mrs. Lee said so."]
    assert not ends_sentence("Have you talked to Dr.")
    # (an abbreviation that ends a sentence still does: the crisis detector reads each sentence)
    assert split_sentences("I was diagnosed with MS. I dont want to live anymore.") == \
        ["I was diagnosed with MS.", "I dont want to live anymore."]
    assert ends_sentence("Really?) ") and not ends_sentence("and then")
    buffer = SentenceBuffer()
    streamed = buffer.feed('She said "go." Then she left! ') + [buffer.flush()]
    assert [s for s in streamed if s] == split_sentences('She said "go." Then she left!')
