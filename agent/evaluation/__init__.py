"""The tooling around the agent, apart from the runtime: `empathica eval ...` (data readers, the
evaluations per model, the reply checks over conversations and ESConv, the prompt-injection suite)
and `empathica bench`. Nothing in the turn imports from here."""

from pathlib import Path

#: The shared data folder as seen from the repo root (train and dev splits).
DEFAULT_DATA = Path("../shared/data")
