"""Paths written into model cards name the project's files, not one machine's disk."""

from __future__ import annotations

from pathlib import Path

from classifier.paths import DATA_ROOT, PROJECT_ROOT, project_relative


def test_paths_inside_the_checkout_become_relative(tmp_path: Path) -> None:
    assert project_relative(DATA_ROOT / "natural") == Path("data/natural")
    assert project_relative(PROJECT_ROOT / "var" / ".." / "models") == Path("models")
    assert project_relative(tmp_path / "natural") == tmp_path / "natural"
