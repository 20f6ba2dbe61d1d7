"""The shipped corpus, its schema checks, its floors and the label-derivation rules."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from classifier.types import LABELS
from service.cli import app
from training.corpus.build import (
    DEFAULT_OUT,
    DEFAULT_PACKS_DIR,
    Composer,
    build,
    derive_labels,
    load_packs,
    main,
)
from training.corpus.floors import check_floors
from training.corpus.holidays import is_business_time
from training.corpus.loader import CorpusError, load_corpus, read_corpus, validate_record
from training.corpus.packs import PACK_LANGS
from training.corpus.packs.base import LanguagePack, PackFormatError, Pools


@pytest.fixture(scope="module")
def shipped() -> dict[str, list[dict[str, Any]]]:
    return read_corpus()


def _record(**over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "t-1", "text": "Where is my parcel?", "labels": [], "lang": "en",
        "channel": "chat", "sent_at": "2024-03-05T14:00:00+01:00",
        "hard_negative": None, "domain": None,
    }
    record.update(over)
    return record


def _write(root: Path, splits: dict[str, list[dict[str, Any]]]) -> Path:
    for name in ("train", "dev", "test"):
        lines = [json.dumps(r, ensure_ascii=False) for r in splits.get(name, [])]
        (root / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


# ----------------------------------------------------------------- shipped files


def test_shipped_corpus_validates_and_loads(shipped: dict[str, list[dict[str, Any]]]) -> None:
    dd = load_corpus()
    assert set(dd) == {"train", "dev", "test"}
    for name, records in shipped.items():
        assert dd[name].num_rows == len(records) > 0
    assert set(dd["train"].column_names) >= {"id", "text", "labels", "lang", "channel",
                                             "sent_at", "hard_negative", "domain"}


def test_shipped_corpus_meets_the_floors(shipped: dict[str, list[dict[str, Any]]]) -> None:
    assert check_floors(shipped) == []


def test_shipped_labels_follow_the_off_hours_rule(
        shipped: dict[str, list[dict[str, Any]]]) -> None:
    """Hard negatives named for time really sit on the right side of business hours."""
    for records in shipped.values():
        for r in records:
            sent = datetime.fromisoformat(r["sent_at"])
            if r["hard_negative"] == "business_hours_urgency":
                assert is_business_time(sent, r["lang"]), r["id"]
            if r["hard_negative"] == "calm_night":
                assert not is_business_time(sent, r["lang"]), r["id"]


# ----------------------------------------------------------------- schema breaks


@pytest.mark.parametrize("broken, message", [
    (_record(labels=["rudeness"]), "unknown label"),
    (_record(sent_at="yesterday at noon"), "bad sent_at"),
    (_record(sent_at="2024-03-05T14:00:00"), "offset"),
    (_record(sent_at="2024-13-40T25:00:00+01:00"), "bad sent_at"),
    ({k: v for k, v in _record().items() if k != "channel"}, "missing field"),
    ({k: v for k, v in _record().items() if k != "text"}, "missing field"),
    (_record(channel="fax"), "channel"),
    (_record(lang="xx"), "lang"),
    (_record(labels="threat"), "labels must be a list"),
    (_record(labels=["threat"], hard_negative="idiom"), "hard negative cannot carry labels"),
    (_record(hard_negative="sarcasm"), "hard_negative category"),
])
def test_validate_record_rejects(broken: dict[str, Any], message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        validate_record(broken)


def test_loading_fails_on_a_broken_file(tmp_path: Path) -> None:
    _write(tmp_path, {"train": [_record()], "dev": [_record(id="t-2", labels=["bogus"])],
                      "test": [_record(id="t-3")]})
    with pytest.raises(CorpusError, match=r"dev.jsonl:1: .*unknown label"):
        load_corpus(tmp_path)


def test_loading_fails_on_duplicate_ids(tmp_path: Path) -> None:
    _write(tmp_path, {"train": [_record(id="same")], "dev": [_record(id="x")],
                      "test": [_record(id="same", text="Another text")]})
    with pytest.raises(CorpusError, match="duplicate id 'same'"):
        read_corpus(tmp_path)


def test_loading_fails_on_a_missing_split(tmp_path: Path) -> None:
    _write(tmp_path, {"train": [_record()], "dev": [_record(id="t-2")]})
    (tmp_path / "test.jsonl").unlink()
    with pytest.raises(CorpusError, match="missing corpus file"):
        load_corpus(tmp_path)


def test_loading_fails_on_invalid_json(tmp_path: Path) -> None:
    _write(tmp_path, {"train": [_record()], "dev": [], "test": []})
    (tmp_path / "dev.jsonl").write_text('{"id": "x", \n', encoding="utf-8")
    with pytest.raises(CorpusError, match="not JSON"):
        read_corpus(tmp_path)


def test_floors_catch_a_too_small_corpus() -> None:
    problems = check_floors({"train": [_record()], "dev": [], "test": []})
    assert any("< 5000" in p for p in problems)
    assert any(p.startswith("threat:") for p in problems)


# ----------------------------------------------------------------- stats CLI


def test_data_stats_cli(tmp_path: Path) -> None:
    _write(tmp_path, {
        "train": [_record(labels=["aggression", "threat"]), _record(id="t-2", text="Thanks!")],
        "dev": [_record(id="t-3", text="Cancel my plan please", hard_negative="cancellation")],
        "test": [_record(id="t-4", text="Where is my parcel??", lang="de")],
    })
    result = CliRunner().invoke(app, ["data", "stats", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "messages: 4  train=2  dev=1  test=1" in result.output
    assert "aggression+threat 1" in result.output
    assert "without label: 75.0%" in result.output
    assert "test vs train/dev: max Jaccard 1.000, items > 0.7: 1" in result.output


def test_data_stats_cli_reports_schema_errors(tmp_path: Path) -> None:
    _write(tmp_path, {"train": [_record(sent_at="2024-03-05 14:00")], "dev": [], "test": []})
    result = CliRunner().invoke(app, ["data", "stats", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "offset" in result.output


# ----------------------------------------------------------------- label derivation


def test_business_hours_rule() -> None:
    assert is_business_time(datetime.fromisoformat("2024-03-05T14:00:00+03:00"))  # Tuesday
    assert not is_business_time(datetime.fromisoformat("2024-03-09T23:40:00+03:00"))  # Sat
    assert not is_business_time(datetime.fromisoformat("2024-03-06T18:00:00-05:00"))
    assert is_business_time(datetime.fromisoformat("2024-03-06T09:00:00-05:00"))
    assert not is_business_time(datetime.fromisoformat("2024-12-25T11:00:00+01:00"), "de")


def _marker_pack() -> LanguagePack:
    """A pack whose every pool holds one unmistakable marker token, to trace derivation."""
    pools = Pools(**{f: [f"mk{i}x {f}."] for i, f in enumerate(Pools.__dataclass_fields__)})
    return LanguagePack(
        lang="en", slots={"name": ["Ann", "Bob"]}, greetings_email=["Hi,"], greetings_chat=[""],
        closings_email=["Bye,"], signatures=["{name}"], disclaimers=["Confidential."],
        quote_headers=["On {date}, {name} wrote:"], contexts={"shop": ["ctx9x order."]},
        subjects=[], train=pools, test=pools)


def _new_text(text: str) -> str:
    """The sender's own text: everything above the quote header."""
    return re.split(r"On [^\n]*wrote:", text)[0]


