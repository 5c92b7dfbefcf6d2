"""The Gradio demo: talk with Empathica by text, microphone and webcam, and watch how it reads you.

    python app.py [--host 127.0.0.1] [--port 7860] [--profile offline]       (or: make demo)

A thin view over the SDK (`agent.EmpatheticAgent`). One agent, loaded once in a background thread
while the page already answers, is shared by every browser session; each browser keeps its own user
and session id in its local storage, so a refresh reloads the conversation from memory and two
browsers never see each other's. Nothing here decides anything about emotions: it shows the turn's
`PerceptionEvent` (per-modality and fused estimates, causes, the response emotion) and streams the
reply's text and voice.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no network calls from the page's server
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Callable  # noqa: E402

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
import typer  # noqa: E402

from agent import (Big5, EmpatheticAgent, InputError, PerceptionEvent, Persona,  # noqa: E402
                   ReplyEvent, StoreError, TextDelta)
from agent.persona import PRESETS, VOICE_STYLES  # noqa: E402
from agent.safety import careful_lines  # noqa: E402
from agent.turn_view import (MODALITIES, affect_note, as_messages, cause_segments,  # noqa: E402
                             response_text, scores_of, trajectory)
from agent.voice import TurnTaker  # noqa: E402

WEBCAM_FRAMES = 4  # the most recent webcam frames read with each turn (smoothed by the face node)
TRAITS = ["openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"]


class AgentLoader:
    """Loads the agent once, in a background thread; `status` tells how far it got."""

    def __init__(self, load: Callable[[Callable[[str], None]], EmpatheticAgent]) -> None:
        self.agent: EmpatheticAgent | None = None
        self.error: str | None = None
        self.status, self.started = "starting", time.perf_counter()
        self.seconds: float | None = None
        threading.Thread(target=self._load, args=(load,), daemon=True, name="load-agent").start()

    def _load(self, load) -> None:
        try:
            self.agent = load(self._step)
            self.seconds = time.perf_counter() - self.started
            print(f"models loaded in {self.seconds:.1f} s", flush=True)
        except Exception as exc:  # shown on the page: the server keeps running so the message is seen
            self.error = f"{type(exc).__name__}: {exc}"

    def _step(self, step: str) -> None:
        self.status = step

    def message(self) -> str:
        if self.error:
            return f"**The models could not be loaded:** {self.error}"
        if self.agent is None:
            return f"⏳ Loading the models ({self.status}, {time.perf_counter() - self.started:.0f} s)…"
        return f"Ready: models loaded in {self.seconds:.1f} s, shared by every visitor of this page."

    def require(self) -> EmpatheticAgent:
        if self.agent is None:
            raise gr.Error(self.message().replace("**", ""), title="Not ready yet")
        return self.agent


# -- what the panel shows ---------------------------------------------------------------------------

def crisis_box_text(danger: str | None = None) -> str:
    """The box's words: the crisis lines, or those of the kind of danger the careful session is about."""
    return f"**You matter, and help is there right now.** {careful_lines(danger)}"


CRISIS_BOX_TEXT = crisis_box_text()


def crisis_box(careful: bool, danger: str | None = None):
    """The update that keeps the crisis lines in view while the session is careful (agent/safety.py), or the lines
    of the kind of danger the session is about. Only the text and `visible` are passed: a property passed here,
    even as None, replaces the page's (its elem_id)."""
    return gr.Markdown(crisis_box_text(danger), visible=careful)


def panel_from_event(event: PerceptionEvent, persona: Persona) -> tuple:
    affect, response = event.perception, event.response
    return (*(scores_of(affect.modalities.get(m)) for m in MODALITIES), scores_of(affect.fused),
            affect_note(affect), cause_segments(
                event.utterances[-1] if event.utterances else "",
                [(c.start, c.end) for c in event.causes if c.utterance == len(event.utterances) - 1],
                [c.text for c in event.causes if c.utterance != len(event.utterances) - 1]),
            response_text(persona.name, response.label, response.intensity, response.vad),
            crisis_box(event.careful, event.danger))


