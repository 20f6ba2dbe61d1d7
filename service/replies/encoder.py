"""Sentence embeddings for matching client messages to reply templates.

Uses the same multilingual e5 base encoder as the classifier (loaded through
sentence-transformers) with the symmetric `query: ` prefix on both sides.
Template embeddings are cached on disk, keyed by model and text, so a service
restart does not re-encode the whole playbook.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from classifier.base_model import QUERY_PREFIX

logger = logging.getLogger(__name__)
MAX_SEQ_LENGTH = 256


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised row vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class E5Encoder:
    """The converted e5 base model, run by sentence-transformers on the CPU."""

    def __init__(self, model_dir: Path | None = None) -> None:
        if model_dir is None:
            from classifier.base_model import ensure_base_model

            model_dir = Path(ensure_base_model())
        from sentence_transformers import SentenceTransformer

        self.name = f"e5:{Path(model_dir).resolve()}"
        self._model = SentenceTransformer(str(model_dir), device="cpu")
        self._model.max_seq_length = MAX_SEQ_LENGTH
        self._lock = threading.Lock()
        logger.info("reply encoder loaded from %s", model_dir)

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:  # the model is shared between request threads
            out = self._model.encode(
                [QUERY_PREFIX + t for t in texts],
                batch_size=32,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(out, dtype=np.float32)


def cached_encode(encoder: Encoder, texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """Encode texts, reusing a .npy cache file keyed by the encoder and the texts."""
    if cache_dir is None:
        return encoder.encode(texts)
    digest = hashlib.sha256(encoder.name.encode())
    for t in texts:
        digest.update(b"\0" + t.encode())
    path = cache_dir / f"replies-{digest.hexdigest()[:24]}.npy"
    if path.exists():
        try:
            cached = np.load(path)
            if cached.shape[0] == len(texts):
                return np.asarray(cached, dtype=np.float32)
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable embedding cache %s: %s", path, exc)
    vectors = encoder.encode(texts)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
    except OSError as exc:
        logger.warning("cannot write embedding cache %s: %s", path, exc)
    return vectors