def test_labels_are_derived_from_pools_and_time() -> None:
    composer = Composer(_marker_pack(), "train", seed=3)
    fields = list(Pools.__dataclass_fields__)
    marker = {f: f"mk{i}x" for i, f in enumerate(fields)}
    seen_on, seen_off = 0, 0
    for _ in range(1500):
        r = composer.make()
        own = _new_text(r["text"]).lower()
        has = {f: marker[f] in own for f in fields}
        assert ("aggression" in r["labels"]) == has["aggression"]
        assert ("threat" in r["labels"]) == has["threat"]
        assert ("unreasonable_demand" in r["labels"]) == has["unreasonable_demand"]
        business = is_business_time(datetime.fromisoformat(r["sent_at"]), "en")
        expected_oh = has["night_complaint"] or (has["pressure"] and not business)
        assert ("off_hours_pressure" in r["labels"]) == expected_oh, r
        if has["pressure"] and not has["night_complaint"]:
            seen_on += business
            seen_off += not business
        if r["hard_negative"] == "quoted_aggression":
            assert not r["labels"] and r["channel"] == "email"
            quoted = r["text"].lower()[len(own):]
            assert any(marker[p] in quoted for p in ("aggression", "threat",
                                                    "unreasonable_demand"))
        assert set(r["labels"]) <= set(LABELS)
    assert seen_on > 20 and seen_off > 20  # both sides of the rule were exercised


def test_build_is_deterministic_and_keeps_test_apart() -> None:
    packs = load_packs(("de",))
    first, second = build(packs, seed=5), build(packs, seed=5)
    assert first == second
    assert build(packs, seed=6) != first
    train_texts = {r["text"] for r in first["train"] + first["dev"]}
    assert not train_texts & {r["text"] for r in first["test"]}