def panel_from_turn(turn, persona_name: str) -> tuple:
    """The panel as it was after a stored turn (a page reloaded from memory; a careful one shows the crisis lines,
    which start with the emergency number, whatever the stretch was about)."""
    if turn is None:
        return (*(scores_of(None, "") for _ in MODALITIES), scores_of(None, ""), "", [], "", crisis_box(False))
    affect, said = turn.affect, turn.user_text
    # stored cause offsets point into that turn's own window of utterances: find the spans by text
    spans = [(said.find(c.text), said.find(c.text) + len(c.text)) for c in turn.causes if c.text in said]
    return (*(scores_of(affect.modalities.get(m)) for m in MODALITIES), scores_of(affect.fused),
            affect_note(affect), cause_segments(said, spans, [c.text for c in turn.causes if c.text not in said]),
            response_text(turn.persona or persona_name, turn.response_emotion, turn.response_intensity,
                          turn.response_vad), crisis_box(turn.careful))


def playable(samples: np.ndarray, sample_rate: int) -> tuple[int, np.ndarray]:
    """Float samples in [-1, 1] as the (rate, int16) pair a gr.Audio plays."""
    return sample_rate, (np.clip(samples, -1, 1) * 32767).astype(np.int16)


# -- the page ------------------------------------------------------------------------------------------

@dataclass
class Page:
    """The page's components by name (`layout` builds them inside a `gr.Blocks`)."""

    ids: gr.BrowserState  # this browser's user and session id, kept in its local storage
    frames: gr.State  # the latest webcam frames
    listener: gr.State  # this browser's end-of-turn detector for the hands-free microphone
    heard: gr.Audio  # a hands-free turn, once the user paused
    status: gr.Markdown
    crisis_lines: gr.Markdown  # shown while the session is careful
    chat: gr.Chatbot
    message: gr.Textbox
    send: gr.Button
    listen: gr.Audio
    recording: gr.Audio
    voice: gr.Audio
    webcam: gr.Image
    photo: gr.Image
    feeling: gr.Markdown
    bars: list[gr.Label]
    fused: gr.Label
    cause: gr.HighlightedText
    response: gr.Markdown
    plot: gr.Plot
    preset: gr.Dropdown
    sliders: list[gr.Slider]
    voice_style: gr.Radio
    speak: gr.Checkbox
    new_session: gr.Button
    forget: gr.Button
    timer: gr.Timer

    @property
    def panel(self) -> list:
        """The understanding panel, in the order of `panel_from_event`."""
        return [*self.bars, self.fused, self.feeling, self.cause, self.response, self.crisis_lines]

    @property
    def turn_inputs(self) -> list:
        return [self.message, self.recording, self.photo, *self.sliders, self.voice_style, self.speak, self.chat,
                self.ids, self.frames]

    def named(self, name: str):
        """The component of a turn output's name: a modality's bar, or the attribute."""
        return self.bars[list(MODALITIES).index(name)] if name in MODALITIES else getattr(self, name)

    @property
    def turn_outputs(self) -> list:
        return [self.named(name) for name in TURN_OUTPUT_NAMES]


#: The outputs of the page's `respond` API, in the order a client receives them.
TURN_OUTPUT_NAMES = ["chat", "message", "recording", "voice", "plot", "ids", *MODALITIES, "fused", "feeling",
                     "cause", "response", "crisis_lines"]


