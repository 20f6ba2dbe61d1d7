"""Length-aware batching: short messages never pay for a long neighbour's padding."""

from __future__ import annotations

import numpy as np

from classifier.model import BATCH_SIZE, _length_chunks


def test_chunks_cover_everything_in_order_and_bound_padding() -> None:
    lengths = sorted([12] * 40 + [15] * 5 + [60, 61, 150])
    order = np.arange(len(lengths))
    chunks = _length_chunks(lengths, order)
    assert np.concatenate(chunks).tolist() == order.tolist()
    for c in chunks:
        assert len(c) <= BATCH_SIZE
        widths = [lengths[i] for i in c]
        assert max(widths) <= min(widths) * 4 // 3 + 4
    assert [lengths[i] for i in chunks[-1]] == [150]  # the long e-mail runs on its own


def test_mixed_lengths_score_like_one_by_one(tiny_classifier) -> None:
    texts = ["ok", "Where is my order?", "You are idiots. " * 12, "Hello, thanks!", "Ну и где?"]
    together = tiny_classifier.predict_proba(texts)
    alone = np.stack([tiny_classifier.predict_proba(t) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
