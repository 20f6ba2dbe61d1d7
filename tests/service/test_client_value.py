"""Worth keeping? Client value (API and CRM CSV import) beside the cost to serve, the
parting-ways explanation, the weekly trend and the clients CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from classifier.types import LABELS
from service.db.models import Client
from service.risk import ref_threshold
from tests.service.helpers import ingest, iso, set_labels


def put_value(api: Any, cid: str, body: dict[str, Any], key: str | None = None) -> Any:
    return api.client.put(f"/v1/clients/{cid}/value", json=body, headers=api.h(key))


def post_csv(api: Any, text: str | bytes, ctype: str = "text/csv") -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return api.client.post("/v1/clients/values.csv", content=data,
                           headers={**api.h(), "Content-Type": ctype})


def test_put_get_and_delete_a_value(api: Any) -> None:
    ingest(api, "m1", "anna@example.com")
    r = put_value(api, "anna@example.com", {"revenue": 1200.5, "currency": "eur",
                                             "plan": "Business"})
    assert r.status_code == 200, r.text
    assert r.json()["revenue"] == 1200.5 and r.json()["currency"] == "EUR"
    assert r.json()["period"] == "month" and r.json()["plan"] == "Business"
    worth = api.get("/v1/clients/anna@example.com/value").json()
    assert worth["value"]["plan"] == "Business" and worth["client_id"] == "anna@example.com"
    # The plain card still answers for the same id (routes do not swallow each other).
    assert api.get("/v1/clients/anna@example.com").json()["client_id"] == "anna@example.com"
    assert put_value(api, "anna@example.com", {"plan": "Free", "period": "year"}).json()[
        "revenue"] is None
    assert api.delete("/v1/clients/anna@example.com/value").status_code == 204
    assert api.get("/v1/clients/anna@example.com/value").json()["value"] is None


@pytest.mark.parametrize("body", [
    {}, {"revenue": -1}, {"revenue": "lots"}, {"plan": "x" * 101}, {"revenue": 1, "currency": "E"},
    {"revenue": 1, "period": "week"}, {"revenue": 1, "colour": "red"}, {"plan": "   "},
])
def test_bad_values_are_422(api: Any, body: dict[str, Any]) -> None:
    ingest(api, "m1", "c1")
    r = put_value(api, "c1", body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request"


def test_values_of_unknown_or_foreign_clients_are_404(api: Any) -> None:
    ingest(api, "m1", "c1")
    assert put_value(api, "nobody", {"revenue": 5}).status_code == 404
    assert put_value(api, "c1", {"revenue": 5}, key=api.key_b).status_code == 404
    assert api.get("/v1/clients/c1/value", key=api.key_b).status_code == 404
    assert api.get("/v1/clients/c1/trend", key=api.key_b).status_code == 404
    assert api.delete("/v1/clients/c1/value", key=api.key_b).status_code == 404


def test_csv_import_applies_good_rows_and_reports_bad_ones(api: Any) -> None:
    for cid in ("a@x.com", "b@x.com", "c@x.com"):
        ingest(api, f"m-{cid}", cid)
    ingest(api, "m-foreign", "d@x.com", key=api.key_b)
    text = (
        "\ufeffClient_ID,Revenue,Plan\n"
        "a@x.com,1200.50,Business\n"
        "b@x.com,,Free\n"
        "c@x.com,twelve,Pro\n"
        "\n"
        "zed@x.com,10,Pro\n"
        "d@x.com,10,Pro\n"
        ",5,Pro\n"
        "c@x.com,99,Pro,extra\n"
    )
    r = post_csv(api, text)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["rows"] == 7 and report["applied"] == 2 and report["bad"] == 5
    assert [(b["line"], b["client_id"]) for b in report["bad_rows"]] == [
        (4, "c@x.com"), (6, "zed@x.com"), (7, "d@x.com"), (8, None), (9, "c@x.com")]
    reasons = {b["line"]: b["reason"] for b in report["bad_rows"]}
    assert "twelve" in reasons[4] and reasons[6] == "no such client"
    assert reasons[7] == "no such client" and "client_id" in reasons[8]
    assert api.get("/v1/clients/a@x.com/value").json()["value"]["revenue"] == 1200.5
    assert api.get("/v1/clients/b@x.com/value").json()["value"]["plan"] == "Free"
    assert api.get("/v1/clients/c@x.com/value").json()["value"] is None
    assert api.get("/v1/clients/d@x.com/value", key=api.key_b).json()["value"] is None


def test_csv_import_reads_semicolons_and_comma_decimals(api: Any) -> None:
    ingest(api, "m1", "ivanov")
    r = post_csv(api, "client_id;revenue;plan;currency;period\nivanov;1 500,75;Бизнес;rub;year\n")
    assert r.status_code == 200 and r.json()["applied"] == 1, r.text
    value = api.get("/v1/clients/ivanov/value").json()["value"]
    assert value == {**value, "revenue": 1500.75, "plan": "Бизнес", "currency": "RUB",
                     "period": "year"}


@pytest.mark.parametrize(("body", "ctype", "status"), [
    (b"", "text/csv", 422),
    (b"name,amount\nx,1\n", "text/csv", 422),
    (b"\xff\xfe\x00garbage", "text/csv", 422),
    (b"client_id,revenue\nc1,1\n", "application/json", 415),
    (b"client_id,revenue\nc1,1\n", "multipart/form-data; boundary=x", 415),
])
def test_malformed_csv_files_are_4xx(api: Any, body: bytes, ctype: str, status: int) -> None:
    r = post_csv(api, body, ctype)
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def make_parting(api: Any, cid: str) -> None:
    """Push a client's stored risk into consider_parting (what many threats would do)."""
    with api.services.db.session() as s:
        ref = ref_threshold(20.0, datetime.now(UTC), api.services.settings.risk_half_life_days)
        s.execute(update(Client).where(Client.external_id == cid).values(risk_ref=ref))
        s.commit()


