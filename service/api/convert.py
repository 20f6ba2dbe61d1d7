"""Turn service-layer views into response models."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from classifier.types import Prediction
from service.api.schemas.clients import ClientDetail, Evidence, LastMessage, TimelineDay
from service.api.schemas.common import (
    Classification,
    ModelInfo,
    ReasonOut,
    ReplyOut,
    SpanOut,
    TallyOut,
)
from service.api.schemas.messages import (
    CorrectionOut,
    MessageDetail,
    MessageOut,
    MessageSummary,
)
from service.api.schemas.sensitivity import DecisionOut
from service.reads import ClientCard, CorrectionMark, InboxRow
from service.replies.suggester import SuggestedReply
from service.views import ClientTally, StoredMessage

PREVIEW_CHARS = 200


def spans_out(spans: list[dict[str, Any]]) -> list[SpanOut]:
    return [SpanOut(**{k: s[k] for k in ("label", "start", "end", "text", "score")})
            for s in spans]


def classification(p: Prediction) -> Classification:
    return Classification(
        labels=list(p.labels), scores=dict(p.scores),
        spans=[SpanOut(**asdict(s)) for s in p.spans], lang=p.lang,
        outside_business_hours=p.outside_business_hours,
        ignored_ranges=[(int(a), int(b)) for a, b in p.ignored_ranges],
    )


def tally_out(t: ClientTally) -> TallyOut:
    return TallyOut(client_id=t.client_id, messages_seen=t.messages_seen, counts=t.counts,
                    risk_score=t.risk_score, risk_level=t.risk_level)  # type: ignore[arg-type]


def _message_fields(m: StoredMessage) -> dict[str, Any]:
    return dict(
        message_id=m.message_id, client_id=m.client_id, text=m.text, subject=m.subject,
        channel=m.channel, sent_at=m.sent_at, sent_utc_offset=m.sent_utc_offset,
        received_at=m.received_at, labels=m.labels, model_labels=m.model_labels,
        scores=m.scores, spans=spans_out(m.spans),
        ignored_ranges=[(int(a), int(b)) for a, b in m.ignored_ranges], lang=m.lang,
        outside_business_hours=m.outside_business_hours, corrected=m.corrected,
        model=ModelInfo(name=m.model_name, version=m.model_version),
        thresholds=DecisionOut(**m.thresholds) if m.thresholds else None,
    )


def message_out(m: StoredMessage) -> MessageOut:
    return MessageOut(**_message_fields(m))


def message_detail(
    m: StoredMessage, t: ClientTally, correction: CorrectionMark | None = None
) -> MessageDetail:
    fix = correction and CorrectionOut(agent=correction.agent, at=correction.at,
                                       labels=correction.labels)
    return MessageDetail(**_message_fields(m), client=tally_out(t), correction=fix or None)


def last_message(m: StoredMessage | None) -> LastMessage | None:
    if m is None:
        return None
    return LastMessage(message_id=m.message_id, sent_at=m.sent_at,
                       sent_utc_offset=m.sent_utc_offset, received_at=m.received_at)


def summary(row: InboxRow) -> MessageSummary:
    m = row.message
    return MessageSummary(
        message_id=m.message_id, client_id=m.client_id, channel=m.channel, subject=m.subject,
        preview=m.text[:PREVIEW_CHARS], sent_at=m.sent_at, sent_utc_offset=m.sent_utc_offset,
        received_at=m.received_at,
        labels=m.labels, lang=m.lang, outside_business_hours=m.outside_business_hours,
        client_risk_level=row.client_risk_level,  # type: ignore[arg-type]
    )


def client_detail(card: ClientCard) -> ClientDetail:
    t = card.tally
    return ClientDetail(
        client_id=t.client_id, messages_seen=t.messages_seen, counts=t.counts,
        risk_score=t.risk_score, risk_level=t.risk_level,  # type: ignore[arg-type]
        counts_7d=card.counts_7d, counts_30d=card.counts_30d, first_seen=card.first_seen,
        last_seen=card.last_seen,
        reasons=[ReasonOut(code=r.code, count=r.count, days=r.days, text=r.text)
                 for r in card.reasons],
        evidence=[
            Evidence(message_id=m.message_id, sent_at=m.sent_at,
                     sent_utc_offset=m.sent_utc_offset, received_at=m.received_at,
                     channel=m.channel, labels=m.labels, text=m.text, spans=spans_out(m.spans),
                     ignored_ranges=[(int(a), int(b)) for a, b in m.ignored_ranges],
                     outside_business_hours=m.outside_business_hours)
            for m in card.evidence
        ],
        timeline=[TimelineDay(date=d, flagged=n, counts=c) for d, n, c in card.timeline],
        last_message=last_message(card.last_message),
    )


def reply_out(replies: list[SuggestedReply]) -> list[ReplyOut]:
    """Suggested replies as the API shows them (ingest and /v1/replies/suggest alike)."""
    return [ReplyOut(id=r.id, step=r.step, lang=r.lang, text=r.text, score=r.score,
                     labels=list(r.labels)) for r in replies]
