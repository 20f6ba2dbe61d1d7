"""Backfill throughput and memory: `toneguard backfill` on N messages vs the batched model.

    python -m bench.backfill [--n 2000,20000] [--model DIR] [--threads 1] [--db sqlite|postgres]

The messages mix the composed corpus (`data/corpus/*.jsonl`, built by
`python -m training.corpus.build`) with real helpdesk and complaint texts read in place
from `../shared/datasets/real/` (written to a temp folder outside the repo, never into
it), spread over two years and 500 clients. For each N the bench runs `toneguard
backfill` as a user would (a subprocess, embedded Ray, a fresh database) and samples the
RSS of it and every process under it (Ray and its actors) twice a second.

The reference is what `bench.throughput` measures for the same backend: batched
`predict_proba` (length-sorted batches of 32, all cores, one process) on a sample of the
same messages, timed before and after the backfills (the faster counts). Floors: backfill
msg/s of the largest N (start-up included) >= 0.70 x batched msg/s, and the peak memory of
the largest N no more than 15% above the smallest's (streaming: it does not grow with the
input). Writes bench/results/backfill.json; exit 1 when a floor fails.
"""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import psutil
import typer

from bench.common import REPO_ROOT, SHIPPED_MODEL, machine, table, write_result
from classifier.scripts import comma_list, run_command

CORPUS = REPO_ROOT / "data" / "corpus"
REAL = REPO_ROOT.parent / "shared" / "datasets" / "real"
RATIO_FLOOR = 0.70
MEMORY_GROWTH = 0.15
SAMPLE = 1024  # messages for the batched reference
MAX_CHARS = 4000  # long complaint narratives are cut here, as a helpdesk export might be
CLI = [sys.executable, "-c", "from service.cli import app; app(prog_name='toneguard')"]


