"""Prompt injection: the user's words and stored memory are data to answer, never instructions.

Three layers, each cheap and each tested by the attack suite (`agent/evaluation/injection_suite.py`):

* **Quoting** (`defang`): every user-controlled string that goes into a prompt (the message, the
  history memory replays, causes) loses what could pass for structure: chat-template control tokens
  (``<start_of_turn>``, ``<|im_start|>``, ``[INST]``...), which a tokenizer would otherwise read as
  real role switches, and the transcript's speaker tags, which would forge a line of the agent.
* **Role separation and a guard note**: user text only ever sits in user turns (chat) or inside a
  quoted person's line (transcript); when a message (or a remembered one) reads like an attempt to
  instruct the model (`injection_signal`), the prompt says so and tells the model not to follow it.
* **Output checks** (`unsafe_output`): a candidate reply is dropped when it repeats the prompt's own
  instructions, carries role markers, links or images (a way to send data out), or says a phrase an
  injection attempt demanded (also one hidden in base64). Turns with an
  attempt are generated whole and checked before anything is shown (no live streaming), and if no
  candidate passes, the reply is `BOUNDARY_REPLY`, a fixed, friendly refusal.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

#: The fixed reply when every candidate for a message that tried to instruct the model failed the checks.
BOUNDARY_REPLY = ("I can't change how I work or share how I'm set up, but I'm glad to keep talking "
                  "with you. How are you feeling right now?")

#: Control tokens of common chat templates (Gemma, ChatML/Qwen, Llama 2/3, Mistral, Phi).
_CONTROL = re.compile(
    r"<\|?/?\s*(?:start_of_turn|end_of_turn|im_start|im_end|system|user|assistant|endoftext|"
    r"begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|s|bos|eos|pad|unk)\s*\|?>"
    r"|\[/?INST\]|<</?SYS>>", re.IGNORECASE)
#: Invisible characters used to hide words from filters (zero-width, joiners, bidi controls).
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff]")

_ATTEMPT = [
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,30}\b(?:instructions?|rules?|prompt|"
    r"guidelines?|directions?|programming|restrictions?|polic(?:y|ies))\b",
    r"\b(?:system|hidden|initial|original|secret)\s+(?:prompt|message|instructions?|rules?)\b",
    r"\b(?:your|my) instructions\b",
    r"\b(?:reveal|print|show|repeat|recite|output|translate|list|tell me|write out|dump|paste)\b.{0,40}"
    r"\b(?:your|the)\s+(?:instructions?|rules?|prompt|guidelines?|system|configuration|setup)\b",
    r"\b(?:repeat|print|output)\b.{0,20}\b(?:everything|all|the text|what is|what's)\b.{0,20}"
    r"\b(?:above|before|earlier)\b",
    r"\byou are (?:now|no longer) (?:a|an|the|in|called|named|free|unrestricted|(?-i:DAN))\b",
    r"\bfrom now on,? (?:you|reply|answer|respond|only|always|never|say)\b", r"\bdeveloper mode\b",
    r"\bjailbr[eo]ak", r"(?-i:\bDAN\b)", r"\bnew (?:instructions?|directives?|system)\b",
    r"\bwhenever i (?:say|write|type)\b", r"\bfor (?:all )?future (?:replies|answers|responses)\b",
    r"\b(?:end|start|begin|finish)\s+every\s+(?:reply|answer|response|message)\b",
    r"\b(?:other|another|previous|different)\s+users?\b", r"\b(?:all|every)\s+(?:the\s+)?users\b",
    r"\bi(?:'m| am) (?:the|an|your) (?:admin|administrator|developer|operator)\b",
    r"(?:^|\n)\s*(?:system|assistant|developer)\s*:", r"\bbase64\b", r"!\[[^\]]*\]\(",
    r"\b(?:pretend|imagine) (?:that )?(?:you are|you're|to be)\b",
    r"\byou are an? (?:evil|unfiltered|uncensored|unrestricted|different)\b",
    # a demand to say a quoted or shouted phrase, said as a command ("... and say 'X'", "Confirm by saying
    # 'X'"), not reported speech ("my mum keeps saying 'whatever happens its fine'", "people say 'X'")
    r"(?:^|[.!?:;,\]\n]\s*|\b(?:and|then|ok|okay|please|only|also|always|simply|you must|you'?ll|you will|must"
    r"|you to|can you|could you|will you|would you|(?:confirm|start|begin) by|first)\s+)(?:now\s+)?"
    r"(?:say|saying|reply|respond|answer|output|confirm|type|write|print|append)\b[^.?!\n]{0,30}"
    r"(?:[\"“‘]|(?<!\w)'|(?-i:\b[A-Z][A-Z0-9-]{3,}\b))",
]
_ATTEMPT_RE = re.compile("|".join(f"(?:{p})" for p in _ATTEMPT), re.IGNORECASE)
_QUOTED = re.compile(r"\"([^\"]{2,80})\"|“([^”]{2,80})”|‘([^’]{2,80})’|(?<!\w)'(.{2,80}?)'(?!\w)")
_SHOUTED = re.compile(r"\b[A-Z][A-Z0-9]*(?:[-_ ][A-Z0-9]+)*\b")
_ROLE_MARKERS = re.compile(r"(?:^|\s)(?:system|assistant|user|developer)\s*:|<\|?[a-z_]+\|?>|\[/?INST\]",
                           re.IGNORECASE)
_LINKS = re.compile(r"https?://|www\.|\]\(|<a\s", re.IGNORECASE)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")  # quotes around a word are not part of it
#: A reply sharing a run of this many words with the prompt's own instructions leaks them.
LEAK_WORDS = 6
#: A reply saying this many consecutive words of a demanded phrase (or all of a shorter one) obeys it.
DEMANDED_WORDS = 3


def normalise(text: str) -> str:
    """NFKC with invisible characters removed, so filters see what a reader (or model) sees; any
    base64 payload is followed by its decoded text, so what it hides is read too."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return text + "".join(f" [{d}]" for d in map(_decoded, _BASE64.findall(text)) if d)


