"""Tenant sensitivity: the preset rule, the API, flags/tallies/records, and migration 0002.

The tiny test model's thresholds are all 0.5 (its config has none) and its calibrated
scores sit just around 0.5, so a score a little above 0.5 is flagged at `normal` and
`high` (threshold 1/3) but not at `low` (2/3): the case the presets exist for.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import inspect, text

from classifier.types import LABELS
from service.context import Services
from service.sensitivity import (
    Sensitivity,
    effective_thresholds,
    shift_threshold,
    tenant_decision,
    thresholds_for_tenant,
)
from tests.service.helpers import ingest, message

TEXT = "Please call me back, where is my order?"
# A Tuesday afternoon: every call below sees the same business-hours marker, so the scores
# they compare do not depend on when the suite runs.
WORKDAY = "2026-11-24T14:00:00+03:00"
CLASSIFY = {"messages": [{"text": TEXT, "sent_at": WORKDAY}]}


def _put(api: Any, body: Any, key: str | None = None) -> Any:
    return api.client.put("/v1/tenant/sensitivity", json=body, headers=api.h(key))


def _label_just_above(api: Any) -> tuple[str, float]:
    """A label of TEXT whose score is at or above normal (0.5) but below low's cut."""
    r = api.post("/v1/classify", CLASSIFY)
    assert r.status_code == 200, r.text
    scores = r.json()["results"][0]["scores"]
    low = shift_threshold(0.5, "low")
    fits = [(lab, s) for lab, s in scores.items() if 0.5 <= s < low]
    assert fits, f"the tiny model's scores {scores} have none in [0.5, {low})"
    return fits[0]


# ------------------------------------------------------------------ the rule


def test_presets_move_thresholds_by_a_factor_of_two_in_odds():
    assert shift_threshold(0.5, "normal") == 0.5
    assert shift_threshold(0.5, "high") == pytest.approx(1 / 3, abs=1e-4)
    assert shift_threshold(0.5, "low") == pytest.approx(2 / 3, abs=1e-4)
    for t in (0.05, 0.47, 0.7, 0.95):
        odds = t / (1 - t)
        high, low = shift_threshold(t, "high"), shift_threshold(t, "low")
        assert 0 < high < t < low < 1
        assert high / (1 - high) == pytest.approx(odds / 2, rel=5e-3)
        assert low / (1 - low) == pytest.approx(odds * 2, rel=5e-3)


def test_explicit_thresholds_override_the_preset_per_label():
    model = {"aggression": 0.47, "threat": 0.49, "unreasonable_demand": 0.62,
             "off_hours_pressure": 0.7}
    cut = effective_thresholds(model, Sensitivity("high", {"threat": 0.9}))
    assert cut["threat"] == 0.9
    assert cut["aggression"] == shift_threshold(0.47, "high")
    assert effective_thresholds(model, Sensitivity()) == model


@pytest.mark.parametrize("bad", [{"preset": "paranoid"}, {"overrides": {"threat": 0.0}},
                                 {"overrides": {"threat": 1.0}},
                                 {"overrides": {"spam": 0.5}}])
def test_invalid_sensitivity_is_refused(bad):
    with pytest.raises(ValueError):
        Sensitivity(**bad)


# ------------------------------------------------------------------ API


def test_default_is_the_models_own_thresholds(api):
    r = api.get("/v1/tenant/sensitivity")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["preset"] == "normal" and body["is_default"] is True and body["custom"] == {}
    assert body["thresholds"] == body["model_thresholds"] == dict.fromkeys(LABELS, 0.5)
    assert body["presets"]["high"]["threat"] == pytest.approx(1 / 3, abs=1e-4)
    assert body["presets"]["low"]["threat"] == pytest.approx(2 / 3, abs=1e-4)
    assert body["applies_to"] == "new_messages"


def test_round_trip_reset_and_tenant_isolation(api):
    r = _put(api, {"preset": "high", "thresholds": {"threat": 0.3}})
    assert r.status_code == 200, r.text
    put = r.json()
    got = api.get("/v1/tenant/sensitivity").json()
    assert got == put
    assert got["preset"] == "high" and got["custom"] == {"threat": 0.3}
    assert got["is_default"] is False
    assert got["thresholds"]["threat"] == 0.3
    assert got["thresholds"]["aggression"] == pytest.approx(1 / 3, abs=1e-4)
    # The other tenant is untouched.
    assert api.get("/v1/tenant/sensitivity", key=api.key_b).json()["is_default"] is True
    # Thresholds only, preset defaults to normal.
    only = _put(api, {"thresholds": {"aggression": 0.8}}).json()
    assert only["preset"] == "normal" and only["thresholds"]["aggression"] == 0.8
    assert only["thresholds"]["threat"] == 0.5
    reset = api.delete("/v1/tenant/sensitivity")
    assert reset.status_code == 200
    assert reset.json()["is_default"] is True
    assert api.get("/v1/tenant/sensitivity").json()["thresholds"] == dict.fromkeys(LABELS, 0.5)


