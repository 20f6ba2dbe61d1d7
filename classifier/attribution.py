"""Spans from the main forward pass: which sentences and clauses the flag's evidence sits in.

The network is encoder -> mean pooling -> linear head, so a label's logit is exactly the
mean over tokens of each token's projection on the head, plus the head's bias:
logit_j = mean_t c[t, j] + b_j with c[t, j] = h_t . w_j (`ToneNet.with_token_logits`).
The token logits therefore say, for free, how far each token pushed each label.

For a flagged label, a token's evidence is its contribution minus the median contribution
of the message's tokens (the message's "ordinary" level: greetings, sign-offs, filler),
summed per sentence. Sentences with positive evidence of at least `RELATIVE_KEEP` of the
strongest sentence's are kept, strongest first, at most `MAX_SPANS_PER_LABEL`; when
no sentence stands out, the strongest one is kept. A kept sentence is narrowed to the
clauses that carry its evidence (which cuts "Hi team," off "Hi team, you are useless
morons."). Only the message's own tokens count: never the `query:` prefix, the time
marker or special tokens.

A span's score is the calibrated probability the label would get if every token of the
message contributed like the span's tokens on average: sigmoid(a * (mean_{t in span}
c[t, j] + b_j) + b), with b_j = logit_j - mean_t c[t, j] recovered from the logits
(exact for any backend). It lies in (0, 1] and is above the message's own score when
the span concentrates the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from classifier.calibration import sigmoid
from classifier.spans import MAX_SPANS_PER_LABEL, Found, Range, clauses, sentences

# A further sentence is kept only when its evidence reaches this share of the strongest
# sentence's: without it, a greeting with a sliver of positive evidence rode along.
RELATIVE_KEEP = 0.5


@dataclass(frozen=True)
class TokenEvidence:
    """One message's real tokens (padding stripped): where they sit and what they pushed."""

    offsets: np.ndarray  # (n_tokens, 2) character offsets into the model input
    token_logits: np.ndarray  # (n_tokens, n_labels) each token's projection on the head


def _message_tokens(evidence: TokenEvidence, text_start: int,
                    text_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the tokens inside the message text and the text position each one ends at.

    A token counts when it ends inside the text: special tokens have empty offsets and
    the prefix ends before `text_start` (the first word's token may start one character
    early, on the space after the marker).
    """
    starts, ends = evidence.offsets[:, 0], evidence.offsets[:, 1]
    keep = np.flatnonzero((ends > starts) & (ends > text_start)
                          & (ends <= text_start + text_len))
    return keep, ends[keep] - text_start - 1  # position of each token's last character


def _owner(last_chars: np.ndarray, ranges: list[Range]) -> np.ndarray:
    """For each token, the index of the range holding its last character, or -1.

    Sentences and clauses come sorted and disjoint, so a binary search finds the owner;
    anything else falls back to a scan in which a later range wins.
    """
    bounds = np.asarray(ranges, dtype=np.int64).reshape(-1, 2)
    starts, ends = bounds[:, 0], bounds[:, 1]
    if len(bounds) > 1 and not (starts[1:] >= ends[:-1]).all():
        owner = np.full(len(last_chars), -1, dtype=np.int64)
        for k, (a, b) in enumerate(ranges):
            owner[(last_chars >= a) & (last_chars < b)] = k
        return owner
    pos = np.searchsorted(starts, last_chars, side="right") - 1
    inside = (pos >= 0) & (last_chars < ends[np.maximum(pos, 0)])
    return np.where(inside, pos, -1)


def _sums(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per range (n of them), the sum of `values` (tokens x columns) of the tokens it owns."""
    out = np.zeros((n, values.shape[1]), dtype=np.float64)
    held = owner >= 0
    np.add.at(out, owner[held], values[held])
    return out


def attribute(
    text: str,
    text_start: int,
    evidence: TokenEvidence,
    logits: np.ndarray,
    flagged: list[int],
    platt_a: np.ndarray,
    platt_b: np.ndarray,
) -> Found:
    """Per flagged label index: up to three (range in `text`, score), best first.

    `text_start` is where `text` begins in the model input; `logits` are the message's raw
    logits (n_labels,), `platt_a`/`platt_b` its calibration.
    """
    if not flagged or not text.strip():
        return {}
    idx, last = _message_tokens(evidence, text_start, len(text))
    if not len(idx):
        return {}
    contrib = evidence.token_logits[idx][:, flagged].astype(np.float64)  # (m, flagged)
    # b_j = logit_j - mean over *all* pooled tokens (prefix and specials included).
    bias = (logits[flagged].astype(np.float64)
            - evidence.token_logits[:, flagged].astype(np.float64).mean(axis=0))
    ev = contrib - np.median(contrib, axis=0)
    sents = sentences(text) or [(0, len(text))]
    sent_of = _owner(last, sents)
    totals_all = _sums(sent_of, ev, len(sents))  # (sentences, flagged)
    has_tokens = np.bincount(sent_of[sent_of >= 0], minlength=len(sents)) > 0
    result: Found = {}
    for col, j in enumerate(flagged):
        totals = totals_all[:, col]
        order = [int(k) for k in np.argsort(-totals, kind="stable") if has_tokens[k]]
        floor = RELATIVE_KEEP * max(float(totals[order[0]]), 0.0) if order else 0.0
        chosen = [k for k in order if totals[k] > 0 and totals[k] >= floor]
        chosen = chosen[:MAX_SPANS_PER_LABEL] or order[:1]
        spans: list[tuple[Range, float]] = []
        for k in chosen:
            rng = _narrow(text, sents[k], last, ev[:, col])
            inside = (last >= rng[0]) & (last < rng[1])
            mean = float(contrib[inside, col].mean()) if inside.any() else float(
                contrib[sent_of == k, col].mean())
            spans.append((rng, float(sigmoid(platt_a[j] * (mean + bias[col]) + platt_b[j]))))
        result[j] = spans
    return result


def _narrow(text: str, sent: Range, last: np.ndarray, ev: np.ndarray) -> Range:
    """The stretch of clauses that carries the sentence's evidence, or the whole sentence.

    Clauses whose summed evidence is positive are kept; when some but not all are, the
    span runs from the first kept clause to the last one.
    """
    parts = clauses(text, sent)
    if len(parts) < 2:
        return sent
    totals = _sums(_owner(last, parts), ev[:, None], len(parts))[:, 0]
    kept = [k for k in range(len(parts)) if totals[k] > 0]
    if not kept or len(kept) == len(parts):
        return sent
    return parts[kept[0]][0], parts[kept[-1]][1]
