"""The perception subgraph: one node per modality present, in parallel, fanning in to `fuse`.

    START ─┬─ text ───┬─ fuse ─ END        (speech and face nodes join the fan-out as they land)
           └─ ...  ───┘
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph

from perception.emotions import EmotionEstimate, UserAffect
from perception.fusion import fuse
from perception.text import TextEmotionRecognizer


def merge_dicts(left: dict | None, right: dict | None) -> dict:
    return {**(left or {}), **(right or {})}


class PerceptionState(TypedDict, total=False):
    text: str
    context: list[tuple[str, str]]  # (speaker, text) of the conversation's earlier turns, oldest first
    speaker: str  # who said `text`
    estimates: Annotated[dict[str, EmotionEstimate], merge_dicts]
    affect: UserAffect
    timings: Annotated[dict[str, float], merge_dicts]


def perceive_text(state: PerceptionState, *, recognizer: TextEmotionRecognizer) -> dict[str, Any]:
    estimate = recognizer.predict([state["text"]], contexts=[state.get("context") or []],
                                  speakers=[state.get("speaker", "user")])[0]
    return {"estimates": {"text": estimate}}


def fuse_modalities(state: PerceptionState, *, reliability: dict[str, float] | None = None
                    ) -> dict[str, Any]:
    return {"affect": fuse(state.get("estimates") or {}, reliability)}


def present_modalities(state: PerceptionState) -> list[str]:
    present = [m for m in ("text",) if state.get(m)]
    if not present:
        raise ValueError("a turn needs at least one of: text")
    return present


def build_perception_graph(text_recognizer: TextEmotionRecognizer,
                           reliability: dict[str, float] | None = None):
    graph = StateGraph(PerceptionState)
    graph.add_node("text", partial(perceive_text, recognizer=text_recognizer))
    graph.add_node("fuse", partial(fuse_modalities, reliability=reliability))
    graph.add_conditional_edges(START, present_modalities, ["text"])
    graph.add_edge("text", "fuse")
    graph.add_edge("fuse", END)
    return graph.compile()
