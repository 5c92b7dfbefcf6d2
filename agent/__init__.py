"""Empathica's agent: persona, emotion transition, prompting, LLM backends, the turn graph, SDK, CLI.

    from agent import EmpatheticAgent
    agent = EmpatheticAgent.from_profile("offline")
    reply = agent.respond(text="I failed my exam", user_id="u1", session_id="s1")
"""

from agent.persona import Big5, Persona, PersonaError
from agent.sdk import (AudioChunk, EmpatheticAgent, InputError, PerceptionEvent, Reply, ReplyEvent,
                       StreamEvent, TextDelta)
from agent.settings import ProfileError, Settings
from agent.transition import EmotionTransition, ResponseEmotion
from memory import StoreError  # what a turn raises when the database is locked, gone or unreadable

__all__ = ["EmpatheticAgent", "AudioChunk", "Persona", "Big5", "PersonaError", "Reply", "InputError",
           "PerceptionEvent", "TextDelta", "ReplyEvent", "StreamEvent", "Settings", "ProfileError",
           "EmotionTransition", "ResponseEmotion", "StoreError"]
