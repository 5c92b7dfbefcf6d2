"""Errors the SDK raises for a turn's input (below the SDK, so the graph's nodes can raise them too)."""


class InputError(ValueError):
    """The turn's input was rejected before anything was saved: empty, too long, unreadable audio,
    audio with no speech in it."""
