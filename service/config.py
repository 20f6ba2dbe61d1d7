"""All service settings in one place, read from `TONEGUARD_*` environment variables.

One class so that the CLI, the app factory and the tests agree on defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# timezone None: read each message in its sender's own UTC offset (a 23:40 message is late
# wherever it came from); set a zone to judge every message by the office clock instead.
DEFAULT_BUSINESS_HOURS: dict[str, Any] = {
    "timezone": None,
    "weekly": {
        "mon": [["09:00", "18:00"]],
        "tue": [["09:00", "18:00"]],
        "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "18:00"]],
        "sat": [],
        "sun": [],
    },
    "holidays": [],
}


def _default_database_url() -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / 'toneguard.db'}"


def _default_model_dir() -> Path:
    return REPO_ROOT / "models" / "toneguard-e5-small"


class Settings(BaseSettings):
    """Service configuration; every field can be set as `TONEGUARD_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="TONEGUARD_", extra="ignore")

    # Storage: SQLite file by default; `postgresql+psycopg://user@host/db` for shared deployments.
    database_url: str = Field(default_factory=_default_database_url)
    # Separate PostgreSQL schema (tests and side-by-side installs); None = the default search_path.
    database_schema: str | None = None
    model_dir: Path = Field(default_factory=_default_model_dir)
    # "auto": the int8 ONNX graph when an up-to-date export exists, else torch fp32;
    # "torch-bf16" doubles throughput on CPUs with AMX (README, performance).
    backend: Literal["auto", "onnx", "torch", "torch-bf16"] = "auto"

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"

    # Input limits (413 beyond them; the body limit is checked before parsing).
    max_text_chars: int = 20_000
    max_body_bytes: int = 1_000_000
    max_batch: int = 64

    # Business hours for tenants that have not set their own.
    business_hours: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_BUSINESS_HOURS))

    # Risk: half-life of a flagged message's weight, in days. The stored accumulator scales
    # as 2^(days since 2024 / half-life), so short half-lives would overflow a double early.
    risk_half_life_days: float = Field(default=14.0, ge=7.0, le=365.0)

    # Reply suggestions: "semantic" (e5 similarity + rules), "rules" (no encoder) or "off".
    replies_mode: Literal["semantic", "rules", "off"] = "semantic"
    # Concurrent model calls; the cores are split between them (ONNX Runtime threads per
    # call = cores // this). One call on every core gave the best latency on two cores.
    inference_concurrency: int = Field(default=1, ge=1, le=64)

    # Create a `default` tenant (and log its key) when the database has no tenant yet.
    bootstrap_default_tenant: bool = True

    # Helpdesk webhooks (optional; a webhook without its secret configured is refused).
    chatwoot_webhook_secret: SecretStr | None = None
    zammad_webhook_secret: SecretStr | None = None
    # Per-tenant webhook secrets, JSON: {"acme": {"chatwoot": "...", "zammad": "..."}}; the two
    # single secrets above belong to the `default` tenant (service.integrations.signatures).
    webhook_secrets: dict[str, dict[str, SecretStr]] = Field(default_factory=dict)

    # How long a worker trusts an API key it has looked up (0: ask the database every time).
    # A key revoked or a tenant changed by another worker takes effect within this time.
    auth_cache_seconds: float = Field(default=5.0, ge=0.0, le=300.0)

    # Per-key rate limit; 0 disables it. Redis makes it shared between workers.
    rate_limit_per_minute: int = 0
    rate_limit_burst: int = 0
    redis_url: str | None = None

    @field_validator("log_level")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def model_dir_from_env() -> Path:
    """The model folder without building the full settings (used by CLI verbs)."""
    env = os.environ.get("TONEGUARD_MODEL_DIR")
    return Path(env) if env else _default_model_dir()
