"""`empathica eval ...`: measure the models on a data folder, and the agent against prompt injection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console

from agent.evaluation import DEFAULT_DATA
from agent.settings import Settings
from perception.loading import ModelLoadError

eval_app = typer.Typer(help="Measure the models on a data folder laid out like ../shared/data.")
console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
#: Options every evaluation takes.
DATA = typer.Option(DEFAULT_DATA, help="data folder laid out like ../shared/data")
JSON_OUT = typer.Option(None, "--json", help="also write the figures here")


def _not_the_generation_notice(record) -> bool:
    """A log filter: drops transformers' notice that generation's `past_key_values` is deprecated."""
    return "past_key_values" not in record.getMessage()


def quiet_model_loading() -> None:
    """No per-weight progress bars from transformers: our own status line shows what is loading; and
    no notice, in the middle of a conversation, that transformers will rename an argument of its
    generation (`past_key_values`; pyproject keeps transformers below the version that drops it): a
    note for developers, not for the person talking."""
    import warnings

    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message=r"`past_key_values` is deprecated", category=FutureWarning)
    for handler in transformers_logging.get_logger("transformers").handlers:  # (its modules log through it)
        handler.addFilter(_not_the_generation_notice)  # (once per handler, however often this runs)


def print_report(compute: Callable[[], Any], json_out: Optional[Path],
                 figures: Callable[[Any], dict] = vars) -> None:
    """Run an evaluation, print its report, optionally write its figures as JSON; a missing or bad
    data file or model is a clear error (exit 2)."""
    try:
        report = compute()
    except (FileNotFoundError, ValueError, ModelLoadError) as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2)
    console.print(report)
    if json_out:
        json_out.write_text(json.dumps(figures(report), indent=2))


@eval_app.command("text")
def eval_text(
    data: Path = DATA,
    dataset: str = typer.Option("meld", help="meld (DIR/text/meld/NAME.csv), goemotions "
                                             "(DIR/text/goemotions/ekman/NAME.tsv) or ed (EmpatheticDialogues "
                                             "situations, DIR/text/empathetic_dialogues_situations/NAME.csv, "
                                             "labels mapped where clear: agent.evaluation.datasets.ED_TO_EMOTION) or everyday "
                                             "(the project's own messages, training/data/everyday/NAME.csv) or everyday-conversation "
                                             "(the same, each after a message of another feeling) or everyday-dialogue (the project's "
                                             "conversations, training/data/conversations/NAME.json, each message labelled by readers "
                                             "in training/data/conversation_emotions/NAME.jsonl) or written-dialogue (the written "
                                             "listener conversations, split train or validation)"),
    split: str = typer.Option("dev", help="split name"),
    model: Optional[str] = typer.Option(None, help="text model (default: the profile's)"),
    limit: Optional[int] = typer.Option(None, help="only the first N utterances"),
    context: bool = typer.Option(True, help="give the model the dialogue's earlier turns"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """Weighted/macro F1, per-class F1 and the confusion matrix of the text emotion recognizer."""
    from agent.evaluation.model_eval import evaluate_text

    quiet_model_loading()
    print_report(lambda: evaluate_text(data, dataset, split, model or Settings.load().text.model, limit, context),
                 json_out, lambda r: {**vars(r), "confusion": r.confusion.tolist()})


@eval_app.command("cause")
def eval_cause(
    data: Path = DATA,
    split: str = typer.Option("valid", help="split name: DIR/text/reccon/dailydialog_NAME.json"),
    model: Optional[str] = typer.Option(None, help="cause model (default: the profile's)"),
    limit: Optional[int] = typer.Option(None, help="only the first N dialogues"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """Causal emotion entailment (Pos-F1) and cause-span extraction (EM, token F1) on RECCON-DD."""
    from agent.evaluation.model_eval import evaluate_cause

    quiet_model_loading()
    print_report(lambda: evaluate_cause(data, split, model or Settings.load().cause.model, limit), json_out)


@eval_app.command("face")
def eval_face(
    data: Path = DATA,
    split: str = typer.Option("dev", help="split name: DIR/vision/fer2013/NAME/<label>/*.jpg"),
    model: Optional[str] = typer.Option(None, help="face model folder (default: the profile's)"),
    limit: Optional[int] = typer.Option(None, help="only the first N images"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """Accuracy, macro F1 and the confusion matrix of the face expression classifier on FER2013
    face crops (48x48 greyscale; no detection needed)."""
    from agent.evaluation.model_eval import evaluate_face

    face_model = model or Settings.load().face.model
    print_report(lambda: evaluate_face(data, split, None if face_model.startswith("packaged:") else face_model, limit),
                 json_out, lambda r: {**vars(r), "confusion": r.confusion.tolist()})


@eval_app.command("speech")
def eval_speech(
    data: Path = DATA,
    actors: str = typer.Option("17-20", help="RAVDESS actors to test on, e.g. 17-20 or 1,3,5-7 "
                                             "(DIR/speech/ravdess/Actor_XX/*.flac)"),
    model: Optional[str] = typer.Option(None, help="speech emotion model (default: the profile's)"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """8-class speaker-independent accuracy, macro F1 and the confusion matrix of the speech emotion
    recognizer on RAVDESS actors it was not trained on."""
    from agent.evaluation.datasets import parse_actors
    from agent.evaluation.model_eval import evaluate_speech

    print_report(lambda: evaluate_speech(data, parse_actors(actors), model or Settings.load().speech.emotion_model),
                 json_out, lambda r: {**r.to_dict(), "confusion": r.confusion.tolist()})


@eval_app.command("transition")
def eval_transition(
    data: Path = DATA,
    split: str = typer.Option("train", help="split name: DIR/text/peld/NAME.tsv"),
    holdout: bool = typer.Option(False, help="only the triples the shipped model held out of training "
                                             "(every 7th block of 50: our dev split of the shared file)"),
    model: Optional[str] = typer.Option(None, help="transition model folder (default: the profile's)"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """Response-emotion prediction on PELD: the model, the same model without personality, and the
    majority / copy-own-previous / copy-other baselines (accuracy, macro and weighted F1)."""
    from agent.evaluation.model_eval import evaluate_transition

    print_report(lambda: evaluate_transition(data, split, model or Settings.load().transition.model, holdout),
                 json_out)


@eval_app.command("response")
def eval_response(
    split: str = typer.Option("dev", help="the project's everyday messages: training/data/everyday/NAME.csv"),
    profile: str = typer.Option("offline", help="settings profile (its text model, transition model and "
                                                "response policy)"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """The emotions the agent answers with: per persona preset the share of emotional messages answered
    non-neutrally and the mean intensity, the answers by the feeling read, and how often the calmest and
    the liveliest presets answer differently."""
    from agent.evaluation.response import evaluate_response
    from agent.response_policy import ResponsePolicy

    quiet_model_loading()
    settings = Settings.load(profile)
    policy = ResponsePolicy(settings.transition.follow, settings.transition.temperament)
    print_report(lambda: evaluate_response(split, settings.text.model, settings.transition.model, policy),
                 json_out)


@eval_app.command("replies")
def eval_replies(
    data: Path = DATA,
    split: str = typer.Option("dev", help="ESConv split: DIR/text/esconv/NAME_with_strategy.tsv"),
    part: str = typer.Option("validation", help="our part of it: validation (every 5th conversation), "
                                                "train, or all"),
    limit: Optional[int] = typer.Option(None, help="only the first N supporter turns"),
    profile: str = typer.Option("offline", help="settings profile (its LLM writes the replies)"),
    conversations: Optional[Path] = typer.Option(None, help="instead: the conversation checks over this "
                                                            "JSON file of the project's own conversations"),
    seed: int = typer.Option(0, help="the local model's sampling seed (each turn is seeded apart)"),
    farewells: bool = typer.Option(False, help="only the ESConv turns that answer thanks or a goodbye"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """The agent's replies to ESConv seekers, through the real turn, against the real supporters':
    BLEU-1/2/4, ROUGE-L, Distinct-1/2 as the ESConv authors compute them (x100), with examples. With
    --conversations: the share of replies that speak as the user, contradict, copy, repeat, are off
    topic or in the wrong emotion, acknowledge the cause, ask something; and the turn's latency."""
    from agent.evaluation.conversations import evaluate_conversations, read_conversations
    from agent.evaluation.replies import evaluate_esconv_replies
    from agent.sdk import EmpatheticAgent

    if conversations is not None and farewells:
        raise typer.BadParameter("picks ESConv turns; it does not apply to --conversations", param_hint="--farewells")
    quiet_model_loading()

    def run():
        if conversations is not None:
            read_conversations(conversations)  # a bad file is an error before any model loads
        agent = EmpatheticAgent.from_settings(Settings.load(profile, memory={"url": "sqlite://"}))
        try:
            if conversations is not None:
                return evaluate_conversations(agent, conversations, seed)
            return evaluate_esconv_replies(agent, data, split, part, limit, seed=seed, farewells=farewells)
        finally:
            agent.close()

    print_report(run, json_out)


