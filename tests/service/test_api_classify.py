"""POST /v1/classify: structure, batch limits, nothing stored."""

from __future__ import annotations

from classifier.types import LABELS
from tests.service.helpers import iso


def test_classify_returns_one_result_per_message_and_stores_nothing(api):
    texts = ["Where is my parcel?", "Вы меня обманули, верните деньги немедленно!"]
    r = api.post("/v1/classify", {"messages": [{"text": t, "sent_at": iso()} for t in texts]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"]["name"] and body["model"]["version"]
    assert len(body["results"]) == 2
    for text, res in zip(texts, body["results"], strict=True):
        assert set(res["scores"]) == set(LABELS)
        assert all(0.0 <= s <= 1.0 for s in res["scores"].values())
        assert set(res["labels"]) <= set(LABELS)
        for span in res["spans"]:
            assert text[span["start"]:span["end"]] == span["text"]
            assert span["label"] in LABELS
    assert api.get("/v1/messages").json()["total"] == 0
    assert api.get("/v1/clients").json()["total"] == 0


def test_classify_accepts_64_and_refuses_65(api):
    ok = api.post("/v1/classify", {"messages": [{"text": f"message {i}"} for i in range(64)]})
    assert ok.status_code == 200
    assert len(ok.json()["results"]) == 64
    too_many = api.post("/v1/classify", {"messages": [{"text": "x"} for _ in range(65)]})
    assert too_many.status_code == 422
    assert too_many.json()["error"] == "invalid_request"


def test_classify_refuses_empty_batch_and_blank_text(api):
    assert api.post("/v1/classify", {"messages": []}).status_code == 422
    r = api.post("/v1/classify", {"messages": [{"text": "  \n\t "}]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "text"


def test_classify_with_business_hours_override(api):
    body = {
        "messages": [{"text": "Answer me right now!", "sent_at": "2026-11-22T03:00:00+00:00"}],
        "business_hours": {"timezone": "Europe/Berlin", "weekly": {"mon": [["09:00", "17:00"]]},
                           "holidays": ["2026-12-24"]},
    }
    r = api.post("/v1/classify", body)
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["outside_business_hours"] is True
    bad = dict(body, business_hours={"timezone": "Mars/Olympus"})
    assert api.post("/v1/classify", bad).status_code == 422
