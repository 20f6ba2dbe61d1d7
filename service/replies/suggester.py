"""Pick the best reply templates for a message: playbook, labels, risk, meaning.

Two modes, chosen by the caller, never switched silently: `semantic` adds
embedding similarity from the e5 encoder; `rules` uses labels and risk only, so
the service still answers when the encoder is unavailable on purpose.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifier.lang import detect_language
from classifier.types import LABELS
from service.replies.encoder import E5Encoder, Encoder, cached_encode
from service.replies.render import render
from service.replies.schedule_text import Schedule
from service.replies.templates import RISK_LEVELS, Playbook, Template, load_playbook

logger = logging.getLogger(__name__)

FALLBACK_LANG = "en"
# The step that answers each label, most pressing label first.
LABEL_STEPS: tuple[tuple[str, str], ...] = (
    ("threat", "threat_procedure"),
    ("aggression", "boundary_tone"),
    ("unreasonable_demand", "decline_offer"),
    ("off_hours_pressure", "working_hours"),
)
WEIGHTS = {"playbook": 0.35, "labels": 0.2, "risk": 0.15, "semantic": 0.3}
# Topics (named in data/replies/<lang>.json) that call for a payment or an apology step.
PAYMENT_TOPICS = frozenset({"payment_due", "invoice_dispute"})
FAULT_TOPICS = frozenset({"company_fault", "slow_reply"})
_MAX_QUERY_CHARS = 2000


@dataclass
class SuggestedReply:
    id: str
    step: str
    lang: str
    text: str
    score: float
    labels: list[str] = field(default_factory=list)


def playbook_order(
    labels: list[str], risk_level: str, topics: set[str] | frozenset[str] = frozenset()
) -> list[tuple[str, float]]:
    """Steps this situation calls for, most pressing first, with a weight that falls by rank.

    A step is called for by a flag (its label), by the risk level (`part_ways` only at
    `consider_parting`) or by a topic the message is about (payment, a fault of ours);
    nothing else. An unflagged message gets a neutral acknowledgement, never a boundary,
    a refusal, a formal-procedure answer or a payment reminder.
    """
    steps = [step for label, step in LABEL_STEPS if label in labels]
    if risk_level == "consider_parting":
        steps.append("part_ways")
    if topics & PAYMENT_TOPICS:
        steps.append("late_payment")
    steps.append("listen" if labels else "acknowledge")
    if topics & FAULT_TOPICS:
        steps.append("apologise")
    return [(step, 1.0 / (1 + rank)) for rank, step in enumerate(steps)]


def eligible(template: Template, labels: list[str], topics: set[str]) -> bool:
    """A template fits only when its labels and topics (if it names any) are the message's."""
    if template.labels and not set(template.labels) & set(labels):
        return False
    return not template.topics or bool(set(template.topics) & topics)


def label_fit(template: Template, labels: list[str]) -> float:
    if not labels:
        return 0.0 if template.labels else 1.0
    if not template.labels:
        return 0.3  # general replies suit any flagged message a little
    return len(set(template.labels) & set(labels)) / len(labels)


def _schedule(hours: Mapping[str, Any] | None) -> tuple[Schedule | None, str | None]:
    if not hours:
        return None, None
    weekly = hours.get("weekly")
    zone = hours.get("timezone")
    return (weekly if isinstance(weekly, Mapping) else None), (str(zone) if zone else None)


