"""The turn: one LangGraph `StateGraph` of plain node functions over one typed state.

    START → transcribe → recall → perceive → check_safety ─┬→ find_causes → choose_emotion ─┬→ generate
                                                           └→ crisis_response ──────────────┘
          → remember → prepare_next → END

`transcribe` turns spoken input into text (it passes typed text through); `generate` writes the
reply and, when the turn asks for voice, says it with the response emotion's prosody
(`agent.spoken_reply`, the one place the turn calls the TTS). `recall` runs before
`perceive` because recognizing emotion in conversation reads the earlier turns (and the risk of
self-harm or suicide in the words, read with the user's recent turns). `check_safety` places the turn
in the crisis protocol (agent/safety.py): a session's first clear risk signal branches to
`crisis_response`, and its reply is the fixed protocol, not the LLM's (a clear first telling of danger
from someone else or of an emergency, read by the danger detector, takes the same branch with its
kind's reply: agent/danger_replies.py; an unsure one gets a check-in after the LLM's reply); the turns
after it stay careful until the conversation has moved on. While streaming,
`generate` speaks each sentence as soon as it is finished, so the first audio is out while the rest
is still being written. Each node
is a plain function `(state, *, dependencies) -> the keys it sets`, bound to its dependencies with
`functools.partial`, so each can be called and tested alone. `remember` stores text and estimates
only; the raw recording and frames too only when `memory.store_media` is on. `prepare_next` lets a
local LLM read the conversation so far in the background, for the next turn.
"""

from __future__ import annotations

import io
import re
import threading
import time
from dataclasses import dataclass
from functools import partial, wraps
from typing import Annotated, Any, Callable, TypedDict

import numpy as np
import soundfile
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph

from agent.farewell import CLOSING_MAX_DANGER, CLOSING_MAX_RISK, GENTLE_CLOSING, closes_here, is_farewell, signs_off
from agent.errors import InputError
from agent.events import TextDelta
from agent.about_listener import without_address
from agent.feeling_words import follow_up_words, glad_fits, laughed_off, story_feeling, words_emotion
from agent.injection import injection_signal
from agent.persona import Persona
from agent.prompt import PromptInput, PromptTurn
from agent.reflection import sentence_holding
from agent.reply_start import acknowledgement, reply_start, whole_reply
from agent.respond import ReplyWriter
from agent.spoken_reply import SpokenReply
from agent.safety import CRISIS_RESPONSE, Safety, assess, careful_response
from agent.response_policy import ResponsePolicy
from agent.transition import EmotionTransition, ResponseEmotion
from memory import MediaItem, MemoryStore, StoredTurn, TurnRecord
from perception.audio import SAMPLE_RATE
from perception.cause import CauseExtractor
from perception.crisis import RiskReading
from perception.danger import DangerReading
from perception.emotions import VAD, Cause, UserAffect
from perception.graph import merge_dicts
from perception.audio import Audio


class TurnState(TypedDict, total=False):
    # input
    text: str
    user_id: str
    session_id: str
    persona: Persona
    stream: bool  # generate streams text deltas through the graph's custom stream
    audio: Any  # spoken input, 16 kHz mono float32 (numpy); text, when also given, wins over its transcript
    frames: list  # webcam frames (RGB uint8 numpy arrays), oldest first
    voice: bool  # speak the reply
    # transcribe (an input too, when a voice session transcribed the audio during the user's pause)
    transcript: Any  # speech.transcriber.Transcript
    # recall
    history: list[StoredTurn]
    agent_state: tuple[str, VAD] | None
    # perceive
    context: list[tuple[str, str]]  # (speaker, text) of the earlier turns, oldest first
    affect: UserAffect  # fused, with each modality's estimate
    risk: RiskReading  # self-harm or suicide risk in the words (when a crisis detector is loaded)
    danger: DangerReading  # harm from others or an emergency in the words (when a danger detector is loaded)
    # check_safety: the turn's place in the crisis protocol
    safety: Safety
    # find_causes, choose_emotion, generate, remember
    utterances: list[str]
    causes: list[Cause]
    response: ResponseEmotion
    reply: str
    reply_audio: Audio | None
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


def transcribe(state: TurnState, *, transcriber: Callable[[], Any]) -> dict[str, Any]:
    if state.get("audio") is None:
        return {}
    transcript = state.get("transcript") or transcriber().transcribe(state["audio"])  # or made early
    if state.get("text"):
        return {"transcript": transcript}
    if not transcript.text.strip():
        raise InputError(f"no speech heard in the {transcript.duration:.1f} s of audio: "
                         "speak closer to the microphone, or type")
    return {"transcript": transcript, "text": transcript.text.strip()}


