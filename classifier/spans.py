"""Which words drove a flag: sentences, then clauses, scored by the model itself.

For each flagged label we score every sentence on its own (one batched forward pass for
all sentences and labels) and keep those that would trigger the label alone; a kept
sentence is narrowed to its clauses when a clause alone still triggers it, which drops
greetings such as "Hi team," glued to the insult. If no sentence triggers the label
alone (the flag comes from their combination), occlusion decides: the sentences whose
removal lowers the probability most are kept.

The search is a generator that yields the texts it wants scored, so `run_searches`
can answer the questions of many messages with one batched forward pass per step
(sentences, occlusion, clauses) instead of one small pass per message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator

import numpy as np

Range = tuple[int, int]
# Ends of sentences: terminal punctuation (with closing quotes/brackets) before a space,
# or line breaks.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)\]]*(?=\s)|\n+")
_CLAUSE_END = re.compile(r"[,;:]+(?=\s)|\s[—–-]\s")
MAX_SPANS_PER_LABEL = 3
_WORDY = re.compile(r"\w", re.UNICODE)


def _trim(text: str, start: int, end: int) -> Range | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or not _WORDY.search(text, start, end):
        return None
    return start, end


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[Range]:
    out: list[Range] = []
    cur = start
    for m in pattern.finditer(text, start, end):
        cut = m.end() if not m.group().isspace() else m.start()
        piece = _trim(text, cur, cut)
        if piece:
            out.append(piece)
        cur = m.end()
    piece = _trim(text, cur, end)
    if piece:
        out.append(piece)
    return out


def sentences(text: str) -> list[Range]:
    return _split(text, 0, len(text), _SENTENCE_END)


def clauses(text: str, span: Range) -> list[Range]:
    return _split(text, span[0], span[1], _CLAUSE_END)


Found = dict[int, list[tuple[Range, float]]]
# Yields texts to score, is sent their probabilities, returns the spans.
SpanSearch = Generator[list[str], np.ndarray, Found]


def run_searches(
    searches: list[SpanSearch],
    score_many: Callable[[list[int], list[list[str]]], list[np.ndarray]],
) -> list[Found]:
    """Drive several searches in lockstep: each step's questions are scored together.

    `score_many(ids, asks)` gets the indices of the asking searches and their texts.
    """
    results: list[Found] = [{} for _ in searches]
    asks: dict[int, list[str]] = {}

    def advance(i: int, answer: np.ndarray | None) -> None:
        try:
            asks[i] = next(searches[i]) if answer is None else searches[i].send(answer)
        except StopIteration as done:
            results[i] = done.value

    for i in range(len(searches)):
        advance(i, None)
    while asks:
        ids = list(asks)
        answers = score_many(ids, [asks.pop(i) for i in ids])
        for i, answer in zip(ids, answers, strict=True):
            advance(i, answer)
    return results


def span_search(
    text: str,
    flagged: list[int],
    probs: np.ndarray,
    thresholds: np.ndarray,
) -> SpanSearch:
    """Per flagged label index: up to three (range, score) in `text`, best first.

    A generator: it yields the texts to score and is sent their probabilities (see
    `run_searches`, which drives many searches so each step is one batched pass).
    """
    if not flagged or not text.strip():
        return {}
    sents = sentences(text) or [(0, len(text))]
    sent_probs = probs[None, :] if len(sents) == 1 else (yield [text[a:b] for a, b in sents])
    result: dict[int, list[tuple[Range, float]]] = {}
    occlusion: np.ndarray | None = None
    for j in flagged:
        chosen = [i for i in range(len(sents)) if sent_probs[i, j] >= thresholds[j]]
        if not chosen:
            if occlusion is None:
                occlusion = yield from _occlusion(text, sents, probs)
            order = np.argsort(-occlusion[:, j])
            chosen = [int(order[0])] + [int(i) for i in order[1:2] if occlusion[i, j] > 0.1]
            scored = [(sents[i], float(probs[j])) for i in chosen]
        else:
            chosen.sort(key=lambda i: -sent_probs[i, j])
            scored = [(sents[i], float(sent_probs[i, j])) for i in chosen]
        result[j] = scored[:MAX_SPANS_PER_LABEL]
    return (yield from _narrow(text, result, thresholds))


def _occlusion(text: str, sents: list[Range],
               probs: np.ndarray) -> Generator[list[str], np.ndarray, np.ndarray]:
    if len(sents) == 1:
        return np.ones((1, probs.shape[0]))
    without = [(text[: a] + " " + text[b:]).strip() for a, b in sents]
    return probs[None, :] - (yield without)


def _narrow(
    text: str,
    result: Found,
    thresholds: np.ndarray,
) -> Generator[list[str], np.ndarray, Found]:
    """Replace a sentence by the clauses that trigger the label alone, when there are any."""
    parts: dict[Range, list[Range]] = {}
    for spans in result.values():
        for rng, _ in spans:
            cl = clauses(text, rng)
            if len(cl) > 1:
                parts[rng] = cl
    if not parts:
        return result
    flat = [c for cl in parts.values() for c in cl]
    clause_probs = yield [text[a:b] for a, b in flat]
    where = {c: i for i, c in enumerate(flat)}
    out: dict[int, list[tuple[Range, float]]] = {}
    for j, spans in result.items():
        narrowed: list[tuple[Range, float]] = []
        for rng, s in spans:
            hits = [(c, float(clause_probs[where[c], j])) for c in parts.get(rng, [])
                    if clause_probs[where[c], j] >= thresholds[j]]
            if hits and len(hits) < len(parts[rng]):
                a, b = min(c[0] for c, _ in hits), max(c[1] for c, _ in hits)
                narrowed.append(((a, b), max(p for _, p in hits)))
            else:
                narrowed.append((rng, s))
        out[j] = narrowed
    return out
