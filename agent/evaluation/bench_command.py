"""`empathica bench`: time the models, start-up, turns, the voice, streamed turns, concurrent sessions
and memory (`agent.evaluation.bench`, `load_bench`, `speech_bench`), and print the tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from agent.evaluation.cli import quiet_model_loading

console = Console(highlight=False)


def bench(
    profile: str = typer.Option("offline", help="settings profile"),
    turns: int = typer.Option(10, help="warm turns after the cold one (0: models only)"),
    repeats: int = typer.Option(50, help="timed calls per model after warm-up"),
    speech: bool = typer.Option(True, help="also time the voice: ASR, speech emotion, TTS, voice turns"),
    voice_turns: int = typer.Option(3, help="warm voice turns (end of speech -> first audio out; 0: none)"),
    streamed_turns: int = typer.Option(5, help="streamed turns: first reply token, whole reply (0: none)"),
    sessions: int = typer.Option(20, help="concurrent sessions through one agent (0: none)"),
    startup: bool = typer.Option(True, help="start-up of a fresh process (warm model cache) and peak RSS"),
    cold_start: bool = typer.Option(False, help="also start once with an empty model cache (~1 min)"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="also write the figures as JSON"),
) -> None:
    """Time the perception models alone, then start-up, a cold first turn and warm turns, per stage,
    then the speech models and voice turns, then streamed turns, concurrent sessions and memory."""
    from agent.evaluation.bench import run_bench, run_model_bench
    from agent.evaluation.load_bench import run_load_bench, run_startup_bench, show_load_bench

    quiet_model_loading()
    startup_figures = {}
    if startup:  # first, while this process holds no model
        with console.status("benchmarking start-up in fresh processes", spinner="dots"):
            startup_figures = run_startup_bench(profile, cold_start)
    with console.status("benchmarking the models", spinner="dots"):
        models = run_model_bench(profile, repeats)
    table = Table(title=f"models, profile {profile} ({models['device']}), {repeats} calls after warm-up",
                  title_justify="left")
    for column in ("call", "p50 (ms)", "p95 (ms)"):
        table.add_column(column, justify="left" if column == "call" else "right")
    for name in ("text_emotion_one_utterance", "text_emotion_next_turn", "crisis_next_turn",
                 "perception_text_next_turn", "perception_text_and_risk_next_turn",
                 "perception_text_risk_and_danger_next_turn", "causes_one_turn", "face_one_frame_640x480"):
        if name not in models:  # (no danger detector: `[safety] danger = "none"`)
            continue
        table.add_row(name.replace("_", " "), f"{models[name]['p50_ms']:.1f}", f"{models[name]['p95_ms']:.1f}")
    console.print(table)
    console.print(f"the crisis detector adds {models['crisis_adds_to_perception_p50_ms']:.1f} ms (p50) to "
                  "perception (it runs after the text emotion model)")
    if "danger_adds_to_perception_p50_ms" in models:
        console.print(f"the danger detector adds {models['danger_adds_to_perception_p50_ms']:.1f} ms (p50) to "
                      "perception (it runs after the crisis detector)")
    if "crisis_verifier_one_message" in models:
        console.print(f"its Gemma verifier, where asked: {models['crisis_verifier_one_message']['p50_ms']:.0f} ms "
                      "(p50) a message")
    console.print(f"text emotion, batch of 256 with context: {models['text_emotion_batch_per_s']:.0f} utterances/s")
    result = {"models": models}
    if turns > 0:
        with console.status("benchmarking turns", spinner="dots"):
            result.update(run_bench(profile, turns).to_dict())
        table = Table(title=f"profile {profile}: start-up {result['startup_s']:.2f} s, "
                            f"{result['warm_turns']} warm turns", title_justify="left")
        for column in ("stage", "cold (s)", "warm p50 (s)", "warm p95 (s)"):
            table.add_column(column, justify="left" if column == "stage" else "right")
        for stage, cold in result["cold_turn"].items():
            table.add_row(stage, f"{cold:.3f}", f"{result['warm_p50'][stage]:.3f}",
                          f"{result['warm_p95'][stage]:.3f}")
        console.print(table)
    if speech:
        from agent.evaluation.speech_bench import run_speech_bench, show_speech_bench

        with console.status("benchmarking speech", spinner="dots"):
            result["speech"] = sp = run_speech_bench(profile, voice_turns)
        show_speech_bench(sp, console)
    with console.status("benchmarking streamed turns and concurrent sessions", spinner="dots"):
        result["load"] = {**startup_figures, **run_load_bench(profile, streamed_turns, sessions)}
    show_load_bench(result["load"], console)
    if json_out:
        json_out.write_text(json.dumps(result, indent=2))
