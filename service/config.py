"""All service settings in one place, read from `TONEGUARD_*` environment variables.

One class so that the CLI, the app factory and the tests agree on defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from classifier.hours import DEFAULT_HOURS
from classifier.paths import REPLIES_DIR, SHIPPED_MODEL_DIR, VAR_DIR
from classifier.paths import model_dir_from_env as model_dir_from_env  # re-exported


def _default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'toneguard.db'}"


def _default_model_dir() -> Path:
    return SHIPPED_MODEL_DIR


class HelpdeskApi(BaseModel):
    """Where and as whom write-back calls a tenant's helpdesk (service.writeback)."""

    url: str = Field(pattern=r"^https?://", description="Base URL, e.g. https://chat.example.com")
    token: SecretStr  # Chatwoot: an agent's access token; Zammad: an agent's API token


class AlertTarget(BaseModel):
    """Where a tenant's risk alerts go (service.alerts); empty fields fall back to the global."""

    webhook_url: SecretStr | None = None  # Slack-compatible incoming webhook
    email_to: list[str] = Field(default_factory=list)


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

    # Business hours for tenants that have not set their own. The default (classifier.hours)
    # has timezone None: each message is read in its sender's own UTC offset (a 23:40 message
    # is late wherever it came from); set a zone to judge every message by the office clock.
    business_hours: dict[str, Any] = Field(default_factory=DEFAULT_HOURS.to_dict)

    # Risk: half-life of a flagged message's weight, in days. The stored accumulator scales
    # as 2^(days since 2024 / half-life), so short half-lives would overflow a double early.
    risk_half_life_days: float = Field(default=14.0, ge=7.0, le=365.0)

    # Reply suggestions: "semantic" (e5 similarity + rules), "rules" (no encoder) or "off".
    replies_mode: Literal["semantic", "rules", "off"] = "semantic"
    # Concurrent model calls; the cores are split between them (ONNX Runtime threads per
    # call = cores // this). One call on every core gave the best latency on two cores.
    inference_concurrency: int = Field(default=1, ge=1, le=64)

    # Create a `default` tenant when the database has no tenant yet; its key goes to a 0600
    # file under `data_dir` (the log names the file, never the key).
    bootstrap_default_tenant: bool = True
    data_dir: Path = VAR_DIR
    # The reply playbook (<lang>.json templates, see data/replies/README.md).
    replies_dir: Path = REPLIES_DIR

    # The language of a message too short to detect (a greeting): classifier.lang.
    default_language: str = Field(default="en", pattern=r"^[a-z]{2}$")

    # Helpdesk webhooks (optional; a webhook without a secret or token configured is refused).
    chatwoot_webhook_secret: SecretStr | None = None
    zammad_webhook_secret: SecretStr | None = None
    # Per-tenant webhook signing secrets, JSON: {"acme": {"chatwoot": ["account-wh", "inbox-wh"],
    # "zammad": "..."}}: one string or a list (Chatwoot keeps one secret per webhook); the two
    # single secrets above belong to the `default` tenant (service.integrations.signatures).
    webhook_secrets: dict[str, dict[str, SecretStr | list[SecretStr]]] = Field(
        default_factory=dict)
    # Per-tenant URL tokens (`?token=...`), same JSON shape: for senders that cannot sign
    # (Chatwoot before 4.11.2). Compared in constant time, redacted from access logs.
    webhook_tokens: dict[str, dict[str, SecretStr | list[SecretStr]]] = Field(
        default_factory=dict)
    # Webhooks carry whole e-mail threads (Chatwoot repeats the mail in content_attributes),
    # so their body limit is larger than max_body_bytes; text past the storage cap is stored
    # trimmed with a note, and only the client's own text (max_text_chars) is classified.
    webhook_max_body_bytes: int = Field(default=4_000_000, ge=1_000)
    webhook_max_stored_chars: int = Field(default=200_000, ge=1_000)

    # How long a worker trusts an API key it has looked up (0: ask the database every time).
    # A key revoked or a tenant changed by another worker takes effect within this time.
    auth_cache_seconds: float = Field(default=5.0, ge=0.0, le=300.0)

    # Per-key rate limit; 0 disables it. Redis makes it shared between workers.
    rate_limit_per_minute: int = 0
    rate_limit_burst: int = 0
    redis_url: str | None = None

    # Review queue: a label whose calibrated score is within this distance of its
    # threshold waits for an agent's confirmation (0 turns the queue off).
    review_band: float = Field(default=0.1, ge=0.0, le=0.5)

    # Background jobs (service.jobs): worker threads inside each service process (0: none, run
    # `toneguard jobs work` instead), how often an idle worker looks for work, how long a
    # claimed job stays leased before another worker may take it over, retries and backoff.
    jobs_workers: int = Field(default=1, ge=0, le=16)
    jobs_poll_seconds: float = Field(default=1.0, gt=0.0, le=60.0)
    # While webhook deliveries keep arriving, the service's job threads wait before claiming
    # the next job: until deliveries pause for `jobs_yield_quiet_seconds` (0: never wait),
    # at most `jobs_yield_max_seconds` (service.jobs.foreground).
    jobs_yield_quiet_seconds: float = Field(default=0.1, ge=0.0, le=10.0)
    jobs_yield_max_seconds: float = Field(default=2.0, ge=0.0, le=60.0)
    jobs_lease_seconds: float = Field(default=120.0, gt=0.0, le=3600.0)
    jobs_max_attempts: int = Field(default=8, ge=1, le=100)
    jobs_backoff_seconds: float = Field(default=10.0, gt=0.0, le=3600.0)
    jobs_backoff_max_seconds: float = Field(default=3600.0, gt=0.0, le=86_400.0)

    # Write-back to helpdesks, JSON per tenant: {"acme": {"chatwoot": {"url": "...", "token":
    # "..."}, "zammad": {...}}}; a tenant/helpdesk without an entry gets no write-back.
    writeback: dict[str, dict[str, HelpdeskApi]] = Field(default_factory=dict)
    writeback_timeout_seconds: float = Field(default=10.0, gt=0.0, le=120.0)

    # Risk alerts: a client rising to `alert_min_level` or above. Global targets, overridden
    # per tenant by `alert_targets` ({"acme": {"webhook_url": "...", "email_to": ["..."]}}).
    alert_min_level: Literal["watch", "difficult", "consider_parting"] = "watch"
    alert_webhook_url: SecretStr | None = None
    alert_email_to: list[str] = Field(default_factory=list)
    alert_targets: dict[str, AlertTarget] = Field(default_factory=dict)
    console_url: str = "http://127.0.0.1:8000"  # links in alerts point into this console
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "toneguard@localhost"

    @field_validator("log_level")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_is_default(self) -> bool:
        """The embedded SQLite file under ./var: created on first use (an explicitly
        configured URL must already hold a toneguard database, see `toneguard db init`)."""
        return self.database_url == _default_database_url() and not self.database_schema
