"""The FastAPI application: `create_app(settings)` builds it, nothing happens at import.

Start-up (lifespan) runs the migrations, creates the first tenant on an empty database,
loads the model and the reply suggester, then serves. `app_factory` is what
`toneguard serve` hands to uvicorn, so every worker process builds its own app.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from fastapi import FastAPI

from service.api import errors
from service.api.middleware import BodySizeLimit, HttpMetrics
from service.api.routes import (
    classify,
    client_value,
    clients,
    health,
    jobs,
    keys,
    messages,
    replies,
    review,
    tenant,
    ui,
    webhooks,
)
from service.config import Settings
from service.context import Services
from service.db.migrate import open_database
from service.db.session import Database
from service.inference import Classifier, InferenceEngine
from service.metrics import Metrics
from service.ratelimit import RateLimit, make_limiter
from service.tenants import DEFAULT_TENANT, KeyCache, bootstrap_default_tenant, write_key_file

if TYPE_CHECKING:
    from service.replies.suggester import ReplySuggester

logger = logging.getLogger(__name__)


def _configure_logging(level: str) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("service").setLevel(level)
    logging.getLogger("classifier").setLevel(level)


def onnx_threads(settings: Settings) -> int:
    """ONNX Runtime threads per model call: the cores split between the concurrent calls."""
    from classifier.onnx_backend import available_cores

    return max(1, available_cores() // settings.inference_concurrency)


def load_classifier(settings: Settings) -> Classifier:
    from classifier.model import ToneClassifier

    logger.info("loading model from %s", settings.model_dir)
    model = ToneClassifier.from_pretrained(settings.model_dir, backend=settings.backend,
                                           threads=onnx_threads(settings))
    model.default_language = settings.default_language
    loaded: Classifier = model
    return loaded


def load_suggester(settings: Settings, tokenizer: Any = None) -> ReplySuggester | None:
    """The reply suggester for `settings.replies_mode`; None when off or unavailable.

    With the classifier's `tokenizer`, semantic matching uses the int8 ONNX encoder when
    `toneguard export` built it (shares the tokenizer; ~600 MB less than fp32 torch).
    Short texts take the service's default language, as the classifier does.
    """
    suggester = _build_suggester(settings, tokenizer)
    if suggester is not None:
        suggester.default_lang = settings.default_language
    return suggester


def _build_suggester(settings: Settings, tokenizer: Any) -> ReplySuggester | None:
    if settings.replies_mode == "off":
        return None
    from service.replies.suggester import ReplySuggester
    from service.replies.templates import load_playbook

    playbook = load_playbook(settings.replies_dir)
    if settings.replies_mode == "semantic":
        try:
            from classifier.onnx_backend import load_onnx_encoder

            encoder = load_onnx_encoder(tokenizer)
            if encoder is not None:
                from classifier.paths import default_cache_dir

                return ReplySuggester(playbook, encoder, default_cache_dir() / "replies")
            return ReplySuggester.semantic(playbook=playbook)
        except Exception:
            logger.exception("semantic reply matching failed to load; using rules only")
    return ReplySuggester.rules_only(playbook)


def _register_webhook_jobs(services: Services) -> None:
    """Accepted webhook deliveries are classified by job workers, on this loop's engine."""
    import asyncio

    from service.integrations import delivery_jobs
    from service.jobs.registry import register

    register(delivery_jobs.KIND, delivery_jobs.make_handler(services, asyncio.get_running_loop()))


def _hand_over_first_key(settings: Settings, key: str) -> None:
    """The bootstrap key goes to a file only its owner can read, never into the log."""
    try:
        path = write_key_file(settings.data_dir, DEFAULT_TENANT, key)
    except OSError as exc:
        logger.error("could not write the API key of tenant %s under %s (%s); create one "
                     "with `toneguard keys create --tenant %s`", DEFAULT_TENANT,
                     settings.data_dir, exc, DEFAULT_TENANT)
        return
    logger.warning("API key for tenant %s written to %s (mode 0600): read it, store it, "
                   "then delete the file", DEFAULT_TENANT, path)


