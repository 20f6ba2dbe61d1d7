"""ReplySuggester with the real e5 encoder: meaning picks the reply when labels cannot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.replies import ReplySuggester
from service.replies.encoder import E5Encoder, cached_encode

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def encoder(base_model_dir: Path) -> E5Encoder:
    import torch

    torch.set_num_threads(1)
    return E5Encoder(base_model_dir)


@pytest.fixture(scope="module")
def semantic(encoder: E5Encoder, tmp_path_factory: pytest.TempPathFactory) -> ReplySuggester:
    return ReplySuggester(encoder=encoder, cache_dir=tmp_path_factory.mktemp("emb"))


def test_mode_is_semantic(semantic):
    assert semantic.mode == "semantic"


@pytest.mark.parametrize(
    ("text", "lang", "step"),
    [
        ("Hi, I have not paid last month's invoice yet, can I pay it in two parts?", "en",
         "late_payment"),
        ("Добрый день, счёт оплачу только в следующем месяце, можно рассрочку?", "ru",
         "late_payment"),
        ("Ich kann die Rechnung erst nächsten Monat bezahlen.", "de", "late_payment"),
    ],
)
def test_meaning_finds_the_payment_reply_without_labels(semantic, text, lang, step):
    out = semantic.suggest(text, [], None, "ok", {})
    assert out[0].lang == lang
    assert out[0].step == step


def test_meaning_reorders_within_labels(semantic):
    """Two demands with the same labels get different templates of decline_offer."""
    rush = semantic.suggest("I need the whole project finished by tomorrow morning, no excuses",
                            ["unreasonable_demand"], "en", "watch", {}, k=1)
    discount = semantic.suggest("Give me eighty percent off or I will leave",
                                ["unreasonable_demand"], "en", "watch", {}, k=1)
    assert rush[0].step == discount[0].step == "decline_offer"
    assert rush[0].id != discount[0].id


@pytest.mark.parametrize(
    ("text", "labels", "risk", "first"),
    [
        ("Вы полные идиоты, верните мне деньги немедленно!", ["aggression"], "watch",
         "boundary_tone"),
        ("You are useless morons, fix it now!", ["aggression"], "difficult", "boundary_tone"),
        ("Увидимся в суде, мой юрист уже готовит иск.", ["threat"], "watch", "threat_procedure"),
        ("My lawyer will contact you, see you in court.", ["threat"], "ok", "threat_procedure"),
    ],
)
def test_labels_still_lead_with_the_encoder(semantic, text, labels, risk, first):
    assert semantic.suggest(text, labels, None, risk, {})[0].step == first


def test_consider_parting_offers_part_ways(semantic):
    out = semantic.suggest("I am done with you, this is the worst service ever",
                           ["aggression"], "en", "consider_parting", {})
    assert "part_ways" in [r.step for r in out]


def test_embeddings_are_cached_on_disk(encoder, tmp_path):
    texts = ["query one", "second text"]
    first = cached_encode(encoder, texts, tmp_path)
    files = list(tmp_path.glob("replies-*.npy"))
    assert len(files) == 1
    np.save(files[0], np.zeros_like(first))  # prove the second call reads the file
    assert not cached_encode(encoder, texts, tmp_path).any()
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)


@pytest.fixture
def semantic_api(app_settings, test_classifier, semantic):
    from fastapi.testclient import TestClient

    from service.main import create_app
    from service.tenants import create_key

    app = create_app(app_settings, classifier=test_classifier, suggester=semantic)
    with TestClient(app, raise_server_exceptions=False) as client:
        with app.state.services.db.session() as s:
            key = create_key(s, "acme")
        client.headers["X-API-Key"] = key
        yield client


def test_endpoint_uses_meaning(semantic_api):
    text = "Hello, I can only pay last month's invoice next month, is that possible?"
    r = semantic_api.post("/v1/messages", json={
        "message_id": "pay-1", "client_id": "c-1", "text": text,
        "sent_at": "2026-11-02T10:00:00+00:00"})
    assert r.status_code == 200, r.text
    # Labels from the test network are random; an agent's correction fixes them.
    assert semantic_api.post("/v1/feedback", json={"message_id": "pay-1",
                                                    "labels": []}).status_code == 200
    r = semantic_api.post("/v1/replies/suggest", json={
        "message_id": "pay-1", "client_name": "Sam", "k": 2, "lang": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mode"] == "semantic" and body["labels"] == []
    assert body["replies"][0]["step"] == "late_payment"
    assert body["replies"][0]["text"].startswith("Hello Sam,")