def test_all_packs_are_present_and_complete() -> None:
    packs = load_packs()
    assert set(packs) == set(PACK_LANGS)
    for lang, pack in packs.items():
        big = lang in ("en", "ru")
        for family, floor_label, floor_other in (("train", 60 if big else 18, 40 if big else 18),
                                                 ("test", 25 if big else 8, 25 if big else 8)):
            pools = getattr(pack, family)
            for name in Pools.__dataclass_fields__:
                floor = floor_label if name in ("aggression", "threat", "unreasonable_demand",
                                                "pressure", "night_complaint") else floor_other
                assert len(getattr(pools, name)) >= floor, (lang, family, name)
        overlap = {s for f in Pools.__dataclass_fields__ for s in getattr(pack.train, f)} & {
            s for f in Pools.__dataclass_fields__ for s in getattr(pack.test, f)}
        assert not overlap, (lang, sorted(overlap)[:3])


def test_build_reproduces_the_shipped_corpus_byte_for_byte(tmp_path: Path) -> None:
    """The pack files plus the shipped seed (13) rebuild data/corpus exactly."""
    assert main(["--seed", "13", "--out", str(tmp_path)]) == 0
    for name in ("train", "dev", "test"):
        built = (tmp_path / f"{name}.jsonl").read_bytes()
        assert built == (DEFAULT_OUT / f"{name}.jsonl").read_bytes(), name


def test_pack_files_keep_their_canonical_layout() -> None:
    """Each pack file is exactly json.dumps(indent=1, ensure_ascii=False) + newline."""
    for lang in PACK_LANGS:
        text = (DEFAULT_PACKS_DIR / f"{lang}.json").read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n", lang


def _broken_pack(tmp_path: Path, edit: Any) -> Path:
    data = json.loads((DEFAULT_PACKS_DIR / "de.json").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "de.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, field, problem", [
    (lambda d: d["train"].pop("threat"), "train.threat", "missing"),
    (lambda d: d["test"].pop("idiom"), "test.idiom", "missing"),
    (lambda d: d.pop("quote_headers"), "quote_headers", "missing"),
    (lambda d: d["slots"]["name"].__setitem__(1, 7), "slots.name[1]", "expected a string"),
    (lambda d: d.__setitem__("closings_email", "Tschüss,"), "closings_email", "expected a list"),
    (lambda d: d.__setitem__("greeting", []), "greeting", "unknown field"),
    (lambda d: d.__setitem__("lang", "fr"), "lang", "does not match"),
])
def test_a_broken_pack_file_names_the_file_and_field(tmp_path: Path, edit: Any, field: str,
                                                     problem: str) -> None:
    path = _broken_pack(tmp_path, edit)
    with pytest.raises(PackFormatError) as info:
        load_packs(("de",), folder=tmp_path)
    message = str(info.value)
    assert str(path) in message and f"field {field!r}" in message and problem in message


def test_a_pack_file_that_is_not_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "de.json").write_text('{"lang": "de",', encoding="utf-8")
    with pytest.raises(PackFormatError, match=r"de\.json: not valid UTF-8 JSON"):
        load_packs(("de",), folder=tmp_path)


def test_a_missing_pack_file_is_skipped(tmp_path: Path) -> None:
    assert load_packs(("de",), folder=tmp_path) == {}


def test_random_pick_is_seeded() -> None:
    assert random.Random("13-en-train").random() == random.Random("13-en-train").random()


@pytest.mark.parametrize("pools, sent_at, expected", [
    (["pressure"], "2024-03-05T14:00:00+03:00", []),  # Tuesday 14:00: business hours
    (["pressure"], "2024-03-09T23:40:00+03:00", ["off_hours_pressure"]),  # Saturday night
    (["pressure", "neutral"], "2024-03-05T02:10:00-05:00", ["off_hours_pressure"]),
    (["night_complaint"], "2024-03-05T14:00:00+03:00", ["off_hours_pressure"]),
    (["neutral"], "2024-03-09T03:00:00+01:00", []),  # calm message at night
    (["threat", "aggression", "civil_complaint"], "2024-03-05T10:00:00+00:00",
     ["aggression", "threat"]),
    (["idiom", "legal_question", "security_report", "cancellation", "reasonable_request"],
     "2024-03-09T23:00:00+00:00", []),
])
def test_derive_labels(pools: list[str], sent_at: str, expected: list[str]) -> None:
    assert derive_labels(pools, datetime.fromisoformat(sent_at), "en") == expected
