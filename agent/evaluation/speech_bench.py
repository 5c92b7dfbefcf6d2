"""`empathica bench` speech figures: ASR real-time factor and WER on speech the packaged voice
generates, speech-emotion latency, TTS real-time factor and time to the first audio chunk, how the
emotions sound (duration, loudness, pitch), and end of speech -> first audio out for a voice turn."""

from __future__ import annotations

import statistics
import time
import uuid
from collections import Counter

import numpy as np

from agent.evaluation.bench import percentile

SENTENCES = ["I lost my job today and I don't know what to do.",
             "That sounds really hard, I'm sorry it happened.",
             "We finally got the keys to our new house this morning!",
             "Do you want to tell me more about what your manager said?",
             "I am worried that I will not find anything soon.",
             "It is okay to feel scared when everything changes at once."]
PROSODY_SENTENCE = "I hear you, and I am here for you. Tell me what happened."


def _timed(call):
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def run_speech_bench(profile: str = "offline", turns: int = 3) -> dict:
    from agent.events import AudioChunk
    from agent.sdk import EmpatheticAgent
    from agent.settings import Settings
    from perception.audio import SAMPLE_RATE, to_mono_16k
    from perception.speech_emotion import SpeechEmotionRecognizer
    from agent.evaluation.speech_measures import normalise_words, word_error_rate
    from speech.synthesizer import Synthesizer
    from speech.transcriber import Transcriber

    settings = Settings.load(profile)
    s = settings.speech
    (synth, tts_load), (asr, asr_load) = (_timed(lambda: Synthesizer.load(s.voice, settings.device)),
                                          _timed(lambda: Transcriber.load(s.asr_model, settings.device)))
    ser, ser_load = _timed(lambda: SpeechEmotionRecognizer.load(s.emotion_model, settings.device))
    synth.synthesize("Warm up.", "neutral")
    asr.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32))
    tts_rtf, first_chunk, asr_rtf, ser_ms, errors, words = [], [], [], [], 0.0, 0
    for sentence in SENTENCES:
        audio, took = _timed(lambda: synth.synthesize(sentence, "neutral"))
        tts_rtf.append(took / audio.duration)
        start = time.perf_counter()
        next(iter(synth.stream(sentence + " " + SENTENCES[0], "neutral")))
        first_chunk.append(time.perf_counter() - start)
        heard16 = to_mono_16k(audio.samples, audio.sample_rate)
        transcript, took = _timed(lambda: asr.transcribe(heard16))
        asr_rtf.append(took / audio.duration)
        n = len(normalise_words(sentence))
        errors += word_error_rate(sentence, transcript.text) * n
        words += n
        _, took = _timed(lambda: ser.predict(heard16, SAMPLE_RATE))
        ser_ms.append(1000 * took)
    sounds = _emotion_sounds(synth, asr, ser)
    from perception.loading import resolve_device

    result = {"profile": profile, "device": resolve_device(settings.device),
              "load_s": {"tts": tts_load, "asr": asr_load, "speech_emotion": ser_load},
              "tts_rtf_p50": statistics.median(tts_rtf), "tts_first_chunk_s_p50": statistics.median(first_chunk),
              "asr_rtf_p50": statistics.median(asr_rtf), "asr_wer": errors / words, "asr_words": words,
              "speech_emotion_ms_p50": statistics.median(ser_ms), "emotions": sounds,
              "heard_as_intended": float(np.mean([v["heard_as_intended"] for v in sounds.values()]))}
    if turns > 0:
        result["voice_turn"] = _voice_turns(EmpatheticAgent, AudioChunk, synth, settings, turns)
    return result


def _emotion_sounds(synth, asr, ser) -> dict:
    """Each emotion the agent can answer with, spoken at its anchor: duration, loudness, pitch and WER
    of one sentence, and how often the speech emotion model hears the intended emotion (all sentences)."""
    from agent.response_policy import NEVER_ANSWERED
    from perception.emotions import EMOTIONS
    from agent.evaluation.speech_measures import median_f0, word_error_rate
    from perception.audio import rms

    sounds = {}
    for emotion in [e for e in EMOTIONS if e not in NEVER_ANSWERED]:
        audio = synth.synthesize(PROSODY_SENTENCE, emotion)
        heard = [ser.predict(a.samples, a.sample_rate).label
                 for a in [audio, *(synth.synthesize(s, emotion) for s in SENTENCES)]]
        sounds[emotion] = {"duration_s": audio.duration, "rms": rms(audio.samples),
                           "median_f0_hz": median_f0(audio.samples, audio.sample_rate),
                           "wer": word_error_rate(PROSODY_SENTENCE, asr.transcribe(audio.samples, audio.sample_rate).text),
                           "heard_as_intended": float(np.mean([h == emotion for h in heard])),
                           "heard": dict(sorted(Counter(heard).items()))}
    return sounds