def conversation_column() -> dict:
    chat = gr.Chatbot(label="Conversation", height=420, elem_id="chat")
    with gr.Row():
        message = gr.Textbox(placeholder="How are you feeling today?", show_label=False, scale=5,
                             elem_id="message", max_lines=6)
        send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
    with gr.Row():
        listen = gr.Audio(sources=["microphone"], streaming=True, elem_id="listen",
                          label="Hands-free: talk; the turn is sent when you pause")
        recording = gr.Audio(sources=["microphone", "upload"], type="filepath", label="Or record (sent when "
                             "you stop), or upload a recording and press Send", elem_id="mic")
        voice = gr.Audio(label="The agent's voice", autoplay=True, interactive=False, elem_id="voice")
    with gr.Row():
        webcam = gr.Image(sources=["webcam"], streaming=True, label="Webcam (read with each turn)",
                          elem_id="webcam", height=220)
        photo = gr.Image(sources=["upload"], type="filepath", label="…or a photo of a face", elem_id="photo",
                         height=220)
    return dict(chat=chat, message=message, send=send, listen=listen, recording=recording, voice=voice,
                webcam=webcam, photo=photo)


def understanding_column() -> dict:
    gr.Markdown("### Understanding")
    feeling = gr.Markdown("", elem_id="feeling")
    with gr.Row():
        bars = [gr.Label(label=name, num_top_classes=2, elem_id=f"bars-{m}", min_width=110)
                for m, name in MODALITIES.items()]
    return dict(feeling=feeling, bars=bars,
                fused=gr.Label(label="Fused reading", num_top_classes=3, elem_id="bars-fused"),
                cause=gr.HighlightedText(label="Why: the cause in your words", color_map={"cause": "orange"},
                                         elem_id="cause"),
                response=gr.Markdown("", elem_id="response"),
                plot=gr.Plot(label="Valence and arousal", elem_id="trajectory"))


def persona_settings() -> dict:
    with gr.Accordion("The agent's personality (applies from the next turn)", open=False):
        first = next(iter(PRESETS.values()))
        return dict(preset=gr.Dropdown(list(PRESETS), value=next(iter(PRESETS)), label="Preset"),
                    sliders=[gr.Slider(0, 1, value=v, step=0.05, label=t) for t, v in zip(TRAITS, first.big5.as_list())],
                    voice_style=gr.Radio(list(VOICE_STYLES), value="expressive", label="Voice style"),
                    speak=gr.Checkbox(True, label="Speak the replies aloud"))


def layout(loader: AgentLoader) -> Page:
    """The page's components, laid out; called inside a `gr.Blocks`."""
    hidden = dict(ids=gr.BrowserState({"user_id": "", "session_id": ""}, storage_key="empathica-ids"),
                  frames=gr.State([]), listener=gr.State(None), heard=gr.Audio(type="filepath", visible=False))
    gr.Markdown("# Empathica\nTalk by typing or speaking, with your webcam on if you like. "
                "The panel shows how the agent reads you, why, and how it chooses to answer.")
    status = gr.Markdown(loader.message(), elem_id="status")
    crisis_lines = gr.Markdown(CRISIS_BOX_TEXT, visible=False, elem_id="crisis-lines")
    with gr.Row():
        with gr.Column(scale=3):
            conversation = conversation_column()
        with gr.Column(scale=2, elem_id="panel"):
            understanding = understanding_column()
    settings = persona_settings()
    with gr.Row():
        new_session = gr.Button("New conversation", size="sm")
        forget = gr.Button("Forget me (delete everything stored about me)", size="sm", variant="stop",
                           elem_id="forget")
    return Page(**hidden, **conversation, **understanding, **settings, status=status, crisis_lines=crisis_lines,
                new_session=new_session, forget=forget, timer=gr.Timer(1.0, active=loader.agent is None))


def new_ids(ids_value: dict | None) -> dict:
    """This browser's ids, made up the first time it comes."""
    ids_value = dict(ids_value or {})
    ids_value["user_id"] = ids_value.get("user_id") or f"web-{uuid.uuid4().hex[:12]}"
    ids_value["session_id"] = ids_value.get("session_id") or f"s-{uuid.uuid4().hex[:8]}"
    return ids_value


def keep_frame(frame, kept: list) -> list:
    return ([*kept, frame][-WEBCAM_FRAMES:]) if frame is not None else kept


