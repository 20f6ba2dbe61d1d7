"""Spans from token logits, on hand-made evidence: what gets kept, cut and scored."""

from __future__ import annotations

import re

import numpy as np

from classifier.attribution import RELATIVE_KEEP, TokenEvidence, attribute

PREFIX = "query: [sent during business hours] "
A = np.array([1.0, 1.0])
B = np.array([0.0, 0.0])


def _evidence(text: str, pushes: dict[str, tuple[float, float]],
              prefix_push: tuple[float, float] = (0.0, 0.0)) -> tuple[TokenEvidence, np.ndarray]:
    """One token per word of `PREFIX + text`, plus <s> and </s>; a word in `pushes` gets that
    contribution (two labels), every other word 0. Returns the evidence and its logits."""
    full = PREFIX + text
    offsets = [(0, 0)]
    contrib = [(0.0, 0.0)]
    for m in re.finditer(r"\S+", full):
        offsets.append((m.start(), m.end()))
        word = m.group().strip(".,!?")
        contrib.append(prefix_push if m.end() <= len(PREFIX) else pushes.get(word, (0.0, 0.0)))
    offsets.append((0, 0))
    contrib.append((0.0, 0.0))
    tl = np.array(contrib, dtype=np.float32)
    return TokenEvidence(np.array(offsets), tl), tl.mean(axis=0) - 1.0  # bias -1


def _spans(text: str, pushes: dict[str, tuple[float, float]], flagged: list[int],
           **kw: tuple[float, float]) -> dict[int, list[str]]:
    ev, logits = _evidence(text, pushes, **kw)
    found = attribute(text, len(PREFIX), ev, logits, flagged, A, B)
    return {j: [text[a:b] for (a, b), _ in spans] for j, spans in found.items()}


def test_the_sentence_holding_the_evidence_is_the_span() -> None:
    text = "Hello there. You are total idiots. Order 42 is late."
    got = _spans(text, {"idiots": (3.0, 0.0), "total": (1.0, 0.0)}, [0])
    assert got == {0: ["You are total idiots."]}


def test_each_label_gets_its_own_evidence() -> None:
    text = "You are idiots. I will sue you in court."
    got = _spans(text, {"idiots": (3.0, 0.0), "sue": (0.0, 2.0), "court": (0.0, 2.0)}, [0, 1])
    assert got == {0: ["You are idiots."], 1: ["I will sue you in court."]}


def test_a_greeting_with_a_sliver_of_evidence_is_dropped() -> None:
    text = "Good morning!\n\nYou are useless idiots and liars."
    strong = {"idiots": (3.0, 0.0), "liars": (2.0, 0.0)}
    weak = RELATIVE_KEEP * 5.0 * 0.5  # below the share of the strongest sentence
    got = _spans(text, {**strong, "morning": (weak, 0.0)}, [0])
    assert got == {0: ["You are useless idiots and liars."]}
    # Comparable evidence in a second sentence keeps both, strongest first.
    both = _spans(text, {**strong, "morning": (4.0, 0.0)}, [0])
    assert both == {0: ["You are useless idiots and liars.", "Good morning!"]}


def test_greeting_clause_is_cut_from_the_sentence() -> None:
    text = "Hi team, you are useless morons, honestly."
    got = _spans(text, {"useless": (2.0, 0.0), "morons": (3.0, 0.0), "team": (-1.0, 0.0)}, [0])
    assert got == {0: ["you are useless morons,"]}


def test_the_prefix_and_time_marker_never_become_a_span() -> None:
    text = "Please call me back. Thanks."
    got = _spans(text, {"call": (0.5, 0.0)}, [0], prefix_push=(9.0, 0.0))
    assert got == {0: ["Please call me back."]}


def test_no_standout_sentence_keeps_the_strongest_one() -> None:
    text = "Fine. Whatever."
    got = _spans(text, {}, [0])
    assert len(got[0]) == 1 and got[0][0] in {"Fine.", "Whatever."}


def test_scores_are_probabilities_above_the_message_when_concentrated() -> None:
    text = "Hello. You are idiots."
    ev, logits = _evidence(text, {"idiots": (4.0, 0.0)})
    [((a, b), score)] = attribute(text, len(PREFIX), ev, logits, [0], A, B)[0]
    message_p = 1 / (1 + np.exp(-logits[0]))
    assert text[a:b] == "You are idiots." and message_p < score <= 1.0


def test_unflagged_or_empty_gives_nothing() -> None:
    ev, logits = _evidence("Hello.", {})
    assert attribute("Hello.", len(PREFIX), ev, logits, [], A, B) == {}
    ev, logits = _evidence("   ", {})
    assert attribute("   ", len(PREFIX), ev, logits, [0], A, B) == {}
