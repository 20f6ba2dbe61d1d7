"""The pipeline's actor: one loaded model, classifying a batch of rows at a time.

Each actor loads the model once (the int8 ONNX graph when exported, as the service does)
with its share of the cores, and applies the tenant's business hours and sensitivity
exactly as live ingestion does (service.ingest). Rows whose id is already stored for the
tenant are passed on as `present` without running the model, so a re-run or a resumed
run costs only the rows still missing. `ToneClassifier.predict` sorts each batch by
length and pads per chunk, so a large batch wastes little on padding.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import select

from service.backfill.rows import OK, PRESENT, SCORED, SCORED_SCHEMA, bad, table

logger = logging.getLogger(__name__)


class Scorer:
    """A Ray Data callable class: `__init__` runs once per actor, `__call__` per batch."""

    def __init__(self, model_dir: str, backend: str, threads: int, default_language: str,
                 hours: dict[str, Any], sensitivity: dict[str, Any] | None,
                 database_url: str, database_schema: str | None, tenant_id: int) -> None:
        from classifier.hours import BusinessHours
        from classifier.model import ToneClassifier
        from service.db.session import Database
        from service.inference import InferenceEngine
        from service.sensitivity import tenant_decision

        self.classifier = ToneClassifier.from_pretrained(model_dir, backend=backend,
                                                         threads=threads)
        self.classifier.default_language = default_language
        if "torch" in sys.modules:  # the torch backend: keep to this actor's share of cores
            import torch

            torch.set_num_threads(threads)
        own = InferenceEngine(self.classifier).model_thresholds
        cut, self.decision = tenant_decision(own, sensitivity)
        # As InferenceEngine.classify: the model's own thresholds are not passed over.
        self.cut = None if cut == own else cut
        self.hours = BusinessHours.from_dict(hours)
        self.db = Database(database_url, database_schema)
        self.tenant_id = tenant_id

    def _stored(self, ids: list[str]) -> set[str]:
        from service.db.models import Message

        if not ids:
            return set()
        with self.db.session() as s:
            return set(s.scalars(select(Message.message_id).where(
                Message.tenant_id == self.tenant_id, Message.message_id.in_(ids))))

    def _predict(self, texts: list[str], sent: list[datetime | None]) -> list[Any]:
        if self.cut is None:
            return list(self.classifier.predict(texts, sent, business_hours=self.hours))
        return list(self.classifier.predict(texts, sent, business_hours=self.hours,
                                            thresholds=self.cut))

    def _result(self, row: dict[str, Any], pred: Any) -> str:
        from service.ingest import _with_unread_tail

        end = row.get("classify_end")
        if end is not None:
            pred = _with_unread_tail(pred, row["text"], end)
        return json.dumps({
            "labels": list(pred.labels), "scores": dict(pred.scores),
            "spans": [asdict(sp) for sp in pred.spans],
            "ignored_ranges": [list(r) for r in pred.ignored_ranges], "lang": pred.lang,
            "outside_business_hours": pred.outside_business_hours,
            "model_name": str(self.classifier.name),
            "model_version": str(self.classifier.version), "thresholds": self.decision,
        }, ensure_ascii=False)

    def __call__(self, batch: pa.Table) -> pa.Table:
        rows = batch.to_pylist()
        todo = [r for r in rows if r["status"] == OK]
        stored = self._stored([r["message_id"] for r in todo])
        for r in todo:
            if r["message_id"] in stored:
                r["status"] = PRESENT
        todo = [r for r in todo if r["status"] == OK]
        texts = [r["text"] if r.get("classify_end") is None else r["text"][:r["classify_end"]]
                 for r in todo]
        parsed = [datetime.fromisoformat(r["sent_at"]) for r in todo]
        sent: list[datetime | None] = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in parsed]
        try:
            preds = self._predict(texts, sent) if todo else []
        except Exception:  # one bad text must not fail its neighbours: retry one by one
            logger.exception("a batch of %d failed; classifying one by one", len(todo))
            preds = []
            for text, when in zip(texts, sent, strict=True):
                try:
                    preds.extend(self._predict([text], [when]))
                except Exception as exc:
                    preds.append(exc)
        for r, pred in zip(todo, preds, strict=True):
            if isinstance(pred, Exception):
                r.update(bad(r["src"], f"the classifier failed on it ({pred})", r["message_id"]))
            else:
                r["status"], r["result"] = SCORED, self._result(r, pred)
        return table(rows, SCORED_SCHEMA)

