"""`empathica` command line: chat at the terminal, and evaluate the models on a data folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

import typer
from rich.console import Console
from rich.text import Text

from agent.errors import InputError
from agent.evaluation.bench_command import bench
from agent.evaluation.cli import eval_app, quiet_model_loading
from agent.events import PerceptionEvent, ReplyEvent, TextDelta
from agent.persona import PersonaError
from agent.settings import ProfileError, Settings
from agent.llm.base import LLMError
from memory import StoreError
from perception.emotions import EMOTIONS
from perception.loading import ModelLoadError

if TYPE_CHECKING:  # the runtime loads only in the commands that run the agent
    from agent.sdk import EmpatheticAgent

app = typer.Typer(help="Empathica: an empathetic conversational agent.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.add_typer(eval_app, name="eval")
app.command()(bench)
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
STARTUP_ERRORS = (ProfileError, PersonaError, ModelLoadError, StoreError, LLMError, ValueError)


def use_config(config: Optional[Path]) -> None:
    """Read settings from `config` (the --config option) from now on in this process."""
    if config is not None:
        import os

        os.environ["EMPATHICA_CONFIG"] = str(config)


def load_agent(profile: str, persona: Optional[Path], config: Optional[Path]) -> EmpatheticAgent:
    from agent.sdk import EmpatheticAgent

    use_config(config)
    quiet_model_loading()
    with console.status("starting", spinner="dots") as status:
        return EmpatheticAgent.from_profile(
            profile, persona=str(persona) if persona else None,
            progress=lambda step: status.update(f"{step}..."))


def bar(score: float, width: int = 12) -> str:
    filled = round(score * width)
    return "█" * filled + "·" * (width - filled)


def show_perception(event: PerceptionEvent) -> None:
    fused = event.perception.fused
    top = sorted(EMOTIONS, key=lambda e: -fused.scores[e])[:3]
    line = Text("  feels   ", style="dim")
    line.append(f"{fused.label:<9}", style="bold cyan")
    for e in top:
        line.append(f" {e} {bar(fused.scores[e], 8)} {fused.scores[e]:.2f}", style="cyan")
    console.print(line)
    if len(event.perception.modalities) > 1:
        per = "  ".join(f"{m} {e.label} {e.confidence:.2f}" for m, e in event.perception.modalities.items())
        console.print(Text(f"    by modality: {per}", style="dim cyan"))
    conflict = event.perception.describe_conflict()
    if conflict:
        console.print(Text(f"    signals disagree: {conflict}", style="yellow"))
    if event.causes:
        cause = event.causes[0]
        said = event.utterances[cause.utterance]
        text = Text("  because ", style="dim")
        text.append(said[:cause.start])
        text.append(said[cause.start:cause.end], style="bold yellow underline")
        text.append(said[cause.end:])
        if cause.utterance != len(event.utterances) - 1:
            text.append(f"  (said {len(event.utterances) - 1 - cause.utterance} turns ago)", style="dim")
        console.print(text)
    else:
        console.print(Text("  because (no particular cause found)", style="dim"))
    r = event.response
    console.print(Text(f"  answers {r.label} (intensity {r.intensity:.2f}; V {r.vad.valence:+.2f} "
                       f"A {r.vad.arousal:+.2f} D {r.vad.dominance:+.2f})", style="magenta"))
    if event.careful:
        from agent.safety import careful_lines

        console.print(Text(f"  careful: the crisis protocol is on for this session. {careful_lines(event.danger)}",
                           style="bold yellow"))


def show_history(agent: EmpatheticAgent, user: str, session: str) -> None:
    turns = agent.history(user, session)
    if not turns:
        return
    console.print(Text(f"resuming session {session!r}: {len(turns)} earlier turn(s)", style="dim"))
    for turn in turns[-3:]:
        console.print(Text(f"  you: {turn.user_text}", style="dim"))
        console.print(Text(f"  {agent.persona.name}: {turn.reply_text}", style="dim"))


USER_OPTION = typer.Option("local", help="user id (memory is per user)")
PERSONA_OPTION = typer.Option(None, help="persona TOML file (name, style, a big5 table)")
PROFILE_OPTION = typer.Option("offline", help="settings profile: offline or gpu")
CONFIG_OPTION = typer.Option(None, help="settings TOML file")
IMAGE_OPTION = typer.Option(None, "--image", help="a photo or webcam frame of the user's face, read with "
                                                  "every turn (repeat for several frames)")


@app.command()
def chat(
    user: str = USER_OPTION,
    session: str = typer.Option("default", help="session id; the same id resumes the conversation"),
    persona: Optional[Path] = PERSONA_OPTION,
    profile: str = PROFILE_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    image: Optional[list[Path]] = IMAGE_OPTION,
) -> None:
    """Chat at the terminal. Reads lines from stdin when piped."""
    try:
        agent = load_agent(profile, persona, config)
    except STARTUP_ERRORS as exc:
        errors.print(f"[red]cannot start:[/] {exc}")
        raise typer.Exit(2)
    interactive = sys.stdin.isatty()
    show_history(agent, user, session)
    if interactive:
        console.print(Text(f"Talking with {agent.persona.name}. Ctrl-D or /quit to leave.", style="dim"))
    while True:
        try:
            line = console.input("[bold]you> [/]") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            break
        if not interactive and not line:
            break
        line = line.strip()
        if line in ("/quit", "/exit"):
            break
        if not line:
            continue
        if not interactive:
            console.print(Text(f"you> {line}", style="bold"))
        turn(agent, line, user, session, image)
    agent.close()


def show_delta(text: str) -> None:
    """A piece of the streamed reply, as it comes: not wrapped by Rich, which dropped the space that
    ends a piece longer than the terminal is wide ("... you can't stop shaking.What's the worst part?");
    the terminal wraps the line."""
    console.print(text, end="", markup=False, soft_wrap=True)


def turn(agent: EmpatheticAgent, text: str, user: str, session: str, image: list[Path] | None = None) -> None:
    try:
        streamed = ""
        for event in agent.stream(text=text, user_id=user, session_id=session,
                                  image=[str(p) for p in image] if image else None):
            if isinstance(event, PerceptionEvent):
                show_perception(event)
                console.print(Text(f"{agent.persona.name}> ", style="bold green"), end="")
            elif isinstance(event, TextDelta):
                streamed += event.text
                show_delta(event.text)
            elif isinstance(event, ReplyEvent):
                final = event.reply.text
                if final.strip() != streamed.strip():  # cleaned or replaced after streaming
                    console.print()
                    console.print(Text(f"  (rewritten) {final}", style="green"), end="")
                took = event.reply.timings.get("total", 0.0)
                console.print(Text(f"   ({took:.1f} s)", style="dim"))
    except InputError as exc:
        errors.print(f"[yellow]{exc}[/]")
    except (LLMError, StoreError) as exc:
        errors.print(f"\n[red]{exc}[/] (earlier turns are kept)")


@app.command()
def voice(
    user: str = USER_OPTION,
    session: str = typer.Option("voice", help="session id; the same id resumes the conversation"),
    persona: Optional[Path] = PERSONA_OPTION,
    profile: str = PROFILE_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    input: Optional[Path] = typer.Option(None, "--input", help="headless: one turn from this audio file"),
    output: Optional[Path] = typer.Option(None, "--output", help="headless: write the spoken reply here (.wav)"),
    push_to_talk: bool = typer.Option(False, help="record between two presses of Enter instead of "
                                                  "detecting the end of speech"),
    image: Optional[list[Path]] = IMAGE_OPTION,
) -> None:
    """Talk with the agent: microphone in, emotional voice out, with barge-in. With --input/--output,
    one turn from a file to a file (no audio device needed)."""
    from agent.voice import LiveVoiceSession, voice_turn_from_file
    from speech.devices import AudioDeviceError

    if output is not None and input is None:
        errors.print("[red]--output needs --input[/] (headless mode runs one turn from a file)")
        raise typer.Exit(2)
    try:
        agent = load_agent(profile, persona, config)
    except STARTUP_ERRORS as exc:
        errors.print(f"[red]cannot start:[/] {exc}")
        raise typer.Exit(2)
    try:
        if input is not None:
            reply = voice_turn_from_file(agent, input, output, user, session, show_voice_event,
                                         [str(p) for p in image] if image else None)
            if output is not None and reply is not None:
                console.print(Text(f"  spoken reply ({reply.audio.duration:.1f} s) written to {output}", style="dim"))
            return
        live = LiveVoiceSession(agent, user, session, show_voice_event,
                                lambda msg: console.print(Text(msg, style="dim")))
        try:
            live.run_push_to_talk(console.input) if push_to_talk else live.run_hands_free()
        except (KeyboardInterrupt, EOFError):
            pass
        finally:
            live.close()
    except AudioDeviceError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2)
    except InputError as exc:
        errors.print(f"[yellow]{exc}[/]")
        raise typer.Exit(2)
    except (LLMError, StoreError) as exc:
        errors.print(f"[red]{exc}[/] (earlier turns are kept)")
        raise typer.Exit(1)
    finally:
        agent.close()


def show_voice_event(event) -> None:
    """The transcript and what was read as soon as they are known, then the reply."""
    if isinstance(event, PerceptionEvent):
        if event.transcript is not None:
            console.print(Text(f"you (heard)> {event.transcript.text}", style="bold"))
        show_perception(event)
    elif isinstance(event, ReplyEvent):
        reply = event.reply
        console.print(Text(f"{reply.text}", style="green"), Text(f"   ({reply.timings.get('total', 0):.1f} s)",
                                                                style="dim"))


def with_memory(profile: str, config: Optional[Path], action: Callable[[Any], Any]) -> Any:
    """Run `action(store)` on the settings' memory store, without loading any model; a database that
    is locked, gone or unreadable is a clear message and exit code 2."""
    from memory import MemoryStore

    use_config(config)
    try:
        with MemoryStore(Settings.load(profile).database_url) as store:
            return action(store)
    except STARTUP_ERRORS as exc:
        errors.print(f"[red]cannot use the memory:[/] {exc}")
        raise typer.Exit(2)


@app.command()
def forget(user: str = typer.Option(..., help="the user whose data to delete"), profile: str = PROFILE_OPTION,
           config: Optional[Path] = CONFIG_OPTION) -> None:
    """Delete everything stored about a user: sessions, turns, estimates and causes."""
    deleted = with_memory(profile, config, lambda store: store.delete_user(user))
    console.print(f"deleted everything stored about {user!r}" if deleted else f"nothing is stored about {user!r}")


@app.command()
def export(user: str = typer.Option(..., help="the user whose data to export"), profile: str = PROFILE_OPTION,
           config: Optional[Path] = CONFIG_OPTION,
           out: Optional[Path] = typer.Option(None, help="write the JSON here instead of printing it")) -> None:
    """Everything stored about a user, as JSON (sessions, turns, per-modality estimates, causes)."""
    data = json.dumps(with_memory(profile, config, lambda store: store.export_user(user)), indent=2,
                      ensure_ascii=False)
    if out:
        out.write_text(data + "\n", encoding="utf-8")
    else:
        sys.stdout.write(data + "\n")


if __name__ == "__main__":
    app()
