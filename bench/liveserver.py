"""A real `toneguard serve` in a child process, on a throw-away database.

Shared by the reliability tests and the load scripts (bench.workers, bench.soak), so
both exercise exactly what an operator runs: uvicorn workers, migrations at start-up,
a real SQLite file or a private PostgreSQL schema.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TONEGUARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
READY_LINE = "toneguard ready"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_group(proc: subprocess.Popen[bytes], grace: float = 30.0) -> None:
    """SIGTERM the process group `proc` leads (started with `start_new_session=True`),
    SIGKILL it after `grace` seconds, and reap the leader."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass


@dataclass(frozen=True)
class DbSpec:
    """A database for one run: URL plus, on PostgreSQL, a private schema."""

    url: str
    schema: str | None = None

    @property
    def env(self) -> dict[str, str]:
        env = {"TONEGUARD_DATABASE_URL": self.url}
        if self.schema:
            env["TONEGUARD_DATABASE_SCHEMA"] = self.schema
        return env


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(sql.encode())


@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[DbSpec]:
    """A fresh SQLite file under `folder`, or a fresh PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"toneguard-{uuid.uuid4().hex[:8]}.db"
        try:
            yield DbSpec(f"sqlite:///{path}")
        finally:
            for suffix in ("", "-wal", "-shm", ".migrate.lock"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if kind != "postgres":
        raise ValueError(f"unknown database kind {kind!r} (sqlite or postgres)")
    schema = f"tg_rel_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield DbSpec(PG_URL, schema)
    finally:
        _pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def create_keys(db: DbSpec, *tenants: str) -> list[str]:
    """Migrate the database and create one API key per tenant name."""
    from service.db.migrate import upgrade
    from service.db.session import Database
    from service.tenants import create_key

    database = Database(db.url, db.schema)
    try:
        upgrade(database)
        with database.session() as s:
            return [create_key(s, t) for t in tenants]
    finally:
        database.dispose()


@dataclass
class LiveServer:
    """`toneguard serve --workers N` on a loopback port, in its own process group."""

    db: DbSpec
    model_dir: Path
    workers: int = 1
    log_path: Path = field(default_factory=lambda: Path(f"/tmp/toneguard-live-{os.getpid()}.log"))
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TONEGUARD_")}
        env.update(self.db.env)
        env.update({
            "TONEGUARD_MODEL_DIR": str(self.model_dir),
            "TONEGUARD_REPLIES_MODE": "rules",
            "TONEGUARD_BOOTSTRAP_DEFAULT_TENANT": "false",
            "TONEGUARD_LOG_LEVEL": "INFO",
            "OMP_NUM_THREADS": "1",
            "TOKENIZERS_PARALLELISM": "false",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 180.0) -> None:
        """Start and wait until every worker has logged that it is ready."""
        cmd = [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')",
               "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(self.workers)]
        start_at = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        env = self._env()
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=log,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self._ready_workers(start_at) >= self.workers and self._responds():
                return
            time.sleep(0.25)
        self.kill()
        raise TimeoutError(f"server not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def _ready_workers(self, offset: int) -> int:
        with self.log_path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace").count("Application startup complete")

    def _responds(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def pids(self) -> list[int]:
        """The server process and its workers (for memory sampling)."""
        import psutil

        if self.proc is None:
            return []
        try:
            parent = psutil.Process(self.proc.pid)
            return [parent.pid] + [c.pid for c in parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kill(self) -> None:
        """kill -9 the whole process group: no shutdown hooks, no flushing."""
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        stop_group(self.proc)
        self.proc = None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def default_model_dir() -> Path:
    """The shipped model when present; else a tiny random one built once under .cache/."""
    from classifier.paths import model_dir_from_env

    shipped = model_dir_from_env()
    if (shipped / "config.json").exists() or (shipped / "toneguard.json").exists():
        return shipped
    tiny = REPO_ROOT / ".cache" / "toneguard" / "tiny-classifier"
    if not tiny.exists():
        from tests.fixtures.model import build_tiny_classifier

        logger.warning("no shipped model at %s; using a tiny random one at %s", shipped, tiny)
        build_tiny_classifier(tiny)
    return tiny