async def open_services(
    settings: Settings,
    metrics: Metrics,
    classifier: Classifier | None,
    suggester: ReplySuggester | None,
    create_database: bool,
) -> Services:
    """Open the database (first tenant included) and load the model and the suggester
    (also what a classifying job worker runs: service.jobs.classifying)."""
    db = Database(settings.database_url, settings.database_schema)
    await anyio.to_thread.run_sync(
        open_database, db, create_database or settings.database_is_default)
    if settings.bootstrap_default_tenant:
        key = await anyio.to_thread.run_sync(bootstrap_default_tenant, db)
        if key:
            _hand_over_first_key(settings, key)
    model: Classifier = (
        classifier if classifier is not None
        else await anyio.to_thread.run_sync(load_classifier, settings)
    )
    replies = suggester if suggester is not None else await anyio.to_thread.run_sync(
        load_suggester, settings, getattr(model, "tokenizer", None)
    )
    services = Services(
        settings=settings, db=db, metrics=metrics, suggester=replies,
        keys=KeyCache(settings.auth_cache_seconds),
        engine=InferenceEngine(model, settings.inference_concurrency,
                               metrics.observe_inference),
    )
    logger.info("toneguard ready: model %s %s, database %s", model.name, model.version,
                db.dialect)
    if classifier is None:  # a served process (tests share one heap between many apps)
        # The model and libraries loaded above are millions of long-lived objects: kept
        # out of the garbage collector's full passes, which stalled answers for ~0.2 s.
        await anyio.to_thread.run_sync(gc.collect)
        gc.freeze()
    return services


def create_app(
    settings: Settings | None = None,
    classifier: Classifier | None = None,
    suggester: ReplySuggester | None = None,
    create_database: bool = True,
) -> FastAPI:
    """Build the app. `classifier`/`suggester` skip loading (tests pass preloaded ones).

    `create_database`: a missing database is created (callers that build their own
    settings); False makes a missing one fail start-up, as `toneguard serve` does.
    """
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _configure_logging(settings.log_level)
        app.state.services = await open_services(
            settings, metrics, classifier, suggester, create_database)
        db = app.state.services.db
        # Background jobs (write-back, alerts): worker threads stopped before the database.
        from service.jobs.worker import WorkerThreads

        _register_webhook_jobs(app.state.services)
        jobs = WorkerThreads(db, settings).start()
        app.state.jobs = jobs
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(jobs.stop)
            app.state.jobs = None
            app.state.services = None
            db.dispose()

    app = FastAPI(
        title="toneguard",
        version="0.1.0",
        description="Spots difficult helpdesk clients: tone labels with evidence, per-client "
        "tallies and risk, de-escalating reply suggestions. Send `X-API-Key` on /v1 calls.",
        lifespan=lifespan,
    )
    app.state.services = None
    app.state.settings = settings
    errors.install(app)
    # review and client_value before messages and clients: their /messages/{id}/corrections
    # and /clients/{id}/value paths would otherwise be read as ids. Webhooks first: a request
    # walks the routers in order, and deliveries are the hottest path (bursts of them).
    for module in (webhooks, health, classify, review, client_value, messages, clients, tenant,
                   keys, replies, ui, jobs):
        app.include_router(module.router)
    limiter = make_limiter(settings)
    if limiter is not None:  # inside the metrics, so 429s are counted
        app.add_middleware(RateLimit, limiter=limiter)
    app.add_middleware(HttpMetrics, metrics=metrics)
    # Added last, so it runs first: oversized bodies never reach parsing or metrics labels.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes,
                       prefix_limits={"/v1/webhooks/": settings.webhook_max_body_bytes})
    return app


def app_factory() -> FastAPI:
    """Uvicorn factory (`service.main:app_factory`): settings from the environment; the
    database must exist unless it is the embedded default (`toneguard db init`)."""
    return create_app(Settings(), create_database=False)
