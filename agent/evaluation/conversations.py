"""`empathica eval replies --conversations FILE`: the conversation checks (`agent/reply_checks.py`)
over conversations the project wrote itself, through the real turn, streamed as the chat gets it.

FILE is a JSON list of {"id": "c01", "turns": ["what the user says first", "then", ...]}; each
conversation is one fresh session of a throwaway database. Per reply: speaks as the user,
contradicts, copies the user, repeats an earlier reply, closes the conversation unbidden, off-topic,
its emotion (read by the project's text model) on the other side of valence from the chosen response
emotion, acknowledges the cause (of the turns that have one), asks something; and the latency of the
turn. Turns answered with the crisis protocol's fixed reply are counted apart (a false alarm on
everyday talk) and not checked as replies. A turn the LLM gives no usable reply for (the person would see an error) counts as
`no_reply`. One example of each failure is kept for the report.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.table import Table

from agent.events import ReplyEvent
from agent.evaluation.replies import seed_turn
from agent.llm import LLMError
from agent.reply_checks import (OFF_TOPIC_BELOW, acknowledges_cause, asks, asks_how_the_future_went,
                                asks_what_was_said, closes_unbidden, contradicts, copies_user, dismisses,
                                doubts_user, hopes_for_what_happened, puts_what_happened_ahead, repeats,
                                speaks_as_user)
from agent.danger_replies import CHECK_START, DANGER_REPLIES, without_danger_lines
from agent.safety import CHECK_IN, CRISIS_LINES, CRISIS_REPLY, raises_self_harm
from perception.emotions import VAD

FAILURES = ("no_reply", "speaks_as_user", "contradicts", "copies_user", "repeats", "closes_unbidden",
            "doubts_user", "dismisses", "asks_what_was_said", "asks_how_the_future_went", "hopes_for_what_happened",
            "puts_what_happened_ahead", "raises_self_harm", "off_topic",
            "emotion_disagrees")


def read_conversations(path: Path) -> list[tuple[str, list[str]]]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no conversation file at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise ValueError(f"{path} holds no conversations (expected a JSON list of {{'id', 'turns'}})")
    out = []
    for n, item in enumerate(data):
        turns = item.get("turns") if isinstance(item, dict) else None
        if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise ValueError(f"{path}: conversation {n} has no 'turns' (a list of non-empty messages)")
        out.append((str(item.get("id", n)), turns))
    return out


@dataclass
class CheckedTurn:
    conversation: str
    message: str
    reply: str
    emotion: str
    cause: str | None
    seconds: float
    failures: list[str] = field(default_factory=list)
    acknowledges: bool = False
    asks: bool = False
    protocol: bool = False  # answered with the crisis protocol's fixed reply (not checked as a reply)
    check_in: bool = False  # an uncertain risk reading: the reply was followed by the safety check-in
    feeling: str = ""  # the user's fused feeling as the agent read it, and how sure
    feeling_confidence: float = 0.0


@dataclass
class ConversationReport:
    name: str
    turns: int
    rates: dict[str, float]  # each failure's share of the replies written (the crisis protocol's fixed
    #: replies left out); acknowledges_cause: of those turns with a cause; crisis_protocol and
    #: crisis_check_in (a careful reply followed by the safety check-in): of all turns
    seconds_p50: float
    examples: dict[str, dict[str, str]]  # failure -> message, reply
    #: every turn: conversation, message, reply (the crisis protocol's fixed reply as such), failures,
    #: the response emotion, the user's feeling as read and its confidence
    replies: list[dict] = field(default_factory=list)

    def __rich__(self) -> Table:
        table = Table(title=f"{self.name}: {self.turns} replies, {self.seconds_p50:.2f} s a turn (p50)",
                      title_justify="left")
        table.add_column("check")
        table.add_column("share", justify="right")
        table.add_column("example (message -> reply)")
        for check, rate in self.rates.items():
            e = self.examples.get(check)
            table.add_row(check, f"{rate:.3f}", f"{e['message']} -> {e['reply']}" if e else "")
        return table


def streamed_reply(agent, message: str, session_id: str):
    """The turn's `Reply` as a person in the chat gets it: through `stream`, as the CLI and the page."""
    for event in agent.stream(text=message, user_id="conversations", session_id=session_id):
        if isinstance(event, ReplyEvent):
            return event.reply
    raise LLMError("the turn ended without a reply")


