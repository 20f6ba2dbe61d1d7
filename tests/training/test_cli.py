"""`toneguard train` and `toneguard evaluate` as a user runs them: where a model is saved
by default, no silent overwrite of a model, a progress bar that keeps stdout clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import training.args
from classifier.paths import SHIPPED_MODEL_DIR as SHIPPED_MODEL
from service.cli import app
from tests.training.test_train_smoke import ROWS, write_corpus

runner = CliRunner()


def _tiny_train(data: Path, base: Path, *extra: str) -> list[str]:
    return ["train", "--data", str(data), "--base-model", str(base), "--epochs", "1",
            "--batch-size", "4", "--max-steps", "1", "--max-length", "64", "--name", "tiny",
            *extra]


def test_train_refuses_to_overwrite_the_shipped_model() -> None:
    before = (SHIPPED_MODEL / "config.json").stat().st_mtime_ns
    result = runner.invoke(app, ["train", "-o", str(SHIPPED_MODEL), "--max-steps", "1"])
    assert result.exit_code == 2
    assert "already holds the shipped model" in result.stderr and "--overwrite" in result.stderr
    assert (SHIPPED_MODEL / "config.json").stat().st_mtime_ns == before


def test_train_saves_to_a_new_folder_by_default_and_overwrites_only_when_told(
        tiny_base_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training.args, "MODELS_DIR", tmp_path / "models")
    data = write_corpus(tmp_path / "data")
    first = runner.invoke(app, _tiny_train(data, tiny_base_dir))
    assert first.exit_code == 0, first.output
    saved = Path(first.stdout.strip().splitlines()[-1].removeprefix("saved "))
    assert saved.parent == tmp_path / "models" and saved.name.startswith("tiny-")
    assert (saved / "config.json").is_file()

    again = runner.invoke(app, _tiny_train(data, tiny_base_dir, "-o", str(saved)))
    assert again.exit_code == 2 and "already holds a model" in again.stderr
    forced = runner.invoke(app, _tiny_train(data, tiny_base_dir, "-o", str(saved),
                                            "--overwrite"))
    assert forced.exit_code == 0, forced.output


def test_evaluate_shows_progress_on_stderr_and_keeps_json_clean(
        tiny_classifier_dir: Path, tmp_path: Path) -> None:
    data = write_corpus(tmp_path / "data") / "test.jsonl"
    args = ["evaluate", "--model", str(tiny_classifier_dir), "--data", str(data), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n"] == len(ROWS)
    assert f"{len(ROWS)}/{len(ROWS)}" in result.stderr and "scoring" in result.stderr
    quiet = runner.invoke(app, [*args, "--no-progress"])
    assert quiet.exit_code == 0 and "scoring" not in quiet.stderr
    assert json.loads(quiet.stdout)["macro_f1"] == json.loads(result.stdout)["macro_f1"]