def test_cost_to_serve_and_why_parting_is_offered(api: Any) -> None:
    for i in range(4):
        ingest(api, f"m{i}", "c1", sent_at=iso(days_ago=i + 1, hour=23))
    ingest(api, "old", "c1", sent_at=iso(days_ago=40, hour=10))
    set_labels(api, "m0", ["threat"])
    set_labels(api, "m1", ["aggression", "threat"])
    set_labels(api, "m2", [])
    set_labels(api, "m3", [])
    worth = api.get("/v1/clients/c1/value").json()
    cost = worth["cost"]
    assert (cost["days"], cost["messages"], cost["flagged"], cost["corrections"]) == (30, 4, 2, 4)
    assert cost["flagged_share"] == 0.5 and cost["messages_all_time"] == 5
    assert cost["off_hours"] == 4 and cost["off_hours_share"] == 1.0  # 23:00 is after hours
    assert worth["parting"]["offered"] is False
    assert "not offered" in worth["parting"]["text"]

    make_parting(api, "c1")
    worth = api.get("/v1/clients/c1/value").json()
    assert worth["parting"] == {
        "offered": True, "risk_level": "consider_parting",
        "text": "parting-ways replies shown because risk is consider_parting: "
                "2 flagged of 4 messages in 30 days"}


def test_parting_replies_follow_the_risk_level(rules_suggester: Any) -> None:
    """The suggester offers the part-ways step at consider_parting and never below it."""
    flagged = [[], ["threat"], ["aggression", "threat"], list(LABELS)]
    texts = {"en": "I am done with you people, you are useless and I will sue you.",
             "ru": "Вы бесполезны, я подам на вас в суд, с меня хватит."}
    for lang, text in texts.items():
        for labels in flagged:
            for level in ("ok", "watch", "difficult"):
                steps = {r.step for r in rules_suggester.suggest(text, labels, lang, level, {},
                                                                 k=10)}
                assert "part_ways" not in steps, (lang, labels, level)
        top = rules_suggester.suggest(text, ["aggression", "threat"], lang, "consider_parting",
                                      {}, k=10)
        assert "part_ways" in {r.step for r in top}, lang


def test_weekly_trend(api: Any) -> None:
    now = datetime.now(UTC)
    ingest(api, "w0", "c1", sent_at=now.isoformat())
    ingest(api, "w1", "c1", sent_at=(now - timedelta(days=7)).isoformat())
    ingest(api, "w1b", "c1", sent_at=(now - timedelta(days=7)).isoformat())
    ingest(api, "ancient", "c1", sent_at=(now - timedelta(days=200)).isoformat())
    set_labels(api, "w0", ["threat"])
    set_labels(api, "w1", ["aggression", "threat"])
    set_labels(api, "w1b", [])
    set_labels(api, "ancient", ["threat"])
    r = api.get("/v1/clients/c1/trend?weeks=4")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["timezone"] == "UTC"
    weeks = body["weeks"]
    assert len(weeks) == 4
    starts = [datetime.fromisoformat(w["week_start"]).date() for w in weeks]
    assert all(d.weekday() == 0 for d in starts)
    assert starts[-1] <= now.date() < starts[-1] + timedelta(days=7)
    assert (weeks[-1]["messages"], weeks[-1]["flagged"], weeks[-1]["counts"]["threat"]) == (
        1, 1, 1)
    assert (weeks[-2]["messages"], weeks[-2]["flagged"]) == (2, 1)
    assert weeks[-2]["counts"] == {**dict.fromkeys(LABELS, 0), "aggression": 1, "threat": 1}
    assert sum(w["messages"] for w in weeks) == 3
    assert api.get("/v1/clients/c1/trend?weeks=0").status_code == 422


def test_clients_export_csv(api: Any) -> None:
    ingest(api, "m1", "=HYPERLINK(\"http://evil\")")
    ingest(api, "m2", "calm@x.com")
    ingest(api, "m3", "calm@x.com")
    ingest(api, "m4", "rude@x.com")
    ingest(api, "g1", "foreign@x.com", key=api.key_b)
    for mid in ("m1", "m2", "m3"):
        set_labels(api, mid, [])
    set_labels(api, "m4", ["aggression", "threat"])
    make_parting(api, "rude@x.com")
    put_value(api, "rude@x.com", {"revenue": 99.9, "currency": "USD", "plan": "Pro"})
    r = api.get("/v1/clients/export.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["client_id"] == "rude@x.com"
    assert {row["client_id"] for row in rows} == {
        "rude@x.com", "calm@x.com", "'=HYPERLINK(\"http://evil\")"}
    rude = rows[0]
    assert rude["risk_level"] == "consider_parting" and float(rude["risk_score"]) >= 12
    assert (rude["messages"], rude["flagged_messages"], rude["threat"], rude["aggression"]) == (
        "1", "1", "1", "1")
    assert (rude["revenue"], rude["currency"], rude["plan"]) == ("99.9", "USD", "Pro")
    calm = next(row for row in rows if row["client_id"] == "calm@x.com")
    assert (calm["messages"], calm["flagged_messages"], calm["risk_level"]) == ("2", "0", "ok")
    assert calm["revenue"] == "" and calm["threat"] == "0"
    assert api.client.get("/v1/clients/export.csv").status_code == 401
