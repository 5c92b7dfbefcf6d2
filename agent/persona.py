"""The agent's character: a name, a Big Five personality and a speaking style, from a TOML file.

    name = "Sam"
    style = "a warm, attentive listener who keeps replies short and asks gentle questions"
    voice_style = "expressive"   # how strongly the voice carries emotion: lively, expressive, calm, flat
    [big5]   # each trait in [0, 1]
    openness = 0.7
    conscientiousness = 0.6
    extraversion = 0.55
    agreeableness = 0.85
    neuroticism = 0.25
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from typing import Literal

from pydantic import BaseModel, Field, ValidationError

# How strongly the voice carries the response emotion: the response VAD is scaled by this before it
# becomes prosody (speech/prosody.py), so "flat" speaks every emotion with neutral prosody.
VOICE_STYLES = {"lively": 1.5, "expressive": 1.0, "calm": 0.5, "flat": 0.0}


class PersonaError(ValueError):
    """A persona file that is missing or malformed."""


class Big5(BaseModel, frozen=True):
    """Big Five traits in [0, 1] (OCEAN order, as in PELD's personality vectors)."""

    openness: float = Field(0.5, ge=0, le=1)
    conscientiousness: float = Field(0.5, ge=0, le=1)
    extraversion: float = Field(0.5, ge=0, le=1)
    agreeableness: float = Field(0.5, ge=0, le=1)
    neuroticism: float = Field(0.5, ge=0, le=1)

    def as_list(self) -> list[float]:
        return [self.openness, self.conscientiousness, self.extraversion, self.agreeableness,
                self.neuroticism]


class Persona(BaseModel, frozen=True):
    name: str = "Sam"
    style: str = "a warm, attentive listener who keeps replies short and asks gentle questions"
    big5: Big5 = Big5(openness=0.7, conscientiousness=0.6, extraversion=0.55, agreeableness=0.85,
                      neuroticism=0.25)
    voice_style: Literal["lively", "expressive", "calm", "flat"] = "expressive"

    @property
    def expressiveness(self) -> float:
        return VOICE_STYLES[self.voice_style]

    @classmethod
    def from_file(cls, path: str | Path) -> "Persona":
        path = Path(path).expanduser()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise PersonaError(f"persona file {path} does not exist") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PersonaError(f"persona file {path} is not valid TOML: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise PersonaError(f"persona file {path}: {exc}") from exc


#: The page's persona presets: the page takes their Big Five and voice style; the agent keeps its own
#: name (a preset's name only says what it is like). The first is the default persona.
PRESETS: dict[str, Persona] = {
    "Sam, a warm listener": Persona(),
    "Jo, an upbeat friend": Persona(name="Jo", big5=Big5(openness=0.8, conscientiousness=0.4, extraversion=0.95,
                                                         agreeableness=0.7, neuroticism=0.4), voice_style="lively"),
    "Robin, a calm counsellor": Persona(name="Robin", big5=Big5(openness=0.6, conscientiousness=0.85,
                                                                extraversion=0.3, agreeableness=0.9,
                                                                neuroticism=0.1), voice_style="calm"),
    "Alex, a worrier": Persona(name="Alex", big5=Big5(openness=0.5, conscientiousness=0.5, extraversion=0.4,
                                                      agreeableness=0.6, neuroticism=0.85)),
}
CALMEST, LIVELIEST = "Robin, a calm counsellor", "Jo, an upbeat friend"
