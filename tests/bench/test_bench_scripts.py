"""The benchmark scripts measure what they claim: percentiles, tables, a live service run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import percentile, table, test_messages
from classifier.types import Prediction, Span


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 95) == 7.0


def test_table_aligns_columns() -> None:
    out = table(["a", "long header"], [[1, 2], ["wide cell", 3]]).splitlines()
    assert len(out) == 4 and len({len(line) for line in out}) == 1
    assert out[1].startswith("|---")


def test_the_sample_is_the_test_split_in_file_order() -> None:
    rows = test_messages(512)
    assert len(rows) == 512 and rows[0]["id"].startswith("test-")
    assert test_messages(3) == rows[:3]
    assert test_messages(None)[:512] == rows


@pytest.mark.slow
def test_service_bench_runs_the_real_server(tiny_classifier_dir: Path, tmp_path: Path) -> None:
    from bench.service import run

    result = run(tiny_classifier_dir, requests=12, clients=[1, 4], endpoints=["classify",
                 "messages"], replies="rules", work_dir=tmp_path)
    assert [(c["endpoint"], c["clients"]) for c in result["cells"]] == [
        ("POST /v1/classify", 1), ("POST /v1/classify", 4),
        ("POST /v1/messages", 1), ("POST /v1/messages", 4)]
    for cell in result["cells"]:
        assert cell["requests"] == 12 and cell["errors"] == 0
        assert 0 < cell["p50_ms"] <= cell["p95_ms"] <= cell["p99_ms"]
    assert result["rss_peak_mb"] >= result["rss_idle_mb"] > 50


def _pred(text: str, spans: list[tuple[str, str]]) -> Prediction:
    found = [Span(label, text.index(part), text.index(part) + len(part), part, 0.9)
             for label, part in spans]
    return Prediction(text=text, labels=sorted({s.label for s in found}), scores={}, spans=found)


def test_span_bench_counts_overlap_and_greeting_hits() -> None:
    from bench.spans import compare, edge_lines

    text = "Hello team,\nyou are idiots and I will sue.\nI mean it.\nBest, Bob"
    [(a, b), (c, d)] = edge_lines(text)
    assert text[a:b] == "Hello team," and text[c:d] == "Best, Bob"
    assert edge_lines("One line only. You are idiots.") == []
    attr = _pred(text, [("aggression", "Hello team,"), ("threat", "I will sue")])
    search = _pred(text, [("aggression", "you are idiots"), ("threat", "I will sue.")])
    got = compare([attr], [search], [text])
    assert got["label_pairs"] == 2 and got["any_overlap"] == 0.5
    assert got["edge_line_messages_rate"] == {"attribution": 1.0, "search": 0.0}
    assert got["edge_line_spans_rate"] == {"attribution": 0.5, "search": 0.0}


def test_gemm_bench_times_fp32_and_int8_products() -> None:
    from bench.gemm import SHAPES, run

    result = run(m=16, threads=1, repeats=1)
    assert [r["shape"] for r in result["rows"]] == [f"16x{k} @ {k}x{n}" for k, n in SHAPES]
    for row in result["rows"]:
        assert row["fp32_gflops"] > 0 and row["int8_gops"] > 0 and row["int8_over_fp32"] > 0


def test_gemm_ceiling_scales_with_layers_and_rates() -> None:
    from bench.gemm import SHAPES, ceiling

    rows = [{"shape": f"1024x{k} @ {k}x{n}", "fp32_gflops": 50.0, "int8_gops": 100.0}
            for k, n in SHAPES]
    twelve, four, two = ceiling(rows, tokens=64)
    # 12 layers x 64 tokens x (2 * (1536 * 384 * 2 + 4 * 384 * 384) + 4 * 64 * 384) FLOP
    assert twelve["gflop_per_message"] == round(12 * 64 * 3637248 / 1e9, 2)
    # Products at the int8 rate (100 GOP/s), attention scores at the slowest (also 100 here).
    assert twelve["max_msg_per_s"] == round(100e9 / (12 * 64 * 3637248), 1)
    assert four["max_msg_per_s"] == pytest.approx(3 * twelve["max_msg_per_s"], rel=0.01)
    assert two["layers"] == 2


@pytest.mark.slow
def test_ceiling_length_is_the_cleaned_input_with_its_prefix() -> None:
    from bench.common import SHIPPED_MODEL, test_messages
    from bench.gemm import mean_input_tokens
    from classifier.config import ModelConfig
    from classifier.model import load_tokenizer, resolve_base_dir

    config = ModelConfig.load(SHIPPED_MODEL)
    tokenizer = load_tokenizer(resolve_base_dir(config, SHIPPED_MODEL))
    raw = [len(ids) for ids in tokenizer([r["text"] for r in test_messages(None)],
                                         truncation=True, max_length=config.max_length
                                         )["input_ids"]]
    prefix = len(tokenizer(config.model_input("", None))["input_ids"])
    mean = mean_input_tokens()
    assert prefix < mean <= config.max_length
    # Quoted chains, signatures and disclaimers go before the model sees a message.
    assert mean < sum(raw) / len(raw) + prefix - 2


def test_backfill_bench_input_mixes_corpus_and_real_texts_readably(tmp_path: Path) -> None:
    import json

    from bench.backfill import REAL, texts, write_input
    from bench.common import REPO_ROOT
    from service.backfill.readers import Unit, read_unit
    from service.backfill.rows import OK, Limits

    items = texts(40)
    assert len(items) == 40 and all(t.strip() for t in items)
    corpus = {json.loads(line)["text"] for split in ("train", "dev", "test") for line in
              (REPO_ROOT / "data" / "corpus" / f"{split}.jsonl").open(encoding="utf-8")}
    assert all(t in corpus for t in items[::2])
    if REAL.is_dir():  # real texts, read in place from ../shared when it is there
        assert not any(t in corpus for t in items[1::2])
    path = write_input(tmp_path / "h.jsonl", items)
    rows = list(read_unit(Unit("jsonl", path), Limits()))
    assert [r["status"] for r in rows] == [OK] * 40
    assert len({r["client_id"] for r in rows}) > 10