def choose_preset(name: str) -> tuple:
    return (*PRESETS[name].big5.as_list(), PRESETS[name].voice_style)


class PageHandlers:
    """What the page's events run: each returns its outputs by component."""

    def __init__(self, loader: AgentLoader, page: Page) -> None:
        self.loader, self.page = loader, page

    def load(self, ids_value: dict) -> dict:
        """Ids for a new browser, then the session's stored conversation and last panel."""
        page, agent = self.page, self.loader.agent
        ids_value = new_ids(ids_value)
        turns = agent.history(ids_value["user_id"], ids_value["session_id"]) if agent else []
        name = agent.persona.name if agent else "The agent"
        ready = agent is not None or self.loader.error is not None
        return {page.ids: ids_value, page.chat: as_messages(turns), page.plot: trajectory(turns),
                **dict(zip(page.panel, panel_from_turn(turns[-1] if turns else None, name))),
                page.status: self.loader.message(), page.timer: gr.Timer(active=not ready)}

    def turn(self, message, audio_path, photo_path, openness, conscientiousness, extraversion, agreeableness,
             neuroticism, style, speak_aloud, history, ids_value, kept_frames, transcript=None):
        """One turn through the SDK's stream: the chat, the voice and the panel fill in as it runs."""
        page, agent = self.page, self.loader.require()
        ids_value = ids_value if (ids_value or {}).get("user_id") else new_ids(ids_value)
        persona = agent.persona.model_copy(update={"big5": Big5(openness=openness, conscientiousness=conscientiousness,
                                                                extraversion=extraversion, agreeableness=agreeableness,
                                                                neuroticism=neuroticism),
                                                   "voice_style": style})
        images = [*(kept_frames or []), *([photo_path] if photo_path else [])] or None
        message = (message or "").strip() or None
        chat, shown = [*(history or [])], {}
        user_line = {"role": "user", "content": message or "🎤 …"}
        try:
            events = agent.stream(text=message, audio=audio_path, image=images, voice=bool(speak_aloud),
                                  user_id=ids_value["user_id"], session_id=ids_value["session_id"],
                                  persona=persona, transcript=transcript if audio_path else None)
            yield {page.chat: [*chat, user_line], page.message: ""}
            for event in events:
                if isinstance(event, PerceptionEvent):
                    if event.transcript is not None and not message:
                        user_line = {"role": "user", "content": f"🎤 {event.transcript.text.strip()}"}
                    chat += [user_line, {"role": "assistant", "content": ""}]
                    shown = dict(zip(page.panel, panel_from_event(event, persona)))
                    yield {page.chat: chat, **shown}
                elif isinstance(event, TextDelta):
                    chat[-1] = {"role": "assistant", "content": chat[-1]["content"] + event.text}
                    yield {page.chat: chat}
                elif isinstance(event, ReplyEvent):
                    chat[-1] = {"role": "assistant", "content": event.reply.text}
                    yield {page.chat: chat, page.recording: None, page.ids: ids_value, **shown,
                           page.plot: trajectory(agent.history(ids_value["user_id"], ids_value["session_id"])),
                           page.voice: playable(event.reply.audio.samples, event.reply.audio.sample_rate)
                           if event.reply.audio is not None else None}
        except (InputError, StoreError) as exc:  # an empty turn, a bad recording or image; memory gone
            title = "That turn could not be used" if isinstance(exc, InputError) else "Memory is unavailable"
            gr.Warning(str(exc), title=title)
            yield {page.chat: history or [], page.recording: None, page.message: message or ""}

    def hear(self, chunk, listening: TurnTaker | None):
        """Feed the hands-free stream to this browser's end-of-turn detector; a finished turn goes to
        `heard`, whose change sends it."""
        agent = self.loader.agent
        if chunk is None or agent is None:
            return listening, gr.skip()
        listening = listening or TurnTaker(agent)
        finished = [e.audio for e in listening.feed(chunk[1], chunk[0]) if e.kind == "turn_end"]
        return (listening, playable(finished[-1], 16000)) if finished else (listening, gr.skip())

    def heard_turn(self, audio_path, listening: TurnTaker | None, *rest):
        if audio_path:  # (not when `heard` is cleared); transcribed while the pause was confirmed
            yield from self.turn("", audio_path, *rest, transcript=listening.last_transcript if listening else None)

    def forget_me(self, ids_value: dict) -> dict:
        page, agent = self.page, self.loader.require()
        deleted = agent.forget(ids_value["user_id"]) if (ids_value or {}).get("user_id") else False
        gr.Info("Everything stored about you was deleted." if deleted else "Nothing was stored about you.")
        return {page.chat: [], **dict(zip(page.panel, panel_from_turn(None, ""))), page.plot: trajectory([]),
                page.frames: []}

    def start_new(self, ids_value: dict) -> dict:
        page = self.page
        return {page.ids: {**(ids_value or {}), "session_id": f"s-{uuid.uuid4().hex[:8]}"}, page.chat: [],
                **dict(zip(page.panel, panel_from_turn(None, ""))), page.plot: trajectory([])}