def recall(state: TurnState, *, store: MemoryStore, history_turns: int) -> dict[str, Any]:
    history = store.history(state["user_id"], state["session_id"], limit=history_turns)
    return {"history": history, "agent_state": store.agent_state(state["user_id"], state["session_id"]),
            "context": [turn for t in history
                        for turn in (("user", t.user_text), ("agent", t.reply_text))]}


def perceive(state: TurnState, *, perception_graph) -> dict[str, Any]:
    result = perception_graph.invoke({"text": state["text"], "context": state.get("context") or [],
                                      "speaker": "user", "audio": state.get("audio"),
                                      "frames": state.get("frames") or None})
    return {"affect": result["affect"],
            **{key: result[key] for key in ("risk", "danger") if key in result}}


@dataclass(frozen=True)
class SafetyRules:
    """How long a session stays careful (settings.safety), and the detector's threshold."""

    threshold: float = 0.5
    calm_turns: int = 3
    concern: float = 0.5
    protocol_score: float = 0.95  # a first signal below it (no pattern) is a check-in (agent/safety.py)


def check_safety(state: TurnState, *, rules: SafetyRules) -> dict[str, Any]:
    if "risk" not in state and "danger" not in state:
        return {"safety": Safety.none()}
    return {"safety": assess(state.get("risk") or RiskReading(0.0, False), state.get("history") or [],
                             rules.threshold, rules.calm_turns, rules.concern, rules.protocol_score,
                             state["affect"].fused.label,
                             leaving=signs_off(state["text"]) or is_farewell(state["text"]),
                             danger=state.get("danger"))}


def find_causes(state: TurnState, *, extractor: CauseExtractor, max_causes: int) -> dict[str, Any]:
    context = state.get("context") or []
    utterances = [text for _, text in context] + [state["text"]]
    speakers = [speaker for speaker, _ in context] + ["user"]
    causes = extractor.extract(utterances, len(utterances) - 1, emotion=state["affect"].fused.label,
                               max_causes=max_causes, speakers=speakers)
    return {"utterances": utterances, "causes": causes}


def careful_goodbye(safety: Safety) -> str | None:
    """A careful turn's whole reply where the person says goodbye (`Safety.leaving`) with no risk signal in the
    message and the crisis lines follow (`Safety.finish`), as right after a flagged turn: quiet closing words. The
    model had written "Right, I see. What do you want to do?" to "Well, I'd best go and put the kettle on." after a
    check-in; a review found "bye" later in a careful stretch, where no lines follow, closed without them."""
    return GENTLE_CLOSING if safety.leaving and safety.signal is None and safety.offer_lines else None


def turn_safety(state: TurnState) -> Safety:
    """The turn's place in the crisis protocol (none before `check_safety`, or without a detector)."""
    return state.get("safety") or Safety.none()


def crisis_response(state: TurnState) -> dict[str, Any]:
    """A session's first clear risk signal (agent/safety.py): no causes are looked for and no emotion
    is chosen; `generate` says the fixed protocol reply in calm concern."""
    utterances = [text for _, text in state.get("context") or []] + [state["text"]]
    return {"utterances": utterances, "causes": [], "response": ResponseEmotion(*CRISIS_RESPONSE)}


def after_safety(state: TurnState) -> str:
    """The graph's branch after `check_safety`: the crisis protocol's turn, or the usual one."""
    return "crisis_response" if turn_safety(state).protocol else "find_causes"


def choose_emotion(state: TurnState, *, transition: EmotionTransition,
                   policy: ResponsePolicy = ResponsePolicy()) -> dict[str, Any]:
    safety = turn_safety(state)
    if safety.careful:
        return {"response": careful_response(state["affect"].fused.label)}
    history = [(s, e) for t in state.get("history") or []
               for s, e in (("user", t.affect.fused.label), ("agent", t.response_emotion))]
    previous, user = state.get("agent_state"), state["affect"].fused
    return {"response": policy.choose(transition, history, user.label, state["persona"].big5, user.confidence,
                                      agent_vad=previous[1] if previous else None)}


def prompt_history(state: TurnState) -> list[PromptTurn]:
    return [PromptTurn(t.user_text, t.affect.fused.label, t.causes[0].text if t.causes else None,
                       t.response_emotion, t.reply_text) for t in state.get("history") or []]


