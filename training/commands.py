"""The training verbs of the `toneguard` console script, in one place.

service.cli reaches training only through this module, so the service side depends on
five names rather than on training's layout. Each verb imports torch and the data
libraries lazily, when it runs.
"""

from __future__ import annotations

from training.cli import calibrate, evaluate, train
from training.corpus.stats import data_app
from training.export import export

__all__ = ["calibrate", "data_app", "evaluate", "export", "train"]