def texts(n: int, seed: int = 7) -> list[str]:
    """`n` texts: corpus messages and real ones in turn, each pool cycled when it runs out."""
    corpus = [json.loads(line)["text"] for split in ("train", "dev", "test")
              for line in (CORPUS / f"{split}.jsonl").open(encoding="utf-8") if line.strip()]
    real: list[str] = []
    files = sorted(REAL.glob("*.jsonl")) if REAL.is_dir() else []
    for path in files:  # an equal share of each source, read in place
        with path.open(encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                if k >= n // (2 * len(files)) + 1:
                    break
                text = str(json.loads(line).get("text") or "").strip()
                if text:
                    real.append(text[:MAX_CHARS])
    rng = random.Random(seed)
    rng.shuffle(corpus)
    rng.shuffle(real)
    pools = [p for p in (corpus, real) if p]
    return [pools[i % len(pools)][(i // len(pools)) % len(pools[i % len(pools)])]
            for i in range(n)]


def write_input(path: Path, items: list[str], seed: int = 7) -> Path:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(items):
            offset = timedelta(hours=rng.choice((-5, 0, 1, 3)))
            sent = (start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))).astimezone(
                timezone(offset))
            fh.write(json.dumps({"id": f"bench-{i}", "client": f"client-{rng.randrange(500)}",
                                 "text": text, "sent_at": sent.isoformat(),
                                 "channel": rng.choice(("email", "chat"))},
                                ensure_ascii=False) + "\n")
    return path


def batched_rate(model_dir: Path, items: list[str]) -> dict[str, Any]:
    """bench.throughput's batched ONNX figure (predict_proba), on `items`, plus predict()."""
    from classifier.model import ToneClassifier
    from classifier.onnx_backend import available_cores

    clf = ToneClassifier.from_pretrained(model_dir, backend=os.environ.get(
        "TONEGUARD_BACKEND", "auto"), threads=available_cores())
    sent = [datetime(2025, 3, 4, 22, 0, tzinfo=UTC)] * len(items)
    clf.predict_proba(items[:8], sent_at=sent[:8])  # warm-up
    start = time.perf_counter()
    clf.predict_proba(items, sent_at=sent)
    proba_s = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict(items, sent)
    predict_s = time.perf_counter() - start
    return {"backend": clf.backend.name, "messages": len(items),
            "predict_proba_msg_per_s": round(len(items) / proba_s, 2),
            "predict_with_spans_msg_per_s": round(len(items) / predict_s, 2)}


class RssSampler:
    """Peak summed RSS of a process and all its descendants (sampled every 0.5 s)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_mb = 0.0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            if total / 2**20 > self.peak_mb:
                self.peak_mb, self.peak_processes = total / 2**20, len(procs)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _database(work: Path, db: str) -> dict[str, str]:
    """A fresh database with tenant `bench`; the environment that points at it."""
    from service.db.migrate import upgrade
    from service.db.session import Database
    from service.tenants import create_key

    env = {k: v for k, v in os.environ.items() if not k.startswith("TONEGUARD_DATABASE")}
    if db == "postgres":
        import uuid

        import psycopg

        url = os.environ.get("TONEGUARD_TEST_PG_URL",
                             "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        schema = f"tg_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                             autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        env["TONEGUARD_DATABASE_SCHEMA"] = schema
    else:
        url, schema = f"sqlite:///{work / 'bench.db'}", None
    database = Database(url, schema)
    upgrade(database)
    with database.session() as s:
        create_key(s, "bench")
    database.dispose()
    return {**env, "TONEGUARD_DATABASE_URL": url}


def backfill_once(model_dir: Path, n: int, work: Path, threads: int, db: str,
                  items: list[str]) -> dict[str, Any]:
    source = write_input(work / f"history-{n}.jsonl", items)
    env = _database(work, db)
    start = time.perf_counter()
    proc = subprocess.Popen([*CLI, "backfill", str(source), "--tenant", "bench", "--model",
                             str(model_dir), "--threads", str(threads), "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sampler = RssSampler(proc.pid)
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    if env.get("TONEGUARD_DATABASE_SCHEMA"):
        import psycopg

        dsn = env["TONEGUARD_DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{env["TONEGUARD_DATABASE_SCHEMA"]}" CASCADE')
    if proc.returncode != 0:
        raise RuntimeError(f"toneguard backfill exited with {proc.returncode}")
    summary = json.loads(out.decode().strip().splitlines()[-1])
    return {"messages": n, **summary, "wall_s": round(wall, 2),
            "peak_rss_mb": round(sampler.peak_mb, 1), "processes": sampler.peak_processes}


def run(model_dir: Path, sizes: list[int], threads: int, db: str) -> dict[str, Any]:
    info = machine()
    largest = texts(max(sizes))
    sample = random.Random(3).sample(largest, min(SAMPLE, len(largest)))
    # Timed before and after the backfills; the faster of the two is the reference, so a
    # busy machine during one measurement cannot flatter the ratio.
    before = batched_rate(model_dir, sample)
    runs = []
    with tempfile.TemporaryDirectory(prefix="toneguard-bench-backfill-") as tmp:
        for n in sorted(sizes):
            work = Path(tmp) / str(n)
            work.mkdir()
            runs.append(backfill_once(model_dir, n, work, threads, db, largest[:n]))
    after = batched_rate(model_dir, sample)
    reference = {**max(before, after, key=lambda r: r["predict_proba_msg_per_s"]),
                 "measured": [before, after]}
    rate = reference["predict_proba_msg_per_s"]
    for r in runs:
        r["ratio_to_batched"] = round(r["msg_per_s"] / rate, 3)
    growth = runs[-1]["peak_rss_mb"] / runs[0]["peak_rss_mb"] - 1 if len(runs) > 1 else 0.0
    return {
        "bench": "backfill",
        "machine": {**info, "load_average_end": list(os.getloadavg())},
        "model": str(model_dir), "threads_per_actor": threads, "database": db,
        "batched_reference": reference, "runs": runs,
        "memory_growth": round(growth, 3),
        "floors": {"ratio": RATIO_FLOOR, "memory_growth": MEMORY_GROWTH,
                   # start-up (Ray, one model load per actor) weighs on small runs: the
                   # floor is the largest run's (20,000 messages by default)
                   "ratio_ok": runs[-1]["ratio_to_batched"] >= RATIO_FLOOR,
                   "memory_ok": growth <= MEMORY_GROWTH},
    }


def cli(
    n: Annotated[str, typer.Option(help="message counts, comma-separated")] = "2000,20000",
    model: Annotated[Path, typer.Option()] = SHIPPED_MODEL,
    threads: Annotated[int, typer.Option(help="cores per model actor")] = 1,
    db: Annotated[str, typer.Option(help="sqlite or postgres")] = "sqlite",
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = run(model, [int(x) for x in comma_list(n)], threads, db)
    m, ref = result["machine"], result["batched_reference"]
    print(f"{m['cpu']}, {m['cores']} cores, load average {m['load_average'][0]:.2f} before, "
          f"{m['load_average_end'][0]:.2f} after; {ref['backend']} backend batched: "
          f"{ref['predict_proba_msg_per_s']} msg/s (predict_proba, bench.throughput), "
          f"{ref['predict_with_spans_msg_per_s']} msg/s with spans")
    print(table(["messages", "scored", "elapsed s", "backfill msg/s", "x batched",
                 "peak RSS MB (driver + Ray + actors)", "processes"],
                [[r["messages"], r["scored"], r["elapsed_s"], r["msg_per_s"],
                  r["ratio_to_batched"], r["peak_rss_mb"], r["processes"]]
                 for r in result["runs"]]))
    floors = result["floors"]
    print(f"floor x batched >= {RATIO_FLOOR} at {result['runs'][-1]['messages']} messages: "
          f"{'ok' if floors['ratio_ok'] else 'FAILED'}; "
          f"memory growth {result['memory_growth']:+.1%} (<= {MEMORY_GROWTH:.0%}): "
          f"{'ok' if floors['memory_ok'] else 'FAILED'}")
    print(f"written to {write_result('backfill', result)}")
    return 0 if floors["ratio_ok"] and floors["memory_ok"] else 1


if __name__ == "__main__":
    sys.exit(run_command(cli, None, "python -m bench.backfill", __doc__))