class ReplySuggester:
    """Ranks the playbook's templates for one message and fills their variables."""

    def __init__(
        self,
        playbook: Playbook | None = None,
        encoder: Encoder | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """encoder=None selects the rules-only mode explicitly."""
        self.playbook = playbook or load_playbook()
        self.encoder = encoder
        self._cache_dir = cache_dir
        self._vectors: dict[str, np.ndarray] | None = None
        self._lock = threading.Lock()
        # The language of texts too short to detect (the service's default_language).
        self.default_lang: str | None = None
        if encoder is not None:
            self.warm()

    @classmethod
    def semantic(
        cls,
        model_dir: Path | None = None,
        playbook: Playbook | None = None,
        cache_dir: Path | None = None,
    ) -> ReplySuggester:
        """Load the e5 encoder (raises if it cannot) and embed the playbook.

        Template embeddings are cached under the project's model cache by default.
        """
        if cache_dir is None:
            from classifier.paths import default_cache_dir

            cache_dir = default_cache_dir() / "replies"
        return cls(playbook, E5Encoder(model_dir), cache_dir)

    @classmethod
    def rules_only(cls, playbook: Playbook | None = None) -> ReplySuggester:
        return cls(playbook, None)

    @property
    def mode(self) -> str:
        return "semantic" if self.encoder is not None else "rules"

    def warm(self) -> None:
        """Embed every template once: the mean of its text and its cues."""
        if self.encoder is None or self._vectors is not None:
            return
        with self._lock:
            if self._vectors is not None:
                return
            texts: list[str] = []
            owners: list[int] = []
            for i, t in enumerate(self.playbook.templates):
                for piece in (t.text, *t.cues):
                    texts.append(piece)
                    owners.append(i)
            flat = cached_encode(self.encoder, texts, self._cache_dir)
            vectors: dict[str, np.ndarray] = {}
            owner_arr = np.array(owners)
            for i, t in enumerate(self.playbook.templates):
                v = flat[owner_arr == i].mean(axis=0)
                vectors[t.id] = v / max(float(np.linalg.norm(v)), 1e-9)
            self._vectors = vectors
            logger.info("embedded %d reply templates", len(vectors))

    def resolve_lang(self, text: str, lang: str | None) -> str:
        """The caller's language, else the detected one; English when the playbook lacks it."""
        code = lang.strip().lower().replace("_", "-").split("-")[0] if lang else None
        if not code:
            code = detect_language(text, self.default_lang)
        return code if code in self.playbook.frames else FALLBACK_LANG

    def topics_of(self, text: str, lang: str) -> set[str]:
        """Topics found in text by the patterns of the reply language (and English's)."""
        frames = [self.playbook.frames[lang]]
        if lang != FALLBACK_LANG:
            frames.append(self.playbook.frames[FALLBACK_LANG])
        found: set[str] = set()
        for frame in frames:
            found |= frame.topics_of(text[:_MAX_QUERY_CHARS * 5])
        return found

    def _semantic_scores(self, text: str, candidates: list[Template]) -> np.ndarray:
        if self.encoder is None or not text.strip():
            return np.zeros(len(candidates), dtype=np.float32)
        self.warm()
        assert self._vectors is not None
        query = self.encoder.encode([text[:_MAX_QUERY_CHARS]])[0]
        sims = np.array([float(self._vectors[t.id] @ query) for t in candidates])
        spread = float(sims.max() - sims.min())
        # e5 cosines crowd into a narrow band; rescale within the candidates.
        return (sims - sims.min()) / spread if spread > 1e-6 else np.zeros_like(sims)

    def suggest(
        self,
        text: str,
        labels: list[str],
        lang: str | None,
        risk_level: str,
        variables: dict[str, str],
        k: int = 3,
        *,
        repeat_steps: bool = False,
        hours: Mapping[str, Any] | None = None,
    ) -> list[SuggestedReply]:
        """Top k filled replies, at most one per playbook step unless repeat_steps.

        `hours` is the tenant's business hours in the stored JSON shape
        (`{"timezone", "weekly": {"mon": [["09:00", "18:00"]], ...}}`); it fills
        {business_hours} in the reply's language when `variables` does not give it.
        """
        unknown = [label for label in labels if label not in LABELS]
        if unknown:
            raise ValueError(f"unknown label(s) {unknown}; known: {', '.join(LABELS)}")
        if risk_level not in RISK_LEVELS:
            raise ValueError(f"unknown risk level {risk_level!r}; known: {', '.join(RISK_LEVELS)}")
        if k < 1:
            raise ValueError("k must be at least 1")
        code = self.resolve_lang(text, lang)
        topics = self.topics_of(text, code)
        order = dict(playbook_order(labels, risk_level, topics))
        candidates = [
            t for t in self.playbook.for_lang(code)
            if t.step in order and eligible(t, labels, topics)
        ]
        if not candidates:
            return []
        semantic = self._semantic_scores(text, candidates)
        w = WEIGHTS
        scored = []
        for t, sem in zip(candidates, semantic, strict=True):
            score = (
                w["playbook"] * order.get(t.step, 0.0)
                + w["labels"] * label_fit(t, labels)
                + w["risk"] * (1.0 if risk_level in t.risk_levels else 0.0)
                + w["semantic"] * float(sem)
            )
            scored.append((score, t))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        chosen = self._pick(scored, k, repeat_steps)
        frame = self.playbook.frames[code]
        return [
            SuggestedReply(
                id=t.id,
                step=t.step,
                lang=t.lang,
                text=render(t, frame, variables, *_schedule(hours)),
                score=round(s, 4),
                labels=list(t.labels),
            )
            for s, t in chosen
        ]

    @staticmethod
    def _pick(
        scored: list[tuple[float, Template]], k: int, repeat_steps: bool
    ) -> list[tuple[float, Template]]:
        if repeat_steps:
            return scored[:k]
        chosen: list[tuple[float, Template]] = []
        steps: set[str] = set()
        for pair in scored:
            if pair[1].step not in steps:
                chosen.append(pair)
                steps.add(pair[1].step)
            if len(chosen) == k:
                break
        return chosen


def variables_from(
    client_name: str | None = None,
    agent_name: str | None = None,
    company: str | None = None,
    business_hours: str | None = None,
    **extra: str | None,
) -> dict[str, str]:
    """Drop unset values so the language defaults apply."""
    raw: Mapping[str, str | None] = {
        "client_name": client_name,
        "agent_name": agent_name,
        "company": company,
        "business_hours": business_hours,
        **extra,
    }
    return {key: value for key, value in raw.items() if value}
