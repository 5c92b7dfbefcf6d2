"""The perception subgraph: one node per modality present, in parallel, fanning in to `fuse`.

    START ─┬─ text ───┬─ fuse ─ END
           │     └─ risk ─ danger ─ END
           ├─ speech ─┤
           └─ face ───┘

A modality runs when its input is in the state (`text`; `audio`, 16 kHz mono, for speech; `frames`,
RGB arrays, for the face) and its recognizer was given; fusion weighs whatever came back (a turn
whose frames show no face has no face estimate). `risk` reads the words for self-harm or suicide risk
(`perception/crisis.py`), with the speaker's earlier messages, after the text emotion and beside
fusion: run beside the text emotion, the two models fought for the same cores (measured: 35 ms added
to perception in parallel, about the detector's own 9-14 ms in sequence). `danger` reads the words for harm
from others or an emergency (`perception/danger.py`), after `risk` for the same reason.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph

from perception.crisis import RiskReading
from perception.danger import DangerReading
from perception.emotions import EmotionEstimate, UserAffect
from perception.fusion import fuse
from perception.text import TextEmotionRecognizer

import numpy as np

if TYPE_CHECKING:
    from perception.crisis import CrisisDetector
    from perception.danger import DangerDetector
    from perception.face import FaceEmotionRecognizer
    from perception.speech_emotion import SpeechEmotionRecognizer


def merge_dicts(left: dict | None, right: dict | None) -> dict:
    return {**(left or {}), **(right or {})}


class PerceptionState(TypedDict, total=False):
    text: str
    context: list[tuple[str, str]]  # (speaker, text) of the conversation's earlier turns, oldest first
    speaker: str  # who said `text`
    audio: np.ndarray  # the same turn as 16 kHz mono audio, when it was spoken
    frames: list[np.ndarray]  # webcam frames of the turn (RGB uint8), oldest first
    estimates: Annotated[dict[str, EmotionEstimate], merge_dicts]
    affect: UserAffect
    risk: RiskReading
    danger: DangerReading


def perceive_text(state: PerceptionState, *, recognizer: TextEmotionRecognizer) -> dict[str, Any]:
    estimate = recognizer.predict([state["text"]], contexts=[state.get("context") or []],
                                  speakers=[state.get("speaker", "user")])[0]
    return {"estimates": {"text": estimate}}


def perceive_risk(state: PerceptionState, *, detector: "CrisisDetector") -> dict[str, Any]:
    speaker = state.get("speaker", "user")
    earlier = [text for who, text in state.get("context") or [] if who == speaker]
    return {"risk": detector.read(state["text"], earlier)}


def perceive_danger(state: PerceptionState, *, detector: "DangerDetector") -> dict[str, Any]:
    speaker = state.get("speaker", "user")
    return {"danger": detector.read(state["text"], [text for who, text in state.get("context") or [] if who == speaker])}


def perceive_speech(state: PerceptionState, *, recognizer: "SpeechEmotionRecognizer") -> dict[str, Any]:
    from perception.audio import SAMPLE_RATE

    return {"estimates": {"speech": recognizer.predict(state["audio"], SAMPLE_RATE)}}


def perceive_face(state: PerceptionState, *, recognizer: "FaceEmotionRecognizer") -> dict[str, Any]:
    estimate = recognizer.predict_user(state["frames"])
    return {"estimates": {"face": estimate}} if estimate is not None else {}


def fuse_modalities(state: PerceptionState, *, reliability: dict[str, float] | None = None
                    ) -> dict[str, Any]:
    return {"affect": fuse(state.get("estimates") or {}, reliability)}


MODALITY_INPUTS = {"text": "text", "speech": "audio", "face": "frames"}


def present_modalities(state: PerceptionState, available: tuple[str, ...] = ("text",)) -> list[str]:
    present = [m for m in available if state.get(MODALITY_INPUTS[m]) is not None
               and (MODALITY_INPUTS[m] != "text" or state.get("text"))]
    if not present:
        raise ValueError(f"a turn needs at least one of: {', '.join(MODALITY_INPUTS[m] for m in available)}")
    return present


def build_perception_graph(text_recognizer: TextEmotionRecognizer,
                           reliability: dict[str, float] | None = None,
                           speech_recognizer: "SpeechEmotionRecognizer | None" = None,
                           face_recognizer: "FaceEmotionRecognizer | None" = None,
                           crisis_detector: "CrisisDetector | None" = None,
                           danger_detector: "DangerDetector | None" = None):
    graph = StateGraph(PerceptionState)
    nodes = {"text": partial(perceive_text, recognizer=text_recognizer)}
    if speech_recognizer is not None:
        nodes["speech"] = partial(perceive_speech, recognizer=speech_recognizer)
    if face_recognizer is not None:
        nodes["face"] = partial(perceive_face, recognizer=face_recognizer)
    for name, node in nodes.items():
        graph.add_node(name, node)
        graph.add_edge(name, "fuse")
    after_text = "text"
    if crisis_detector is not None:
        graph.add_node("risk", partial(perceive_risk, detector=crisis_detector))
        graph.add_edge("text", "risk")
        after_text = "risk"
    if danger_detector is not None:
        graph.add_node("danger", partial(perceive_danger, detector=danger_detector))
        graph.add_edge(after_text, "danger")
        after_text = "danger"
    if after_text != "text":
        graph.add_edge(after_text, END)
    graph.add_node("fuse", partial(fuse_modalities, reliability=reliability))
    graph.add_conditional_edges(START, partial(present_modalities, available=tuple(nodes)), list(nodes))
    graph.add_edge("fuse", END)
    return graph.compile()