def run_conversations(agent, conversations: list[tuple[str, list[str]]], seed: int = 0) -> list[CheckedTurn]:
    checked = []
    for cid, messages in conversations:
        replies: list[str] = []
        for n, message in enumerate(messages):
            started = time.perf_counter()
            seed_turn(f"conversation-{cid}-{n}", seed)
            try:
                reply = streamed_reply(agent, message, f"conversation-{cid}")
            except LLMError as exc:  # the person would get an error instead of a reply: count it, go on
                checked.append(CheckedTurn(cid, message, f"(no reply: {exc})", "neutral", None,
                                           time.perf_counter() - started, failures=["no_reply"]))
                continue
            # what a careful turn appends after the written reply: checked apart
            said = reply.text.replace(CRISIS_LINES, "").replace(CHECK_IN, "").strip()
            written = without_danger_lines(said)  # (and a danger's lines or check-in)
            turn = CheckedTurn(cid, message, written, reply.emotion,
                               reply.causes[0].text if reply.causes else None, time.perf_counter() - started,
                               protocol=(reply.text == CRISIS_REPLY
                                         or reply.text.startswith(tuple(DANGER_REPLIES.values()))),
                               check_in=reply.text.endswith(CHECK_IN) or CHECK_START in said,
                               feeling=reply.perception.fused.label,
                               feeling_confidence=round(reply.perception.fused.confidence, 3))
            replies.append(written)
            checked.append(turn)
            if turn.protocol:
                continue
            turn.failures = [name for name, failed in (
                ("speaks_as_user", speaks_as_user(message, written)),
                ("contradicts", contradicts(message, written, messages[:n])),
                ("copies_user", copies_user(message, written)),
                ("repeats", repeats(written, replies[:-1])),
                ("closes_unbidden", closes_unbidden(message, written)),
                ("doubts_user", doubts_user(written)),
                ("dismisses", dismisses(written, message)),
                ("asks_what_was_said", asks_what_was_said(written, messages[:n + 1])),
                ("asks_how_the_future_went", asks_how_the_future_went(message, written)),
                ("hopes_for_what_happened", hopes_for_what_happened(written, messages[:n + 1])),
                ("puts_what_happened_ahead", puts_what_happened_ahead(written, messages[:n + 1])),
                ("raises_self_harm", raises_self_harm(written, messages[:n + 1]))) if failed]
            turn.acknowledges, turn.asks = acknowledges_cause(turn.cause, written), asks(written)
    return checked


def add_model_checks(checked: list[CheckedTurn], settings) -> None:
    """Off-topic (MiniLM cosine of message and reply) and emotion disagreement (the text model's
    reading of the reply against the chosen response emotion, by the sign of valence)."""
    from perception.sentence_encoder import SentenceEncoder
    from perception.text import TextEmotionRecognizer

    checked = [t for t in checked if not t.protocol and "no_reply" not in t.failures]
    if not checked:
        return
    encoder = SentenceEncoder.load(device=settings.device)
    messages = encoder.encode([t.message for t in checked])
    replies = encoder.encode([t.reply for t in checked])
    read = TextEmotionRecognizer.load(settings.text.model, settings.device).predict([t.reply for t in checked])
    for turn, m, r, reading in zip(checked, messages, replies, read):
        if float(m @ r) < OFF_TOPIC_BELOW:
            turn.failures.append("off_topic")
        chosen = VAD.of(turn.emotion).valence
        if chosen * reading.vad.valence < 0 and abs(reading.vad.valence) > 0.2:
            turn.failures.append("emotion_disagrees")


def evaluate_conversations(agent, path: Path, seed: int = 0) -> ConversationReport:
    every = run_conversations(agent, read_conversations(path), seed)
    add_model_checks(every, agent.settings)
    checked = [t for t in every if not t.protocol] or every
    rates = {f: sum(f in t.failures for t in checked) / len(checked) for f in FAILURES}
    with_cause = [t for t in checked if t.cause]
    rates["acknowledges_cause"] = sum(t.acknowledges for t in with_cause) / max(len(with_cause), 1)
    rates["asks"] = sum(t.asks for t in checked) / len(checked)
    rates["crisis_protocol"] = sum(t.protocol for t in every) / len(every)
    rates["crisis_check_in"] = sum(t.check_in for t in every) / len(every)
    examples = {}
    for f in FAILURES:
        first = next((t for t in checked if f in t.failures), None)
        if first:
            examples[f] = {"message": first.message, "reply": first.reply}
    first = next((t for t in every if t.protocol), None)
    if first:
        examples["crisis_protocol"] = {"message": first.message, "reply": "(the crisis protocol's fixed reply)"}
    first = next((t for t in every if t.check_in), None)
    if first:
        examples["crisis_check_in"] = {"message": first.message, "reply": f"{first.reply} (+ the check-in)"}
    replies = [{"conversation": t.conversation, "message": t.message, "reply": t.reply, "protocol": t.protocol,
                "check_in": t.check_in, "failures": t.failures, "emotion": t.emotion, "feeling": t.feeling,
                "feeling_confidence": t.feeling_confidence} for t in every]
    return ConversationReport(f"conversations {Path(path).name}", len(every), rates,
                              statistics.median(t.seconds for t in every), examples, replies)
