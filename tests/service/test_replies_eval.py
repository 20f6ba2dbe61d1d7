"""The labelled reply set (data/replies/eval.jsonl) and `toneguard replies evaluate`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.replies import load_playbook
from service.replies.evaluate import DEFAULT_EVAL, EvalDataError, load_cases


@pytest.fixture(scope="module")
def cases():
    return load_cases(DEFAULT_EVAL, load_playbook())


def test_every_row_resolves_and_names_real_templates(cases):
    """load_cases fails on an unknown id, a missing source row or an unknown template."""
    assert len(cases) >= 300
    assert len({c.id for c in cases}) == len(cases)
    book = {t.id: t for t in load_playbook().templates}
    for c in cases:
        assert c.text.strip()
        for tid in (*c.acceptable, *c.harmful):
            assert book[tid].lang == c.lang, (c.id, tid)
        assert not set(c.acceptable) & set(c.harmful), c.id


def test_the_set_is_balanced(cases):
    langs = Counter(c.lang for c in cases)
    assert set(langs) == {"en", "ru"} and abs(langs["en"] - langs["ru"]) <= 0.1 * len(cases)
    clean = sum(not c.labels for c in cases)
    assert 0.4 <= clean / len(cases) <= 0.6
    labels = Counter(label for c in cases for label in c.labels)
    assert all(labels[x] >= 30 for x in
               ("aggression", "threat", "unreasonable_demand", "off_hours_pressure"))
    assert any(c.risk_level == "consider_parting" for c in cases)


def test_text_is_referenced_not_copied():
    for line in DEFAULT_EVAL.read_text(encoding="utf-8").splitlines():
        assert "text" not in json.loads(line)


def test_a_broken_row_is_named(tmp_path: Path):
    row = json.loads(DEFAULT_EVAL.read_text(encoding="utf-8").splitlines()[0])
    bad = tmp_path / "eval.jsonl"
    bad.write_text(json.dumps(row | {"id": "nat-test-written-en-99999"}) + "\n")
    with pytest.raises(EvalDataError, match=r"eval.jsonl:1: no written row"):
        load_cases(bad, load_playbook())
    bad.write_text(json.dumps(row | {"acceptable": ["en-nope-1"]}) + "\n")
    with pytest.raises(EvalDataError, match="unknown template"):
        load_cases(bad, load_playbook())


def test_evaluate_command_prints_the_figures():
    runner = CliRunner()
    out = runner.invoke(app, ["replies", "evaluate", "--mode", "rules"])
    assert out.exit_code == 0, out.output
    assert "top-1 acceptable" in out.output and "harmful" in out.output
    for group in ("all", "lang=en", "lang=ru", "clean", "flagged"):
        assert any(line.startswith(group) for line in out.output.splitlines()), group
    as_json = runner.invoke(app, ["replies", "evaluate", "--mode", "rules", "--json"])
    report = json.loads(as_json.output)
    assert report["mode"] == "rules" and report["labels"] == "gold"
    overall = report["groups"]["all"]
    assert overall["n"] >= 300
    # The policy's floors on gold labels (README, "Reply playbook").
    assert overall["top1_acceptable"] >= 0.9
    assert overall["harmful"] <= 0.02
    assert report["groups"]["clean"]["harmful"] == 0.0


def test_evaluate_command_names_a_bad_file(tmp_path: Path):
    missing = tmp_path / "none.jsonl"
    out = CliRunner().invoke(app, ["replies", "evaluate", "--data", str(missing)])
    assert out.exit_code == 2 and "error" in out.output
