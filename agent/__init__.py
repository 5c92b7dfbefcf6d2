"""Empathica's agent: persona, emotion transition, prompting, LLM backends, the turn graph, SDK, CLI.

    from agent import EmpatheticAgent
    agent = EmpatheticAgent.from_profile("offline")
    reply = agent.respond(text="I failed my exam", user_id="u1", session_id="s1")

The names below load on first use (PEP 562): `import agent.settings` or `empathica forget` load no
model code.
"""

from perception.loading import lazy_exports

_EXPORTS = {**dict.fromkeys(["Big5", "Persona", "PersonaError"], "agent.persona"),
            "EmpatheticAgent": "agent.sdk", "InputError": "agent.errors",
            **dict.fromkeys(["AudioChunk", "PerceptionEvent", "Reply", "ReplyEvent", "StreamEvent", "TextDelta"],
                            "agent.events"),
            **dict.fromkeys(["Settings", "ProfileError"], "agent.settings"),
            **dict.fromkeys(["EmotionTransition", "ResponseEmotion"], "agent.transition"),
            "StoreError": "memory"}  # what a turn raises when the database is locked, gone or unreadable
__all__ = list(_EXPORTS)

__getattr__ = lazy_exports("agent", _EXPORTS)
