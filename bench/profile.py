"""Where the time of one request goes: stage breakdown plus a cProfile of the model call.

    python -m bench.profile [--model DIR] [--requests 50]

Builds the real app in-process (the model folder's default backend, a temp SQLite file,
semantic replies) and sends single-message requests one after another through
`TestClient`, with timers around each stage: e-mail clean-up, tokenization and the forward
pass of the main prediction (which also yields the token logits spans come from), span
attribution (or the span search, for a backend without token logits), language detection,
reply suggestions. The rest of the wall time is HTTP, validation, auth and the database.
Then a cProfile of `predict` on one message and on a batch of 32 (what micro-batching
hands the model under load). Writes bench/results/profile.json and profile.txt.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from bench.common import (
    RESULTS_DIR,
    SHIPPED_MODEL,
    machine,
    parse_sent_at,
    table,
    test_messages,
    write_result,
)
from classifier.scripts import run_command


class Stages:
    """Wall time per stage; `phase` says whether model work is for the labels or the spans."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.phase = "main"

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - start
            self.calls[stage] += 1

    def wrap(self, fn: Callable[..., Any], stage: str,
             phase: str | None = None) -> Callable[..., Any]:
        """`stage` may contain "{phase}" (main or spans)."""
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            before = self.phase
            if phase:
                self.phase = phase
            try:
                with self.timed(stage.format(phase=self.phase)):
                    return fn(*args, **kwargs)
            finally:
                self.phase = before

        return timed_call

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


class _TimedTokenizer:
    def __init__(self, inner: Any, stages: Stages) -> None:
        self._inner, self._stages = inner, stages

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._stages.timed(f"{self._stages.phase}: tokenize"):
            return self._inner(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def instrument(clf: Any, suggester: Any, stages: Stages) -> None:
    """Timers around the stages of the real code (this process only)."""
    import classifier.model as model_module

    clf.tokenizer = _TimedTokenizer(clf.tokenizer, stages)
    backend = clf.backend
    backend.logits = stages.wrap(backend.logits, "{phase}: forward pass")
    # With token logits the main pass also gives the spans' evidence (classifier.attribution).
    backend.logits_and_tokens = stages.wrap(backend.logits_and_tokens, "{phase}: forward pass")
    model_module.attribute = stages.wrap(model_module.attribute, "spans: attribution")
    clf._find_spans = stages.wrap(clf._find_spans, "spans: search (total)", "spans")
    model_module.detect_language = stages.wrap(model_module.detect_language, "language")
    model_module.clean_message = stages.wrap(model_module.clean_message, "e-mail clean-up")
    clf.predict = stages.wrap(clf.predict, "classifier.predict (all)")
    if suggester is not None:
        suggester.suggest = stages.wrap(suggester.suggest, "reply suggestions")


def _requests(model_dir: Path, n: int, work: Path) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from classifier.model import ToneClassifier
    from service.config import Settings
    from service.main import create_app, load_suggester
    from service.tenants import create_key

    settings = Settings(database_url=f"sqlite:///{work / 'profile.db'}", model_dir=model_dir,
                        bootstrap_default_tenant=False, replies_mode="semantic")
    clf = ToneClassifier.from_pretrained(model_dir)
    suggester = load_suggester(settings, clf.tokenizer)  # as the service does
    stages = Stages()
    instrument(clf, suggester, stages)
    rows = test_messages(n + 4)
    out: dict[str, Any] = {"backend": clf.backend.name}
    app = create_app(settings, classifier=clf, suggester=suggester)  # type: ignore[arg-type]
    with TestClient(app) as client:
        with app.state.services.db.session() as s:
            key = create_key(s, "profile")
        h = {"X-API-Key": key}
        for endpoint in ("classify", "messages"):
            def body(i: int, row: dict[str, Any], ep: str = endpoint) -> dict[str, Any]:
                if ep == "classify":
                    return {"messages": [{"text": row["text"], "sent_at": row.get("sent_at")}]}
                return {"message_id": f"p-{i}", "client_id": f"c{i % 7}", "text": row["text"],
                        "sent_at": row.get("sent_at") or "2026-03-03T10:00:00+00:00"}

            for i, row in enumerate(rows[:4]):  # warm-up
                client.post(f"/v1/{endpoint}", json=body(10_000 + i, row), headers=h)
            stages.reset()
            start = time.perf_counter()
            for i, row in enumerate(rows[4:]):
                r = client.post(f"/v1/{endpoint}", json=body(i, row), headers=h)
                r.raise_for_status()
            wall = time.perf_counter() - start
            ms = {k: round(v / n * 1e3, 2) for k, v in sorted(stages.seconds.items())}
            model_ms = sum(v for k, v in ms.items() if k in {"classifier.predict (all)",
                                                             "reply suggestions"})
            ms["HTTP, validation, auth, database (rest)"] = round(wall / n * 1e3 - model_ms, 2)
            out[endpoint] = {"requests": n, "mean_request_ms": round(wall / n * 1e3, 2),
                             "stages_ms": ms}
    return out


def _cprofile(model_dir: Path) -> tuple[str, dict[str, float]]:
    from classifier.model import ToneClassifier

    clf = ToneClassifier.from_pretrained(model_dir)
    rows = test_messages(64)
    texts = [r["text"] for r in rows]
    sent: list[datetime | None] = [parse_sent_at(r.get("sent_at")) for r in rows]
    clf.predict(texts[:8], sent[:8])
    report = io.StringIO()
    timings = {}
    for label, k in (("one message", 1), ("batch of 32", 32)):
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        clf.predict(texts[32 : 32 + k], sent[32 : 32 + k])
        prof.disable()
        timings[label] = round((time.perf_counter() - start) * 1e3, 1)
        report.write(f"=== predict, {label}: {timings[label]} ms ===\n")
        pstats.Stats(prof, stream=report).sort_stats("cumulative").print_stats(25)
    return report.getvalue(), timings


def cli(
    model: Annotated[Path, typer.Option()] = SHIPPED_MODEL,
    requests: Annotated[int, typer.Option()] = 50,
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    info = machine()
    with tempfile.TemporaryDirectory(prefix="toneguard-profile-") as tmp:
        result = _requests(model, requests, Path(tmp))
    text, timings = _cprofile(model)
    result.update({"bench": "profile", "machine": info, "predict_ms": timings})
    for endpoint in ("classify", "messages"):
        part = result[endpoint]
        print(f"POST /v1/{endpoint}: {part['mean_request_ms']} ms per request "
              f"({result['backend']} backend, one client, {part['requests']} requests)")
        print(table(["stage", "ms per request"], list(part["stages_ms"].items())))
    print(f"cProfile of predict: {timings}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "profile.txt").write_text(text)
    print(f"written to {write_result('profile', result)} and {RESULTS_DIR / 'profile.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(run_command(cli, None, "python -m bench.profile", __doc__))
