"""Span methods on the test split's flagged messages: attribution (main pass) vs search.

    python -m bench.spans [--model DIR] [--n 1055] [--threads N]

Takes the first `n` test-split messages, keeps those the model flags, and runs
`ToneClassifier.predict` on them three ways: no spans, spans by attribution (token
logits of the main forward pass, the default) and spans by the search (extra forward
passes over sentences, occlusions and clauses). Each way runs one message per call (a
single request) and in batches of 32 (what micro-batching hands the model under load).

Reports, per message: the time of each way; how often the attribution's spans overlap
the search's (same label, at least one character in common; also for the first span of
each); and how often either points at a greeting or sign-off, measured as a span lying
wholly in the first or last line of a message of three lines or more when that line is
short (six words or fewer). Lines are those of the text the model sees (after e-mail
clean-up), mapped back to the message as received. Prints a table and writes
bench/results/spans.json.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from bench.common import (
    SHIPPED_MODEL,
    machine,
    parse_sent_at,
    table,
    test_messages,
    write_result,
)
from classifier.scripts import run_command

BATCH = 32
MIN_LINES = 3
SHORT_LINE_WORDS = 6
Ranges = list[tuple[int, int]]


def edge_lines(text: str) -> Ranges:
    """Original-text ranges of a message's short first and last lines (greeting, sign-off).

    Empty unless the cleaned text has at least MIN_LINES non-empty lines.
    """
    from classifier.email_cleanup import clean_message

    cleaned = clean_message(text)
    lines: Ranges = []
    pos = 0
    for raw in cleaned.text.split("\n"):
        body = raw.strip()
        if body:
            start = pos + raw.index(body)
            lines.append((start, start + len(body)))
        pos += len(raw) + 1
    if len(lines) < MIN_LINES:
        return []
    edges = [lines[0], lines[-1]]
    return [cleaned.to_original(a, b) for a, b in edges
            if len(cleaned.text[a:b].split()) <= SHORT_LINE_WORDS]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def compare(attr: list[Any], search: list[Any], texts: list[str]) -> dict[str, Any]:
    """Agreement between the two methods' spans, and greeting/sign-off hits of each."""
    pairs = agree = first_agree = 0
    edge_msgs = 0
    edge_hits = {"attribution": 0, "search": 0}
    spans_total = {"attribution": 0, "search": 0}
    edge_spans = {"attribution": 0, "search": 0}
    for p, q, text in zip(attr, search, texts, strict=True):
        for label in p.labels:
            mine = [(s.start, s.end) for s in p.spans if s.label == label]
            theirs = [(s.start, s.end) for s in q.spans if s.label == label]
            if not mine or not theirs:
                continue
            pairs += 1
            agree += any(_overlaps(a, b) for a in mine for b in theirs)
            first_agree += _overlaps(mine[0], theirs[0])
        edges = edge_lines(text)
        if not edges:
            continue
        edge_msgs += 1
        for name, pred in (("attribution", p), ("search", q)):
            inside = [any(a <= s.start and s.end <= b for a, b in edges) for s in pred.spans]
            spans_total[name] += len(inside)
            edge_spans[name] += sum(inside)
            edge_hits[name] += any(inside)
    return {
        "label_pairs": pairs,
        "any_overlap": round(agree / max(pairs, 1), 4),
        "first_span_overlap": round(first_agree / max(pairs, 1), 4),
        "messages_with_edge_lines": edge_msgs,
        "edge_line_messages_rate": {k: round(v / max(edge_msgs, 1), 4)
                                    for k, v in edge_hits.items()},
        "edge_line_spans_rate": {k: round(edge_spans[k] / max(spans_total[k], 1), 4)
                                 for k in edge_spans},
    }