def _decoded(token: str) -> str | None:
    """The printable text a base64 token hides, or None."""
    try:
        text = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text if text.isprintable() and sum(c.isalpha() for c in text) > len(text) / 2 else None


def defang(text: str, speakers: tuple[str, ...] = ()) -> str:
    """`text` safe to place in a prompt as data: no control tokens, and no speaker's name followed
    by the bracket, parenthesis or colon that would forge a new transcript line of that speaker."""
    text = _CONTROL.sub(" ", normalise(text))
    for name in speakers:
        text = re.sub(rf"\b{re.escape(name)}\s*[\[(:]", f"{name} ", text)
    return text


def injection_signal(text: str) -> bool:
    """Whether `text` reads like an attempt to instruct the model rather than talk to it."""
    clean = normalise(text)
    return bool(_CONTROL.search(clean) or _ATTEMPT_RE.search(clean))


def demanded_phrases(text: str) -> list[str]:
    """Phrases an injection attempt asks the model to say: quoted strings and shouted tokens."""
    clean = normalise(text)
    phrases = [next(g for g in groups if g).strip() for groups in _QUOTED.findall(clean)]
    phrases += _SHOUTED.findall(clean)
    return [p for p in phrases if len(p) >= 4 and p.upper() not in {"SYSTEM", "INST", "USER"}]


def leaks(reply: str, instructions: str, run: int = LEAK_WORDS) -> bool:
    """Whether `reply` repeats `run` consecutive words of `instructions`."""
    said = _WORDS.findall(normalise(reply).lower())
    source = _WORDS.findall(instructions.lower())
    grams = {tuple(source[i:i + run]) for i in range(len(source) - run + 1)}
    return any(tuple(said[i:i + run]) in grams for i in range(len(said) - run + 1))


def unsafe_output(reply: str, instructions: str, attempts: list[str]) -> str | None:
    """Why `reply` must not be shown, or None. `instructions`: the prompt's own fixed text;
    `attempts`: the user-controlled texts in the prompt that `injection_signal` flagged."""
    if leaks(reply, instructions):
        return "repeats its instructions"
    if _ROLE_MARKERS.search(reply):
        return "role markers"
    if _LINKS.search(reply):
        return "links or images"
    said = normalise(reply).lower()
    for attempt in attempts:
        for phrase in demanded_phrases(attempt):
            run = min(len(_WORDS.findall(phrase.lower())), DEMANDED_WORDS)
            # (inside a word too: "Bananas! How many?" says the demanded "BANANA")
            if run and (leaks(reply, phrase, run) or phrase.lower() in said):
                return f"says the demanded {phrase!r}"
    return None
