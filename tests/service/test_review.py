"""Review queue: near-threshold labels wait for an agent; answers are kept as corrections
(audit trail) and exported by `toneguard export-feedback`. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select, update
from typer.testing import CliRunner

from classifier.types import LABELS
from service.db.models import Message, ReviewCursor, ReviewItem, utcnow
from service.review import near_threshold, refresh_queue
from tests.service.helpers import ingest, set_labels

CUT = 0.5


@pytest.fixture
def app_settings(app_settings: Any) -> Any:
    return app_settings.model_copy(update={"review_band": 0.1})


def stored_labels(api: Any, mid: str, key: str | None = None) -> list[str]:
    r = api.get(f"/v1/messages/{mid}", key=key)
    assert r.status_code == 200, r.text
    return list(r.json()["labels"])


def make_doubtful(api: Any, mid: str, doubt: dict[str, float], key: str | None = None) -> None:
    """Give a stored message scores that agree with its labels, except that the labels in
    `doubt` sit the given distance from a 0.5 threshold (on the side of their current
    label, so the stored tallies stay true)."""
    labels = stored_labels(api, mid, key)
    scores = {lab: (0.9 if lab in labels else 0.05) for lab in LABELS}
    for lab, dist in doubt.items():
        scores[lab] = CUT + dist if lab in labels else CUT - dist
    decided = {"preset": "normal", "custom": [], "thresholds": dict.fromkeys(LABELS, CUT)}
    with api.services.db.session() as s:
        s.execute(update(Message).where(Message.message_id == mid)
                  .values(scores=scores, thresholds=decided))
        s.commit()


def queue(api: Any, key: str | None = None) -> dict[str, Any]:
    r = api.get("/v1/review", key=key)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_near_threshold_band() -> None:
    got = near_threshold({"threat": 0.55, "aggression": 0.95, "unreasonable_demand": 0.41},
                         {"threat": 0.5, "aggression": 0.5, "unreasonable_demand": 0.5}, 0.1)
    assert [(lab, s) for lab, s, _ in got] == [("threat", 0.55), ("unreasonable_demand", 0.41)]
    assert near_threshold({"threat": 0.55}, {"threat": 0.5}, 0.0) == []


def test_queue_lists_only_labels_near_their_threshold(api: Any) -> None:
    ingest(api, "near", "c1")
    ingest(api, "far", "c1")
    ingest(api, "other-tenant", "c9", key=api.key_b)
    make_doubtful(api, "near", {"threat": 0.04})
    make_doubtful(api, "far", {"threat": 0.3})
    make_doubtful(api, "other-tenant", {"threat": 0.01}, key=api.key_b)
    page = queue(api)
    assert page["band"] == 0.1 and page["total"] == 1
    (item,) = page["items"]
    assert item["label"] == "threat" and item["threshold"] == CUT
    assert abs(item["score"] - CUT) == pytest.approx(0.04)
    assert item["message"]["message_id"] == "near" and item["message"]["client_id"] == "c1"
    assert item["flagged"] == ("threat" in stored_labels(api, "near"))
    # Reading again adds nothing twice; the other tenant sees only its own.
    assert queue(api)["total"] == 1
    assert [i["message"]["message_id"] for i in queue(api, api.key_b)["items"]] == [
        "other-tenant"]


def test_old_messages_use_the_tenants_thresholds(api: Any) -> None:
    ingest(api, "legacy", "c1")
    own = api.services.engine.model_thresholds
    labels = stored_labels(api, "legacy")
    scores = {lab: (0.99 if lab in labels else 0.0) for lab in LABELS}
    cut = own["aggression"]
    scores["aggression"] = cut + 0.02 if "aggression" in labels else cut - 0.02
    with api.services.db.session() as s:
        s.execute(update(Message).where(Message.message_id == "legacy")
                  .values(scores=scores, thresholds=None))
        s.commit()
    (item,) = queue(api)["items"]
    assert item["label"] == "aggression" and item["threshold"] == pytest.approx(cut, abs=1e-4)


def test_confirm_and_reject_are_kept_as_corrections(api: Any) -> None:
    ingest(api, "m1", "c1")
    make_doubtful(api, "m1", {"threat": 0.03, "aggression": 0.05})
    before = set(stored_labels(api, "m1"))
    items = {i["label"]: i for i in queue(api)["items"]}
    assert set(items) == {"threat", "aggression"}

    r = api.post(f"/v1/review/{items['threat']['id']}", {"decision": "confirm", "agent": "olga"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["decision"] == "confirmed" and done["decided_by"] == "olga"
    assert "threat" in done["labels"] and set(done["previous_labels"]) == before
    assert done["tally"]["counts"]["threat"] == 1
    # Confirming clears that item only; the other label still waits.
    assert [i["label"] for i in queue(api)["items"]] == ["aggression"]

    r = api.post(f"/v1/review/{items['aggression']['id']}", {"decision": "reject"})
    assert r.status_code == 200, r.text
    assert r.json()["decided_by"] == f"key {api.key_a[:10]}"
    assert "aggression" not in r.json()["labels"]
    assert queue(api)["total"] == 0
    assert stored_labels(api, "m1") == sorted((before | {"threat"}) - {"aggression"})

    trail = api.get("/v1/messages/m1/corrections").json()["items"]
    assert [(c["review_label"], c["review_decision"], c["agent"]) for c in trail] == [
        ("aggression", "rejected", f"key {api.key_a[:10]}"), ("threat", "confirmed", "olga")]
    assert trail[0]["created_at"] >= trail[1]["created_at"]
    assert trail[0]["previous_labels"] == trail[1]["labels"]

    again = api.post(f"/v1/review/{items['threat']['id']}", {"decision": "reject"})
    assert again.status_code == 409 and "olga" in again.json()["detail"]


def test_review_errors(api: Any) -> None:
    ingest(api, "m1", "c1")
    make_doubtful(api, "m1", {"threat": 0.01})
    (item,) = queue(api)["items"]
    assert api.post(f"/v1/review/{item['id']}", {"decision": "confirm"},
                    key=api.key_b).status_code == 404
    assert api.post("/v1/review/999999", {"decision": "confirm"}).status_code == 404
    assert api.post(f"/v1/review/{item['id']}", {"decision": "maybe"}).status_code == 422
    assert api.post("/v1/review/0", {"decision": "confirm"}).status_code == 422
    assert api.get("/v1/messages/nope/corrections").status_code == 404
    assert api.get("/v1/messages/m1/corrections", key=api.key_b).status_code == 404
    assert api.client.get("/v1/review").status_code == 401
    assert queue(api)["total"] == 1  # nothing above changed it


def test_a_manual_correction_settles_the_messages_doubts(api: Any) -> None:
    ingest(api, "m1", "c1")
    ingest(api, "m2", "c1")
    make_doubtful(api, "m1", {"threat": 0.02})
    make_doubtful(api, "m2", {"threat": 0.02})
    assert queue(api)["total"] == 2
    set_labels(api, "m1", ["aggression"])
    assert [i["message"]["message_id"] for i in queue(api)["items"]] == ["m2"]
    trail = api.get("/v1/messages/m1/corrections").json()["items"]
    assert len(trail) == 1 and trail[0]["review_label"] is None


def test_band_zero_turns_the_queue_off(api: Any) -> None:
    api.services.settings.review_band = 0.0
    ingest(api, "m1", "c1")
    make_doubtful(api, "m1", {"threat": 0.0})
    assert queue(api)["total"] == 0


def test_cursor_skips_settled_messages_and_never_duplicates(api: Any) -> None:
    ingest(api, "m1", "c1")
    make_doubtful(api, "m1", {"threat": 0.02})
    db = api.services.db
    with db.session() as s:
        tenant_id = s.scalar(select(Message.tenant_id).where(Message.message_id == "m1"))
        fallback = dict.fromkeys(LABELS, CUT)
        # Just stored: scanned, but the cursor waits in case a lower id commits late.
        assert refresh_queue(s, tenant_id, 0.1, fallback) == 1
        assert s.get(ReviewCursor, tenant_id) is None
        later = utcnow() + timedelta(minutes=5)
        assert refresh_queue(s, tenant_id, 0.1, fallback, now=later) == 0
        cursor = s.get(ReviewCursor, tenant_id, populate_existing=True)
        assert cursor is not None and cursor.last_message_pk > 0
        assert len(s.scalars(select(ReviewItem)).all()) == 1


def test_reviews_feed_export_feedback(api: Any, db_target: Any, monkeypatch: Any,
                                      tmp_path: Any) -> None:
    from service.cli import app

    ingest(api, "kept", "c1", text="You will regret this, see you in court.")
    ingest(api, "dropped", "c1", text="Could you send the invoice again, please?")
    ingest(api, "untouched", "c1")
    make_doubtful(api, "kept", {"threat": 0.05})
    make_doubtful(api, "dropped", {"threat": 0.05})
    items = {i["message"]["message_id"]: i["id"] for i in queue(api)["items"]}
    assert api.post(f"/v1/review/{items['kept']}", {"decision": "confirm"}).status_code == 200
    assert api.post(f"/v1/review/{items['dropped']}", {"decision": "reject"}).status_code == 200

    monkeypatch.setenv("TONEGUARD_DATABASE_URL", db_target.url)
    if db_target.schema:
        monkeypatch.setenv("TONEGUARD_DATABASE_SCHEMA", db_target.schema)
    out = tmp_path / "feedback.jsonl"
    result = CliRunner().invoke(app, ["export-feedback", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["message_id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert set(rows) == {"kept", "dropped"}
    assert "threat" in rows["kept"]["labels"] and "threat" not in rows["dropped"]["labels"]


def test_migration_0004_goes_down_and_up(migrated_db: Any) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from service.db.migrate import alembic_config

    cfg = alembic_config(migrated_db)  # type: ignore[arg-type]
    below = ScriptDirectory.from_config(cfg).get_revision("0004").down_revision
    assert below == "0003"

    def tables() -> set[str]:
        return set(inspect(migrated_db.engine).get_table_names(  # type: ignore[attr-defined]
            schema=migrated_db.schema))  # type: ignore[attr-defined]

    mine = {"review_items", "review_cursors", "client_values"}
    assert mine <= tables()
    command.downgrade(cfg, str(below))
    assert not mine & tables()
    command.upgrade(cfg, "head")
    assert mine <= tables()
