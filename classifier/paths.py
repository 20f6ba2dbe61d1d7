"""Where the project's files live when nothing else is configured: one definition for all.

`PROJECT_ROOT` is the source checkout the packages were installed from (`pip install -e .`,
what `make setup` does): its `data/`, `models/`, `var/` and `.cache/` hold the shipped reply
playbook, the shipped model, the database and the converted base model. Every default path in
the project is built from it here or in the settings, never from a module's own location, and
each can be moved with a setting: `TONEGUARD_MODEL_DIR`, `TONEGUARD_REPLIES_DIR`,
`TONEGUARD_DATA_DIR`, `TONEGUARD_DATABASE_URL` (service.config.Settings) and
`TONEGUARD_CACHE_DIR` and, outside the service, `TONEGUARD_MODEL_DIR` (read below: the
classifier and training cannot depend on the service's settings class).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_ROOT = PROJECT_ROOT / "data"  # corpus, sentence packs, natural rows, reply playbook
SHIPPED_MODEL_DIR = PROJECT_ROOT / "models" / "toneguard-e5-small"
REPLIES_DIR = DATA_ROOT / "replies"
VAR_DIR = PROJECT_ROOT / "var"  # database, first API key, trained models
CACHE_ENV = "TONEGUARD_CACHE_DIR"
MODEL_ENV = "TONEGUARD_MODEL_DIR"


def default_cache_dir() -> Path:
    """The cache folder (converted base model, ONNX reply encoder, distillation targets):
    `TONEGUARD_CACHE_DIR` when set, else `.cache/toneguard` in the project. The only reader
    of that variable."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else PROJECT_ROOT / ".cache" / "toneguard"


def project_relative(path: Path) -> Path:
    """`path` relative to the checkout when it lies inside it, so that a model card or config
    written on one machine names its data as `data/natural/dev.jsonl`, not this disk's path."""
    resolved = path.resolve()
    return resolved.relative_to(PROJECT_ROOT) if resolved.is_relative_to(PROJECT_ROOT) else path


def model_dir_from_env() -> Path:
    """The model folder for verbs that do not build the service's settings (training,
    evaluation, the CLI): `TONEGUARD_MODEL_DIR` when set, else the shipped model; the same
    rule as `Settings.model_dir`."""
    env = os.environ.get(MODEL_ENV)
    return Path(env) if env else SHIPPED_MODEL_DIR