def wire(page: Page, handlers: PageHandlers, demo: gr.Blocks) -> None:
    """Connect the page's events to the handlers."""
    private = {"api_visibility": "private"}
    on_load = [page.ids, page.chat, *page.panel, page.plot, page.status, page.timer]
    demo.load(handlers.load, [page.ids], on_load, show_progress="hidden", **private)
    page.timer.tick(handlers.load, [page.ids], on_load, show_progress="hidden", concurrency_limit=None, **private)
    page.webcam.stream(keep_frame, [page.webcam, page.frames], [page.frames], stream_every=0.5,
                       concurrency_limit=None, show_progress="hidden", **private)
    page.preset.change(choose_preset, [page.preset], [*page.sliders, page.voice_style], show_progress="hidden",
                       **private)
    page.message.submit(handlers.turn, page.turn_inputs, page.turn_outputs, api_name="respond")
    for trigger in (page.send.click, page.recording.stop_recording):
        trigger(handlers.turn, page.turn_inputs, page.turn_outputs, **private)
    page.listen.stream(handlers.hear, [page.listen, page.listener], [page.listener, page.heard], stream_every=0.5,
                       time_limit=3600, concurrency_limit=None, show_progress="hidden", **private)
    page.heard.change(handlers.heard_turn, [page.heard, page.listener, *page.turn_inputs[2:]], page.turn_outputs,
                      **private)
    page.forget.click(handlers.forget_me, [page.ids], [page.chat, *page.panel, page.plot, page.frames],
                      api_name="forget")
    page.new_session.click(handlers.start_new, [page.ids], [page.ids, page.chat, *page.panel, page.plot], **private)


def build_demo(loader: AgentLoader) -> gr.Blocks:
    with gr.Blocks(title="Empathica") as demo:
        page = layout(loader)
        wire(page, PageHandlers(loader, page), demo)
    return demo


def main(host: str = typer.Option("127.0.0.1", envvar="GRADIO_SERVER_NAME",
                                  help="address to serve on (0.0.0.0 for every interface)"),
         port: int = typer.Option(7860, envvar="GRADIO_SERVER_PORT"), profile: str = typer.Option("offline", help="offline or gpu"),
         concurrency: int = typer.Option(2, help="turns computed at the same time")) -> None:
    """Serve the demo page; the models load in the background while the page already answers."""
    loader = AgentLoader(lambda step: EmpatheticAgent.from_profile(profile, progress=step))
    demo = build_demo(loader)
    demo.queue(default_concurrency_limit=concurrency)
    print(f"Empathica demo on http://{host}:{port} (models load in the background)", flush=True)
    demo.launch(server_name=host, server_port=port, show_error=True, footer_links=["api"])


if __name__ == "__main__":
    typer.run(main)
