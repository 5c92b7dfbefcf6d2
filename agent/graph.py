"""The turn: one LangGraph `StateGraph` of plain node functions over one typed state.

    START → recall → perceive → find_causes → choose_emotion → generate → remember → END

`recall` runs first because recognizing emotion in conversation reads the earlier turns. Each node
is a plain function `(state, *, dependencies) -> the keys it sets`, bound to its dependencies with
`functools.partial`, so each can be called and tested alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial, wraps
from typing import Annotated, Any, Callable, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph

from agent.persona import Persona
from agent.prompt import PromptInput, PromptTurn
from agent.respond import ReplyWriter
from agent.transition import EmotionTransition, ResponseEmotion
from memory import MemoryStore, StoredTurn, TurnRecord
from perception.cause import CauseExtractor
from perception.emotions import VAD, Cause, EmotionEstimate, UserAffect
from perception.graph import merge_dicts


class TurnState(TypedDict, total=False):
    # input
    text: str
    user_id: str
    session_id: str
    persona: Persona
    stream: bool  # generate streams text deltas through the graph's custom stream
    # recall
    history: list[StoredTurn]
    agent_state: tuple[str, VAD] | None
    # perceive
    context: list[tuple[str, str]]  # (speaker, text) of the earlier turns, oldest first
    estimates: Annotated[dict[str, EmotionEstimate], merge_dicts]
    affect: UserAffect
    # find_causes, choose_emotion, generate, remember
    utterances: list[str]
    causes: list[Cause]
    response: ResponseEmotion
    reply: str
    turn_index: int
    timings: Annotated[dict[str, float], merge_dicts]


def timed(name: str, node: Callable[..., dict]) -> Callable[[TurnState], dict]:
    """Wrap a node so that it also reports its wall time in `timings[name]` (seconds)."""

    @wraps(node)
    def run(state: TurnState) -> dict:
        start = time.perf_counter()
        update = node(state)
        return {**update, "timings": {name: time.perf_counter() - start}}

    return run


def recall(state: TurnState, *, store: MemoryStore, history_turns: int) -> dict[str, Any]:
    history = store.history(state["user_id"], state["session_id"], limit=history_turns)
    return {"history": history, "agent_state": store.agent_state(state["user_id"], state["session_id"]),
            "context": [turn for t in history
                        for turn in (("user", t.user_text), ("agent", t.reply_text))]}


def perceive(state: TurnState, *, perception_graph) -> dict[str, Any]:
    result = perception_graph.invoke({"text": state["text"], "context": state.get("context") or [],
                                      "speaker": "user"})
    return {"estimates": result["estimates"], "affect": result["affect"]}


def find_causes(state: TurnState, *, extractor: CauseExtractor, max_causes: int) -> dict[str, Any]:
    context = state.get("context") or []
    utterances = [text for _, text in context] + [state["text"]]
    speakers = [speaker for speaker, _ in context] + ["user"]
    causes = extractor.extract(utterances, len(utterances) - 1, emotion=state["affect"].fused.label,
                               max_causes=max_causes, speakers=speakers)
    return {"utterances": utterances, "causes": causes}


def choose_emotion(state: TurnState, *, transition: EmotionTransition) -> dict[str, Any]:
    history = [(s, e) for t in state.get("history") or []
               for s, e in (("user", t.affect.fused.label), ("agent", t.response_emotion))]
    previous = state.get("agent_state")
    response = transition.predict([*history, ("user", state["affect"].fused.label)],
                                  state["persona"].big5, agent_vad=previous[1] if previous else None)
    return {"response": response}


def prompt_input(state: TurnState) -> PromptInput:
    causes = state.get("causes") or []
    history = [PromptTurn(t.user_text, t.affect.fused.label, t.causes[0].text if t.causes else None,
                          t.response_emotion, t.reply_text) for t in state.get("history") or []]
    return PromptInput(persona=state["persona"], user_text=state["text"],
                       user_emotion=state["affect"].fused.label,
                       cause=causes[0].text if causes else None,
                       response_emotion=state["response"].label, history=history)


def generate(state: TurnState, *, writer: ReplyWriter) -> dict[str, Any]:
    p = prompt_input(state)
    if not state.get("stream"):
        return {"reply": writer.write(p)}
    emit = get_stream_writer()
    deltas = writer.stream(p)
    while True:
        try:
            emit({"delta": next(deltas)})
        except StopIteration as done:
            return {"reply": done.value}


def remember(state: TurnState, *, store: MemoryStore) -> dict[str, Any]:
    response = state["response"]
    record = TurnRecord(
        user_id=state["user_id"], session_id=state["session_id"], user_text=state["text"],
        affect=state["affect"], causes=state.get("causes") or [], response_emotion=response.label,
        response_vad=response.vad, response_intensity=response.intensity, reply_text=state["reply"],
        timings=dict(state.get("timings") or {}), persona=state["persona"].name)
    return {"turn_index": store.save_turn(record)}


@dataclass
class TurnComponents:
    store: MemoryStore
    perception_graph: Any
    extractor: CauseExtractor
    transition: EmotionTransition
    writer: ReplyWriter
    history_turns: int = 6
    max_causes: int = 2


def build_turn_graph(c: TurnComponents):
    nodes = {
        "recall": partial(recall, store=c.store, history_turns=c.history_turns),
        "perceive": partial(perceive, perception_graph=c.perception_graph),
        "find_causes": partial(find_causes, extractor=c.extractor, max_causes=c.max_causes),
        "choose_emotion": partial(choose_emotion, transition=c.transition),
        "generate": partial(generate, writer=c.writer),
        "remember": partial(remember, store=c.store),
    }
    graph = StateGraph(TurnState)
    previous = START
    for name, node in nodes.items():
        graph.add_node(name, timed(name, node))
        graph.add_edge(previous, name)
        previous = name
    graph.add_edge(previous, END)
    return graph.compile()
