"""Device-side stand-in for the PyPI package: points at the MiniLM unpacked under /tmp/minilm."""
import os
from pathlib import Path


def get_model_path():
    return Path(os.environ.get("MINILM_DIR", "/tmp/minilm"))
