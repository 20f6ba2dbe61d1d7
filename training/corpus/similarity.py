"""Token-Jaccard near-duplicate measures, computed exactly with sparse matrix products.

Tokens are lower-cased `\\w+` runs; a text is the set of its tokens. Exact counts over all pairs
stay cheap because intersections come from one sparse product per block of rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"\w+", re.UNICODE)
_BLOCK = 512


def tokens(text: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(text.lower()))


def jaccard(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:
        return 1.0
    return len(ta & tb) / len(ta | tb)


def _matrix(texts: Sequence[str], vocab: dict[str, int]) -> sparse.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for i, text in enumerate(texts):
        for tok in tokens(text):
            cols.append(vocab.setdefault(tok, len(vocab)))
            rows.append(i)
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), max(len(vocab), 1)))


def _blocks(left: Sequence[str], right: Sequence[str]):  # type: ignore[no-untyped-def]
    """Yield (row offset, jaccard block) for left x right."""
    vocab: dict[str, int] = {}
    a = _matrix(left, vocab)
    b = _matrix(right, vocab)
    cols = len(vocab)
    a = sparse.csr_matrix((a.data, a.indices, a.indptr), shape=(a.shape[0], cols))
    b = sparse.csr_matrix((b.data, b.indices, b.indptr), shape=(b.shape[0], cols))
    size_a = np.asarray(a.sum(axis=1)).ravel()
    size_b = np.asarray(b.sum(axis=1)).ravel()
    bt = b.T.tocsc()
    for start in range(0, a.shape[0], _BLOCK):
        inter = (a[start : start + _BLOCK] @ bt).toarray()
        union = size_a[start : start + _BLOCK, None] + size_b[None, :] - inter
        yield start, np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def near_duplicate_pairs(texts: Sequence[str], threshold: float) -> tuple[int, int]:
    """(pairs with Jaccard > threshold, all pairs) inside one collection, counted exactly."""
    n = len(texts)
    total = n * (n - 1) // 2
    hits = 0
    for start, block in _blocks(texts, texts):
        rows = np.arange(start, start + block.shape[0])
        upper = np.arange(n)[None, :] > rows[:, None]
        hits += int(np.count_nonzero((block > threshold) & upper))
    return hits, total


def max_similarity(texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
    """For each text, its highest Jaccard against any of `others`."""
    out = np.zeros(len(texts), dtype=np.float32)
    if not texts or not others:
        return out
    for start, block in _blocks(texts, others):
        out[start : start + block.shape[0]] = block.max(axis=1)
    return out