@pytest.mark.parametrize("body", [
    {"preset": "paranoid"},
    {"preset": None},
    {"thresholds": {"threat": 0}},
    {"thresholds": {"threat": 1}},
    {"thresholds": {"threat": 1.5}},
    {"thresholds": {"threat": -0.1}},
    {"thresholds": {"threat": "high"}},
    {"thresholds": {"spam": 0.5}},
    {"thresholds": [0.5]},
    {"preset": "high", "extra": 1},
    [],
])
def test_invalid_bodies_are_422_json(api, body):
    r = _put(api, body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request"
    assert api.get("/v1/tenant/sensitivity").json()["is_default"] is True


def test_needs_a_key(api):
    assert api.client.get("/v1/tenant/sensitivity").status_code == 401
    assert api.client.put("/v1/tenant/sensitivity", json={"preset": "high"}).status_code == 401


# ------------------------------------------------------------------ flags, tallies, records


def test_a_score_just_above_normal_is_flagged_at_high_not_at_low(api):
    label, score = _label_just_above(api)

    assert _put(api, {"preset": "high"}).status_code == 200
    high = ingest(api, "m-high", cid="client-high", text=TEXT, sent_at=WORKDAY)
    classified_high = api.post("/v1/classify", CLASSIFY).json()

    assert _put(api, {"preset": "low"}).status_code == 200
    low = ingest(api, "m-low", cid="client-low", text=TEXT, sent_at=WORKDAY)
    classified_low = api.post("/v1/classify", CLASSIFY).json()

    # Same scores (the model is not re-run differently), different decisions.
    assert high["message"]["scores"] == low["message"]["scores"]
    assert high["message"]["scores"][label] == pytest.approx(score, abs=1e-4)
    assert label in high["message"]["labels"] and label in high["message"]["model_labels"]
    assert label not in low["message"]["labels"]
    assert label in classified_high["results"][0]["labels"]
    assert label not in classified_low["results"][0]["labels"]
    # Spans follow the decision: evidence for each flag, none for what is not flagged.
    assert label in {s["label"] for s in high["message"]["spans"]}
    assert label not in {s["label"] for s in low["message"]["spans"]}
    # Tallies (and so risk) follow the stored labels.
    assert high["tally"]["counts"][label] == 1 and low["tally"]["counts"][label] == 0
    assert api.get("/v1/clients/client-high").json()["counts"][label] == 1
    assert api.get("/v1/clients/client-low").json()["counts"][label] == 0
    assert (api.get("/v1/clients/client-high").json()["risk_score"]
            > api.get("/v1/clients/client-low").json()["risk_score"])


def test_explicit_threshold_decides_one_label(api):
    label, score = _label_just_above(api)
    assert _put(api, {"thresholds": {label: min(0.99, score + 0.01)}}).status_code == 200
    body = ingest(api, "m-pinned", text=TEXT, sent_at=WORKDAY)["message"]
    assert label not in body["labels"]
    assert body["thresholds"]["custom"] == [label]
    assert body["thresholds"]["thresholds"][label] == pytest.approx(min(0.99, score + 0.01))


def test_thresholds_are_recorded_and_history_is_not_rewritten(api):
    label, _ = _label_just_above(api)
    _put(api, {"preset": "high"})
    body = message("m-1", text=TEXT, sent_at=WORKDAY)
    r = api.post("/v1/messages", body)
    assert r.status_code == 200, r.text
    first = r.json()["message"]
    record = first["thresholds"]
    assert record["preset"] == "high" and record["custom"] == []
    assert record["thresholds"] == {lab: pytest.approx(1 / 3, abs=1e-4) for lab in LABELS}

    _put(api, {"preset": "low"})
    stored = api.get("/v1/messages/m-1").json()
    assert stored["thresholds"] == record
    assert stored["labels"] == first["labels"] and label in stored["labels"]
    assert api.get("/v1/clients/client-1").json()["counts"][label] == 1
    # A replay of the stored message returns its original decision.
    again = api.post("/v1/messages", body).json()
    assert again["created"] is False and again["message"]["thresholds"] == record
    second = ingest(api, "m-2", text=TEXT, sent_at=WORKDAY)["message"]
    assert second["thresholds"]["preset"] == "low" and label not in second["labels"]
    assert api.get("/v1/messages/m-1").json()["thresholds"]["preset"] == "high"


def test_thresholds_for_tenant_reads_the_current_setting(api):
    services: Services = api.services
    with services.db.session() as s:
        tenant_id = s.execute(text("SELECT id FROM tenants WHERE name = 'acme'")).scalar_one()
    assert thresholds_for_tenant(services, tenant_id) == dict.fromkeys(LABELS, 0.5)
    _put(api, {"preset": "low", "thresholds": {"threat": 0.2}})
    cut = thresholds_for_tenant(services, tenant_id)
    assert cut["threat"] == 0.2 and cut["aggression"] == pytest.approx(2 / 3, abs=1e-4)


def test_engine_applies_each_requests_thresholds_in_a_shared_batch(test_classifier):
    from service.inference import InferenceEngine

    engine = InferenceEngine(test_classifier, max_wait_s=0.05)
    high, _ = tenant_decision(engine.model_thresholds, {"preset": "high"})
    low, _ = tenant_decision(engine.model_thresholds, {"preset": "low"})

    async def run() -> list[Any]:
        return await asyncio.gather(engine.classify([TEXT], [None], thresholds=high),
                                    engine.classify([TEXT], [None], thresholds=low),
                                    engine.classify([TEXT], [None]))

    [h], [lo], [n] = asyncio.run(run())
    assert h.scores == lo.scores == n.scores
    assert set(h.labels) == {lab for lab, s in h.scores.items() if s >= high[lab]}
    assert set(lo.labels) == {lab for lab, s in lo.scores.items() if s >= low[lab]}
    assert set(lo.labels) <= set(n.labels) <= set(h.labels)
    assert set(lo.labels) != set(h.labels)


# ------------------------------------------------------------------ migration 0002


def test_migration_0002_adds_the_columns_and_keeps_old_rows(db_target):
    from service.db.migrate import upgrade
    from service.db.session import Database

    db = Database(db_target.url, db_target.schema)
    try:
        upgrade(db, "0001")
        now = datetime.now(UTC)
        with db.engine.begin() as c:
            c.execute(text("INSERT INTO tenants (id, name, created_at) VALUES (1, 'old', :t)"),
                      {"t": now})
            c.execute(text(
                "INSERT INTO clients (id, tenant_id, external_id, message_count, risk_ref, "
                "first_seen, last_seen) VALUES (1, 1, 'c', 1, 0.0, :t, :t)"), {"t": now})
            c.execute(text(
                "INSERT INTO messages (tenant_id, message_id, client_pk, text, event_at, labels,"
                " model_labels, scores, spans, ignored_ranges, content_hash, model_name, "
                "model_version, corrected, created_at) VALUES (1, 'm', 1, 'hi', :t, '[]', '[]',"
                " '{}', '[]', '[]', 'h', 'n', 'v', false, :t)"), {"t": now})
        upgrade(db, "0002")
        cols = {t: {c["name"] for c in inspect(db.engine).get_columns(t, db_target.schema)}
                for t in ("tenants", "messages")}
        assert "sensitivity" in cols["tenants"] and "thresholds" in cols["messages"]
        with db.engine.connect() as c:
            assert c.execute(text("SELECT thresholds FROM messages")).scalar_one() is None
            assert c.execute(text("SELECT sensitivity FROM tenants")).scalar_one() is None
        from alembic import command

        from service.db.migrate import alembic_config

        command.downgrade(alembic_config(db), "0001")
        cols_after = {c["name"] for c in inspect(db.engine).get_columns("messages",
                                                                         db_target.schema)}
        assert "thresholds" not in cols_after
        with db.engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM messages")).scalar_one() == 1
    finally:
        db.dispose()


def test_stored_sensitivity_survives_a_round_trip_through_json():
    sens = Sensitivity("low", {"threat": 0.25})
    assert Sensitivity.from_json(sens.to_json()) == sens
    assert Sensitivity().to_json() is None
    assert Sensitivity.from_json(None).is_default
    assert not math.isnan(shift_threshold(0.999, "low"))


@pytest.mark.parametrize("span_method", ["attribution", "search"])
def test_classifier_flags_and_explains_at_the_given_thresholds(test_classifier, span_method):
    own = test_classifier.predict(TEXT, None, span_method=span_method)
    cut = {lab: min(0.99, max(0.01, s - 0.05)) for lab, s in own.scores.items()}
    cut[LABELS[0]] = 0.99  # one label pinned out of reach
    pred = test_classifier.predict(TEXT, None, span_method=span_method, thresholds=cut)
    assert pred.scores == own.scores
    assert set(pred.labels) == {lab for lab in LABELS if pred.scores[lab] >= cut[lab]}
    assert LABELS[0] not in pred.labels
    assert {s.label for s in pred.spans} <= set(pred.labels)