def prompt_input(state: TurnState) -> PromptInput:
    causes = state.get("causes") or []
    history = prompt_history(state)
    said = [t.user_text for t in history] + [state["text"]]
    cause = causes[0] if causes else None
    in_message = bool(cause) and cause.utterance == len(state.get("utterances") or [state["text"]]) - 1
    stored = state.get("history") or []
    turn = stored[-1].index + 1 if stored else 0  # (the session's turn number: the recalled history is cut)
    safety = turn_safety(state)
    careful, attempts = safety.careful, tuple(t for t in said if injection_signal(t))
    danger = state.get("danger")
    closing = safety.risk < CLOSING_MAX_RISK and (danger is None or danger.score < CLOSING_MAX_DANGER)  # (no closing
    # words or answers where risk or danger is near)
    fused = state["affect"].fused
    feeling, words = fused.label, words_emotion(fused.label, fused.confidence, state["response"].label)
    if stored and not careful:  # (a follow-up names only the feeling the conversation last named;
        # measured on everyday talk: a careful session keeps its sympathy)
        words = follow_up_words(words, story_feeling([(t.affect.fused.label, t.affect.fused.confidence)
                                                      for t in stored]))
    # no gladness at a hope or at what never happened, in the start or after it (said: the cause and
    # its sentence, or the message where no cause lies in it)
    said_back = (cause.text, sentence_holding(cause.text, state["text"])) if in_message else (state["text"],)
    words = glad_fits(words, *said_back)
    if closing and not careful:  # (a laugh is no sign of ease where risk is near)
        words = laughed_off(words, state["text"])
    # only an acknowledgement where a message (or a remembered one) tried to instruct the model: nothing of the
    # person's words said back, no answer or closing of its own (with no start at all, the model's replies to a
    # learner whose "she always say 'again'" read as an attempt were "I hope you get some good news soon." and "You've
    # got to be careful with your phone" for the rest of the conversation); a careful turn gets a gentle
    # acknowledgement, never its cause said back ("I'm so sorry you ...")
    closes = closing and closes_here(careful, feeling)
    whole = None if attempts else careful_goodbye(safety) if careful else whole_reply(
        state["text"], state["persona"].name, turn, closes, answering=closing)
    start = acknowledgement(words, turn) if attempts else whole or reply_start(
        None if careful or not cause else without_address(cause.text, state["persona"].name), in_message, words, turn,
        history[-1].cause if history else None, feeling, None if careful else state["text"],
        state["persona"].name, closes, answering=closing, earlier=tuple(t.user_text for t in history))
    return PromptInput(persona=state["persona"], user_text=state["text"],
                       user_emotion=feeling,
                       cause=cause.text if cause else None,
                       response_emotion=words, history=history,
                       response_intensity=state["response"].intensity,
                       conflict=state["affect"].describe_conflict(),
                       attempts=attempts, careful=careful, closing=closing,
                       danger=safety.about_danger,
                       reply_start=start, whole_start=bool(whole))


def generate(state: TurnState, *, writer: ReplyWriter, synthesizer: Callable[[], Any]) -> dict[str, Any]:
    """The reply, written whole or streamed (`TextDelta`s), and said aloud when the turn asks for
    voice (`SpokenReply`: each sentence as soon as it is finished, as `AudioChunk`s)."""
    p = prompt_input(state)
    streaming = bool(state.get("stream"))
    emit = get_stream_writer() if streaming else (lambda event: None)
    voice = SpokenReply(synthesizer, spoken_vad(state), emit) if state.get("voice") else None
    if not streaming:
        reply = written_reply(state, writer, p)
    else:
        deltas = streamed_reply(state, writer, p)
        while True:
            try:
                delta = next(deltas)
            except StopIteration as done:
                reply = done.value
                break
            emit(TextDelta(delta))
            if voice:
                voice.feed(delta)
    return {"reply": reply, "reply_audio": voice.finish(reply) if voice else None}


def spoken_vad(state: TurnState) -> VAD:
    """The response VAD scaled by the persona's voice style (prosody is linear in it)."""
    return VAD.from_array(state["response"].vad.as_array() * state["persona"].expressiveness)


def written_reply(state: TurnState, writer: ReplyWriter, p: PromptInput) -> str:
    safety = turn_safety(state)
    if safety.protocol:
        return safety.protocol_reply
    return safety.finish(writer.write(p))


def streamed_reply(state: TurnState, writer: ReplyWriter, p: PromptInput):
    """Text deltas of the turn's reply; its return value is the whole reply."""
    safety = turn_safety(state)
    if safety.protocol:
        return (yield from fixed_reply(safety.protocol_reply))
    reply = yield from writer.stream(p)
    said = safety.finish(reply)
    if said != reply:
        yield from fixed_reply(said[len(reply.rstrip()):])
    return said