@eval_app.command("injection")
def eval_injection(
    profile: str = typer.Option("offline", help="settings profile (its LLM is the one attacked)"),
    stream: bool = typer.Option(False, help="stream each turn, as the demo page does"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="also write the results here"),
) -> None:
    """Run the prompt-injection suite (agent/evaluation/injection_suite.py) through the real turn, on a
    throwaway in-memory database, and count the attacks resisted."""
    from rich.table import Table

    from agent.evaluation.injection_suite import run_injection_suite
    from agent.sdk import EmpatheticAgent

    quiet_model_loading()
    agent = EmpatheticAgent.from_settings(Settings.load(profile, memory={"url": "sqlite://"}))
    try:
        report = run_injection_suite(agent, stream=stream)
    finally:
        agent.close()
    table = Table("attack", "resisted", "reply")
    for r in report.results:
        table.add_row(r.name, "yes" if r.resisted else f"[red]no: {r.breach}[/]", r.reply)
    console.print(table)
    console.print(f"resisted {report.resisted} of {len(report.results)} attacks")
    if json_out:
        json_out.write_text(json.dumps(report.to_dict(), indent=2))


@eval_app.command("crisis")
def eval_crisis(
    data: Path = typer.Option(..., help="a CSV with a 'text' column and a 0/1 label column ('label' or "
                                        "'suicidal'); optional 'category' and 'context' (earlier "
                                        "messages separated by ' || ')"),
    label_column: Optional[str] = typer.Option(None, help="the label column, if not 'label' or 'suicidal'"),
    model: Optional[str] = typer.Option(None, help="crisis detector folder (default: the profile's)"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """Recall on risk messages and false alarms on the others, per category, every miss and false
    alarm printed: the crisis detector the agent uses (classifier and patterns)."""
    from agent.crisis_model import load_crisis_detector
    from agent.evaluation.crisis import evaluate_crisis

    quiet_model_loading()
    settings = Settings.load()
    safety = settings.safety

    def report():
        detector = load_crisis_detector(model or safety.model, safety.verifier, "cpu", settings.cache_dir)
        return evaluate_crisis(data, detector, label_column, detector.protocol_score_or(safety.protocol_score))

    print_report(report, json_out, lambda r: r.to_dict())


@eval_app.command("danger")
def eval_danger(
    data: Optional[Path] = typer.Option(None, help="a CSV with a 'text' column and a 0/1 label column ('label'): 1 "
                                                   "where the message tells of harm from someone else or an "
                                                   "emergency; optional 'category' and 'context' (as eval crisis)"),
    conversations: Optional[list[Path]] = typer.Option(None, help="conversation files instead (as eval replies "
                                                                   "reads): every user turn, with the turns before "
                                                                   "it, as everyday talk (false alarms); repeatable"),
    label_column: Optional[str] = typer.Option(None, help="the label column, if not 'label'"),
    model: Optional[str] = typer.Option(None, help="danger detector folder (default: the profile's)"),
    json_out: Optional[Path] = JSON_OUT,
) -> None:
    """Recall on danger messages and false alarms on the others, per category, every miss and false alarm
    printed: the danger detector the agent uses (`perception/danger.py`); how many flags get the fixed reply
    (a clear reading) and how many a check-in."""
    from agent.evaluation.crisis import conversation_messages, evaluate_crisis, evaluate_messages
    from perception.danger import DangerDetector

    quiet_model_loading()
    if (data is None) == (not conversations):
        raise typer.BadParameter("give either --data FILE or --conversations FILE (one or more)")
    source = model or Settings.load().safety.danger
    if source == "none":
        raise typer.BadParameter("the settings turn the danger detector off ([safety] danger = 'none'): give --model")

    def report():
        detector = DangerDetector.load(source, "cpu")
        if data is not None:
            return evaluate_crisis(data, detector, label_column, detector.protocol_score)
        name = ", ".join(p.name for p in conversations)
        return evaluate_messages(name, conversation_messages(conversations), detector, detector.protocol_score)

    print_report(report, json_out, lambda r: r.to_dict())