def _timed(fn: Callable[[], list[Any]]) -> tuple[list[Any], float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run(model_dir: Path, n: int, threads: int | None) -> dict[str, Any]:
    from classifier.model import ToneClassifier
    from classifier.onnx_backend import OnnxBackend, available_cores

    info = machine()
    threads = threads or available_cores()
    clf = ToneClassifier.from_pretrained(model_dir)
    if isinstance(clf.backend, OnnxBackend):
        clf.backend = OnnxBackend(clf.backend.path, threads=threads)
    else:
        import torch

        torch.set_num_threads(threads)
    rows = test_messages(n)
    texts_all = [r["text"] for r in rows]
    sent_all = [parse_sent_at(r.get("sent_at")) for r in rows]
    probs = clf.predict_proba(texts_all, sent_at=sent_all)
    keep = [i for i, p in enumerate(probs) if (p >= clf.thresholds).any()]
    texts = [texts_all[i] for i in keep]
    sent = [sent_all[i] for i in keep]
    clf.predict(texts[:8], sent_at=sent[:8])  # warm-up
    clf.predict(texts[:8], sent_at=sent[:8], span_method="search")

    ways: dict[str, dict[str, Any]] = {"no spans": {"spans": False},
                                       "attribution": {"span_method": "attribution"},
                                       "search": {"span_method": "search"}}
    timings: list[dict[str, Any]] = []
    preds: dict[str, list[Any]] = {}
    for name, kw in ways.items():

        def one_at_a_time(kw: dict[str, Any] = kw) -> list[Any]:
            return [clf.predict(t, sent_at=s, **kw) for t, s in zip(texts, sent, strict=True)]

        def batched(kw: dict[str, Any] = kw) -> list[Any]:
            return [p for i in range(0, len(texts), BATCH)
                    for p in clf.predict(texts[i : i + BATCH], sent_at=sent[i : i + BATCH], **kw)]

        one, one_s = _timed(one_at_a_time)
        _, batch_s = _timed(batched)
        preds[name] = one
        timings.append({"method": name, "one_at_a_time_ms": round(one_s / len(texts) * 1e3, 2),
                        f"batches_of_{BATCH}_ms": round(batch_s / len(texts) * 1e3, 2)})
    base = timings[0]
    for t in timings:
        t["span_cost_one_ms"] = round(t["one_at_a_time_ms"] - base["one_at_a_time_ms"], 2)
        t["span_cost_batch_ms"] = round(t[f"batches_of_{BATCH}_ms"]
                                         - base[f"batches_of_{BATCH}_ms"], 2)
    spans_per_msg = {name: round(sum(len(p.spans) for p in preds[name]) / len(texts), 2)
                     for name in ("attribution", "search")}
    return {
        "bench": "spans",
        "machine": {**info, "load_average_end": list(os.getloadavg())},
        "model": {"dir": str(model_dir), "name": clf.name, "version": clf.version,
                  "backend": clf.backend.name},
        "threads": threads,
        "messages_read": n,
        "flagged_messages": len(texts),
        "timings_ms_per_message": timings,
        "spans_per_message": spans_per_msg,
        "agreement": compare(preds["attribution"], preds["search"], texts),
        "edge_line_definition": (f"a span wholly inside the first or last non-empty line "
                                 f"(<= {SHORT_LINE_WORDS} words) of a cleaned message with >= "
                                 f"{MIN_LINES} non-empty lines"),
    }


def cli(
    model: Annotated[Path, typer.Option()] = SHIPPED_MODEL,
    n: Annotated[int, typer.Option(help="test-split messages to read")] = 1055,
    threads: Annotated[int | None, typer.Option(help="default: all cores")] = None,
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = run(model, n, threads)
    m, agree = result["machine"], result["agreement"]
    print(f"{result['flagged_messages']} flagged of {result['messages_read']} test-split "
          f"messages, {result['model']['backend']} backend, {result['threads']} threads, "
          f"{m['cpu']}, load average {m['load_average'][0]:.2f} before, "
          f"{m['load_average_end'][0]:.2f} after")
    print(table(["predict", "ms/msg one at a time", "spans cost", f"ms/msg batches of {BATCH}",
                 "spans cost"],
                [[t["method"], t["one_at_a_time_ms"], t["span_cost_one_ms"],
                  t[f"batches_of_{BATCH}_ms"], t["span_cost_batch_ms"]]
                 for t in result["timings_ms_per_message"]]))
    edges_m, edges_s = agree["edge_line_messages_rate"], agree["edge_line_spans_rate"]
    print(table(["spans", "per message", "overlap search (any / first)",
                 "greeting/sign-off: messages", "greeting/sign-off: spans"],
                [[name, result["spans_per_message"][name],
                  f"{agree['any_overlap']:.1%} / {agree['first_span_overlap']:.1%}"
                  if name == "attribution" else "-",
                  f"{edges_m[name]:.1%}", f"{edges_s[name]:.1%}"]
                 for name in ("attribution", "search")]))
    print(f"overlap over {agree['label_pairs']} flagged labels; greeting/sign-off over "
          f"{agree['messages_with_edge_lines']} messages with >= {MIN_LINES} lines")
    print(f"written to {write_result('spans', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(run_command(cli, None, "python -m bench.spans", __doc__))