def fixed_reply(text: str):
    """A reply that is not written by the LLM, streamed like one (word by word)."""
    for word in re.findall(r"\s*\S+\s*", text):  # (a leading space kept: it follows streamed text)
        yield word
    return text


def raw_media(state: TurnState) -> list[MediaItem]:
    """The turn's recording as 16 kHz FLAC and its frames as PNG, for `memory.store_media`."""
    import cv2  # lazily, like perception's image code

    items = []
    if state.get("audio") is not None:
        flac = io.BytesIO()
        soundfile.write(flac, np.asarray(state["audio"], dtype=np.float32), SAMPLE_RATE, format="FLAC")
        items.append(MediaItem("audio", "audio/flac", flac.getvalue()))
    for frame in state.get("frames") or []:
        ok, png = cv2.imencode(".png", cv2.cvtColor(np.asarray(frame, dtype=np.uint8), cv2.COLOR_RGB2BGR))
        if ok:
            items.append(MediaItem("image", "image/png", png.tobytes()))
    return items


def remember(state: TurnState, *, store: MemoryStore, store_media: bool = False) -> dict[str, Any]:
    response, safety = state["response"], turn_safety(state)
    record = TurnRecord(
        user_id=state["user_id"], session_id=state["session_id"], user_text=state["text"],
        affect=state["affect"], causes=state.get("causes") or [], response_emotion=response.label,
        response_vad=response.vad, response_intensity=response.intensity, reply_text=state["reply"],
        timings=dict(state.get("timings") or {}), persona=state["persona"].name,
        media=raw_media(state) if store_media else [], risk=safety.risk, crisis=safety.signal,
        careful=safety.careful)
    return {"turn_index": store.save_turn(record)}


def prepare_next(state: TurnState, *, writer: ReplyWriter, history_turns: int) -> dict[str, Any]:
    """Off the critical path: the LLM reads the conversation so far (what the next turn's prompt
    starts with) in the background while it is idle, so the next turn reads only its own words."""
    causes = state.get("causes") or []
    this_turn = PromptTurn(state["text"], state["affect"].fused.label, causes[0].text if causes else None,
                           state["response"].label, state["reply"])
    history = [*prompt_history(state), this_turn][-history_turns:] if history_turns > 0 else []
    upcoming = PromptInput(persona=state["persona"], user_text="", user_emotion="neutral", cause=None,
                           response_emotion="neutral", history=history)
    # not a daemon: a process that ends right after a turn waits for it (< 1 s) rather than
    # tearing torch down under it
    threading.Thread(target=writer.prepare_next, args=(upcoming,), name="empathica-prepare").start()
    return {}


@dataclass
class TurnComponents:
    store: MemoryStore
    perception_graph: Any
    extractor: CauseExtractor
    transition: EmotionTransition
    writer: ReplyWriter
    transcriber: Callable[[], Any]  # loads on first use (text-only sessions never pay for it)
    synthesizer: Callable[[], Any]
    history_turns: int = 6
    max_causes: int = 2
    store_media: bool = False  # keep raw recordings and frames (off: privacy by default)
    safety: SafetyRules = SafetyRules()
    policy: ResponsePolicy = ResponsePolicy()


def build_turn_graph(c: TurnComponents):
    nodes = {
        "transcribe": partial(transcribe, transcriber=c.transcriber),
        "recall": partial(recall, store=c.store, history_turns=c.history_turns),
        "perceive": partial(perceive, perception_graph=c.perception_graph),
        "check_safety": partial(check_safety, rules=c.safety),
        "find_causes": partial(find_causes, extractor=c.extractor, max_causes=c.max_causes),
        "choose_emotion": partial(choose_emotion, transition=c.transition, policy=c.policy),
        "crisis_response": crisis_response,
        "generate": partial(generate, writer=c.writer, synthesizer=c.synthesizer),
        "remember": partial(remember, store=c.store, store_media=c.store_media),
        "prepare_next": partial(prepare_next, writer=c.writer, history_turns=c.history_turns),
    }
    graph = StateGraph(TurnState)
    for name, node in nodes.items():
        graph.add_node(name, timed(name, node))
    for start, end in (("transcribe", "recall"), ("recall", "perceive"), ("perceive", "check_safety"),
                       ("find_causes", "choose_emotion"), ("choose_emotion", "generate"),
                       ("crisis_response", "generate"), ("generate", "remember"),
                       ("remember", "prepare_next")):
        graph.add_edge(start, end)
    graph.add_edge(START, "transcribe")
    graph.add_conditional_edges("check_safety", after_safety, ["find_causes", "crisis_response"])
    graph.add_edge("prepare_next", END)
    return graph.compile()
