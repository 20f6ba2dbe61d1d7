"""The FastAPI application: `create_app(settings)` builds it, nothing happens at import.

Start-up (lifespan) runs the migrations, creates the first tenant on an empty database,
loads the model and the reply suggester, then serves. `app_factory` is what
`toneguard serve` hands to uvicorn, so every worker process builds its own app.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI

from service.api import errors
from service.api.middleware import BodySizeLimit, HttpMetrics
from service.api.routes import classify, clients, health, messages, tenant
from service.config import Settings
from service.context import Services
from service.db.migrate import upgrade
from service.db.session import Database
from service.inference import Classifier, InferenceEngine
from service.metrics import Metrics
from service.ratelimit import RateLimit, make_limiter
from service.tenants import DEFAULT_TENANT, KeyCache, bootstrap_default_tenant

logger = logging.getLogger(__name__)
# Routers owned by other parts of the service, mounted when present.
OPTIONAL_ROUTERS = ("replies", "webhooks", "ui")


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
    model: Classifier = ToneClassifier.from_pretrained(settings.model_dir, backend=settings.backend,
                                                       threads=onnx_threads(settings))
    return model


def load_suggester(settings: Settings, tokenizer: Any = None) -> Any:
    """The reply suggester for `settings.replies_mode`; None when off or unavailable.

    With the classifier's `tokenizer`, semantic matching uses the int8 ONNX encoder when
    `toneguard export` built it (shares the tokenizer; ~600 MB less than fp32 torch).
    """
    if settings.replies_mode == "off":
        return None
    try:
        from service.replies.suggester import ReplySuggester
    except ImportError:
        logger.warning("reply suggestions unavailable: service.replies is not installed")
        return None
    if settings.replies_mode == "semantic":
        try:
            from classifier.onnx_backend import load_onnx_encoder

            encoder = load_onnx_encoder(tokenizer)
            if encoder is not None:
                from classifier.base_model import default_cache_dir

                return ReplySuggester(None, encoder, default_cache_dir() / "replies")
            return ReplySuggester.semantic()
        except Exception:
            logger.exception("semantic reply matching failed to load; using rules only")
    return ReplySuggester.rules_only()


def _mount_optional(app: FastAPI) -> None:
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(f"service.api.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"service.api.routes.{name}":
                logger.exception("routes %s failed to import", name)
            continue
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)


def create_app(
    settings: Settings | None = None,
    classifier: Classifier | None = None,
    suggester: Any = None,
) -> FastAPI:
    """Build the app. `classifier`/`suggester` skip loading (tests pass preloaded ones)."""
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _configure_logging(settings.log_level)
        db = Database(settings.database_url, settings.database_schema)
        await anyio.to_thread.run_sync(upgrade, db)
        if settings.bootstrap_default_tenant:
            key = await anyio.to_thread.run_sync(bootstrap_default_tenant, db)
            if key:
                logger.warning("API key for tenant %s: %s  (shown once; store it now)",
                               DEFAULT_TENANT, key)
        model: Classifier = (
            classifier if classifier is not None
            else await anyio.to_thread.run_sync(load_classifier, settings)
        )
        replies = suggester if suggester is not None else await anyio.to_thread.run_sync(
            load_suggester, settings, getattr(model, "tokenizer", None)
        )
        app.state.services = Services(
            settings=settings, db=db, metrics=metrics, suggester=replies,
            keys=KeyCache(settings.auth_cache_seconds),
            engine=InferenceEngine(model, settings.inference_concurrency,
                                   metrics.observe_inference),
        )
        logger.info("toneguard ready: model %s %s, database %s", model.name, model.version,
                    db.dialect)
        try:
            yield
        finally:
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
    for module in (health, classify, messages, clients, tenant):
        app.include_router(module.router)
    _mount_optional(app)
    limiter = make_limiter(settings)
    if limiter is not None:  # inside the metrics, so 429s are counted
        app.add_middleware(RateLimit, limiter=limiter)
    app.add_middleware(HttpMetrics, metrics=metrics)
    # Added last, so it runs first: oversized bodies never reach parsing or metrics labels.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    return app


def app_factory() -> FastAPI:
    """Uvicorn factory (`service.main:app_factory`): settings from the environment."""
    return create_app(Settings())
