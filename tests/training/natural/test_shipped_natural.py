"""The shipped natural data set: its size, mix, licences and split hygiene."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from training.corpus.similarity import max_similarity
from training.natural.agreement import kappas, read
from training.natural.loader import DEFAULT_NATURAL_DIR, DEFAULT_REAL_DIR, Loaded, load_natural

MULTI = ("de", "es", "fr", "uk", "pl", "it", "pt", "tr")


@pytest.fixture(scope="module")
def natural() -> dict[str, Loaded]:
    return load_natural()


def rows(natural: dict[str, Loaded], source: str | None = None) -> list[dict[str, Any]]:
    return [r for part in natural.values() for r in part.rows
            if source is None or r["source"] == source]


def test_written_messages_meet_the_mix(natural: dict[str, Loaded]) -> None:
    written = rows(natural, "written")
    assert len(written) >= 3000
    langs = Counter(r["lang"] for r in written)
    assert langs["ru"] >= 0.35 * len(written) and langs["en"] >= 0.35 * len(written)
    assert all(langs[lang] >= 100 for lang in MULTI)
    hard = [r for r in written if r["hard_negative"]]
    assert len(hard) >= 0.4 * len(written)
    assert {"reported_speech", "apology_or_withdrawal", "polite_urgency"} <= {
        r["hard_negative"] for r in hard}
    labelled = [r for r in written if r["labels"]]
    assert sum(r["subtle"] for r in labelled) >= 0.25 * len(labelled)


@pytest.mark.skipif(not DEFAULT_REAL_DIR.is_dir(), reason="../shared/datasets/real is absent")
def test_real_rows_join_and_respect_their_licences(natural: dict[str, Loaded]) -> None:
    assert sum(part.missing for part in natural.values()) == 0
    real = rows(natural, "real")
    assert len(real) >= 2000
    assert {"en", "ru", "de", "pt", "tr"} <= {r["lang"] for r in real}
    assert not any(r.get("eval_only") for r in natural["train"].rows)
    for r in real:
        for span in r["spans"]:
            assert span["end"] <= len(r["text"])


def test_test_split_is_large_real_and_apart_from_training(natural: dict[str, Loaded]) -> None:
    # sizes from the file itself: real rows count whether or not ../shared is beside the repo
    stored = read(DEFAULT_NATURAL_DIR / "test.jsonl")
    assert len(stored) >= 1000
    assert sum(r["source"] == "real" for r in stored) >= len(stored) / 3
    test = natural["test"].rows
    others = [r["text"] for s in ("train", "dev") for r in natural[s].rows]
    assert max(max_similarity([r["text"] for r in test], others)) <= 0.7


def test_no_real_text_is_stored_in_the_repo() -> None:
    for split in ("train", "dev", "test"):
        for line in (DEFAULT_NATURAL_DIR / f"{split}.jsonl").read_text().splitlines():
            if '"source": "real"' in line:
                assert '"text"' not in line


def test_the_agreement_sample_is_large_and_consistent() -> None:
    pairs = read(DEFAULT_NATURAL_DIR / "agreement.jsonl")
    assert len(pairs) >= 400 and {p["source"] for p in pairs} == {"real", "written"}
    table = kappas(pairs)
    assert all(table[lab]["kappa"] >= 0.8 for lab in ("aggression", "threat", "any label"))
    test_ids = {line.split('"')[3] for line in
                (DEFAULT_NATURAL_DIR / "test.jsonl").read_text().splitlines()}
    assert {p["id"] for p in pairs} <= test_ids


@pytest.mark.parametrize(("sample", "size"), [("agreement-batch2.jsonl", 150),
                                              ("agreement-batch3.jsonl", 150),
                                              ("agreement-batch4.jsonl", 100)])
def test_the_later_written_batches_were_labelled_twice(sample: str, size: int) -> None:
    pairs = read(DEFAULT_NATURAL_DIR / sample)
    assert len(pairs) >= size
    table = kappas(pairs)
    assert all(table[lab]["kappa"] >= 0.8 for lab in ("aggression", "threat", "any label"))
    stored = {r["id"]: r for s in ("train", "dev")
              for r in read(DEFAULT_NATURAL_DIR / f"{s}.jsonl")}
    for pair in pairs:
        assert sorted(stored[pair["id"]]["labels"]) == sorted(pair["resolved"])


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT_REAL_DIR.is_dir(), reason="../shared/datasets/real is absent")
def test_shipped_model_meets_the_precision_floors_on_natural_test() -> None:
    """`toneguard evaluate --data data/natural/test.jsonl --json`: calm clients stay calm."""
    import json

    from typer.testing import CliRunner

    from service.cli import app

    result = CliRunner().invoke(app, ["evaluate", "--data",
                                      str(DEFAULT_NATURAL_DIR / "test.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    res = json.loads(result.stdout)
    assert res["n"] >= 2000
    assert res["clean_flagged_rate"] <= 0.06
    assert all(m["flagged_rate"] <= 0.10 for m in res["hard_negative_kinds"].values())
    assert res["by_kind"]["real complaint"]["clean_flagged_rate"] <= 0.05
    assert all(v <= 0.05 for v in res["ece_per_label"].values()), res["ece_per_label"]
    assert all(m["precision"] >= 0.75 for m in res["per_label"].values()), res["per_label"]
