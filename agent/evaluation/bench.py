"""`empathica bench`: start-up time, a cold first turn, then warm turns, per stage (seconds)."""

from __future__ import annotations

import itertools
import statistics
import time
import uuid
from typing import Callable
from dataclasses import dataclass, field

from agent.sdk import EmpatheticAgent

MESSAGES = ["I lost my job today", "They said it was budget cuts", "I don't know how to tell my wife",
            "At least I have some savings", "My friend offered to help me look for work",
            "I'm scared I won't find anything soon", "Thanks for listening to me"]


def percentile(values, q: float) -> float:
    """The q-quantile of `values` by nearest rank."""
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


@dataclass
class BenchResult:
    profile: str
    startup_s: float
    cold_turn: dict[str, float]
    warm_turns: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        # per stage, over the turns that ran it (a crisis turn skips find_causes and choose_emotion)
        order = dict.fromkeys(s for t in self.warm_turns for s in t)  # (the graph's order, every run)
        stages = {s: [t[s] for t in self.warm_turns if s in t] for s in order}
        stages = {s: times for s, times in stages.items() if times}
        return {"profile": self.profile, "startup_s": self.startup_s, "cold_turn": self.cold_turn,
                "warm_turns": len(self.warm_turns),
                "warm_p50": {s: statistics.median(times) for s, times in stages.items()},
                "warm_p95": {s: percentile(times, 0.95) for s, times in stages.items()}}


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


CONTEXT = [("user", "I had a rough week at work."), ("agent", "I'm sorry, what happened?"),
           ("user", "My manager called me into a meeting this morning.")]


def _percentiles(values: list[float]) -> dict[str, float]:
    return {"p50_ms": 1000 * statistics.median(values), "p95_ms": 1000 * percentile(values, 0.95)}


def run_model_bench(profile: str = "offline", repeats: int = 50, batch: int = 256) -> dict:
    """Latency of one utterance with context (text emotion: from nothing kept, and as the next turn
    of a conversation) and one turn's causes, after warm-up, and text-emotion throughput on a batch."""
    from agent.settings import Settings
    from perception.cause import CauseExtractor
    from perception.text import TextEmotionRecognizer

    settings = Settings.load(profile)
    recognizer = TextEmotionRecognizer.load(settings.text.model, settings.device)
    extractor = CauseExtractor.load(settings.cause.model, settings.device, settings.cause.context_turns)
    text = "I got fired, just like that."
    utterances = [t for _, t in CONTEXT] + [text]
    speakers = [s for s, _ in CONTEXT] + ["user"]

    cache = getattr(recognizer, "cache", None)  # the trained model keeps each utterance's logits
    turn = itertools.count()

    def one_text():  # nothing kept: the utterance and the earlier turns its dialogue head reads
        if cache is not None:
            cache.clear()
        recognizer.predict([text], contexts=[CONTEXT], speakers=["user"])

    def next_text():  # in a conversation: the earlier turns were read before, the agent's reply was not
        i = next(turn)
        recognizer.predict([f"{text} ({i})"], contexts=[[*CONTEXT, ("agent", f"Oh no. ({i})")]],
                           speakers=["user"])

    def one_cause():
        extractor.extract(utterances, len(utterances) - 1, emotion="sadness", speakers=speakers)

    from perception.face import FaceEmotionRecognizer

    faces = FaceEmotionRecognizer.load(settings.face.model, settings.device, settings.face.min_face_px)
    frame = webcam_frame()

    def one_frame():
        faces.predict(frame)

    result = {"profile": profile, "device": settings.device}
    for name, call in (("text_emotion_one_utterance", one_text), ("text_emotion_next_turn", next_text),
                       *crisis_calls(settings, recognizer, text, turn),
                       ("causes_one_turn", one_cause),
                       ("face_one_frame_640x480", one_frame)):
        for _ in range(5):
            call()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        result[name] = _percentiles(times)
    result["crisis_adds_to_perception_p50_ms"] = (result["perception_text_and_risk_next_turn"]["p50_ms"]
                                                  - result["perception_text_next_turn"]["p50_ms"])
    if "perception_text_risk_and_danger_next_turn" in result:
        result["danger_adds_to_perception_p50_ms"] = (result["perception_text_risk_and_danger_next_turn"]["p50_ms"]
                                                      - result["perception_text_and_risk_next_turn"]["p50_ms"])
    texts = [f"{MESSAGES[i % len(MESSAGES)]} ({i})" for i in range(batch)]
    start = time.perf_counter()
    recognizer.predict(texts, contexts=[CONTEXT] * batch, speakers=["user"] * batch)
    result["text_emotion_batch_per_s"] = batch / (time.perf_counter() - start)
    return result


def crisis_calls(settings, recognizer, text: str, turn: itertools.count) -> list[tuple[str, Callable]]:
    """The crisis detector on a new message (the user's earlier ones read before), and the perception
    subgraph on a new message without and with it (the risk node runs beside text emotion), and with the
    danger detector after it too (where the settings load one)."""
    from agent.crisis_model import load_crisis_detector
    from perception.danger import DangerDetector
    from perception.graph import build_perception_graph

    detector = load_crisis_detector(settings.safety.model, settings.safety.verifier, settings.device,
                                    settings.cache_dir)

    earlier = [t for s, t in CONTEXT if s == "user"]

    def next_risk():
        detector.read(f"{text} ({next(turn)})", earlier)

    def perceive(graph):
        def call():
            graph.invoke({"text": f"{text} ({next(turn)})", "context": CONTEXT, "speaker": "user"})
        return call

    def verify():  # what a message the detector flags or nearly flags costs on top
        detector.verifier.scores([f"{text} ({next(turn)})"], [earlier])

    return [("crisis_next_turn", next_risk),
            *([("crisis_verifier_one_message", verify)] if detector.verifier is not None else []),
            ("perception_text_next_turn", perceive(build_perception_graph(recognizer))),
            ("perception_text_and_risk_next_turn",
             perceive(build_perception_graph(recognizer, crisis_detector=detector))),
            *([("perception_text_risk_and_danger_next_turn", perceive(build_perception_graph(
                recognizer, crisis_detector=detector, danger_detector=DangerDetector.load(
                    settings.safety.danger, settings.device))))] if settings.safety.danger != "none" else [])]


def webcam_frame():
    """A 640x480 frame with one face: scikit-image's astronaut portrait when installed (the test
    extra), else a blank frame (then the figure is detection alone)."""
    import cv2
    import numpy as np

    try:
        from skimage import data
    except ImportError:
        return np.full((480, 640, 3), 127, dtype=np.uint8)
    return cv2.resize(data.astronaut(), (640, 480))