def _voice_turns(agent_cls, chunk_cls, synth, settings, turns: int) -> dict:
    """End of speech -> first audio out, through the live path (`agent.voice.TurnTaker`): the
    utterance goes in as a microphone would deliver it, then silence in 32 ms blocks paced by the
    clock until the detector ends the turn; the turn streams with the transcript made during the
    pause. Timed from the utterance's last sound (its trailing silence trimmed) to the first chunk.
    The next utterance comes once the reply has been heard (its audio's length after the first chunk)."""
    from agent.voice import TurnTaker
    from perception.audio import SAMPLE_RATE, to_mono_16k

    agent = agent_cls.from_settings(settings)
    taker = TurnTaker(agent)
    user = f"bench-{uuid.uuid4().hex[:8]}"
    first, ended_at, whole, early = [], [], [], 0
    try:
        for i in range(turns + 1):
            said = synth.synthesize(SENTENCES[(2 * i) % len(SENTENCES)], "sadness")
            taker.feed(np.concatenate([np.zeros(SAMPLE_RATE // 4, np.float32),
                                       _trim_trailing_silence(to_mono_16k(said.samples, said.sample_rate))]))
            turn, start = _silence_until_turn_end(taker, SAMPLE_RATE)
            end_of_turn, first_audio, spoken = time.perf_counter() - start, None, 0.0
            for event in agent.stream(audio=(turn.audio, SAMPLE_RATE), transcript=turn.transcript,
                                      user_id=user, session_id="voice"):
                if isinstance(event, chunk_cls):
                    first_audio = first_audio or time.perf_counter() - start
                    spoken += event.audio.duration
            if i == 0:
                continue  # the cold turn loads the voice models
            early += turn.transcript is not None
            ended_at.append(end_of_turn)
            first.append(first_audio if first_audio is not None else float("nan"))
            whole.append(time.perf_counter() - start)
            time.sleep(max(0.0, spoken - (time.perf_counter() - start - first_audio)))  # the user listens
        agent.store.delete_user(user)
    finally:
        agent.close()
    return {"turns": turns, "silence_ms": settings.speech.silence_ms,
            "early_transcribe_ms": settings.speech.early_transcribe_ms, "early_transcripts_used": early,
            "turn_end_detected_s_p50": statistics.median(ended_at),
            "end_of_speech_to_first_audio_s_p50": statistics.median(first),
            "end_of_speech_to_first_audio_s_p95": percentile(first, 0.95),
            "whole_turn_s_p50": statistics.median(whole)}


def _trim_trailing_silence(samples: np.ndarray, floor: float = 0.02) -> np.ndarray:
    """Up to the last sample louder than `floor` x the peak: where the speaker stops."""
    loud = np.flatnonzero(np.abs(samples) > floor * np.abs(samples).max())
    return samples[: loud[-1] + 1] if len(loud) else samples


def _silence_until_turn_end(taker, rate: int, block: int = 512, limit_s: float = 10.0):
    """Feed silence in real time until the taker ends the turn: (the turn_end event, the clock at
    the end of speech)."""
    start = time.perf_counter()
    for k in range(1, int(limit_s * rate / block)):
        time.sleep(max(0.0, start + k * block / rate - time.perf_counter()))  # block k has been heard
        ended = [e for e in taker.feed(np.zeros(block, np.float32)) if e.kind == "turn_end"]
        if ended:
            return ended[0], start
    raise RuntimeError(f"the turn detector did not end the turn within {limit_s:.0f} s of silence")


def show_speech_bench(sp: dict, console) -> None:
    console.print(f"speech ({sp['device']}): ASR real-time factor {sp['asr_rtf_p50']:.3f} (p50), WER "
                  f"{sp['asr_wer']:.3f} on {sp['asr_words']} words of generated speech; speech emotion "
                  f"{sp['speech_emotion_ms_p50']:.0f} ms per utterance; TTS real-time factor "
                  f"{sp['tts_rtf_p50']:.3f}, first audio chunk after {sp['tts_first_chunk_s_p50'] * 1000:.0f} ms")
    from rich.table import Table

    table = Table(title="how the response emotions sound (same sentence)", title_justify="left")
    for column in ("emotion", "duration (s)", "RMS", "median F0 (Hz)", "WER", "heard as intended", "heard"):
        table.add_column(column, justify="right" if column not in ("emotion", "heard") else "left")
    for emotion, v in sp["emotions"].items():
        table.add_row(emotion, f"{v['duration_s']:.2f}", f"{v['rms']:.4f}", f"{v['median_f0_hz']:.1f}", f"{v['wer']:.2f}",
                      f"{v['heard_as_intended']:.2f}", ", ".join(f"{k} {n}" for k, n in v["heard"].items()))
    table.caption = (f"the project's speech emotion model hears the intended emotion in "
                     f"{sp['heard_as_intended']:.0%} of {1 + len(SENTENCES)} sentences per emotion (mean)")
    table.caption_justify = "left"
    console.print(table)
    if "voice_turn" in sp:
        v = sp["voice_turn"]
        console.print(f"voice turn ({v['turns']} warm, live path): end of speech -> first audio out "
                      f"{v['end_of_speech_to_first_audio_s_p50']:.2f} s p50 "
                      f"({v['end_of_speech_to_first_audio_s_p95']:.2f} s p95); the turn ended "
                      f"{v['turn_end_detected_s_p50']:.2f} s after speech ({v['silence_ms']} ms silence), transcribed "
                      f"from {v['early_transcribe_ms']} ms in {v['early_transcripts_used']} of {v['turns']} turns; "
                      f"whole turn {v['whole_turn_s_p50']:.2f} s")
