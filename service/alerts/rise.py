"""Noticing a rise in a client's risk level, once.

`alert_states` keeps the level each client was last alerted at (or fell back to). A rise
is judged against the lower of that and the level the client had just before this
message, so a client whose score decayed below an earlier alert and then climbs back is
alerted again. The state change and the alert job commit in one transaction, guarded by
a conditional update, so concurrent messages raise one alert, and a crash before that
commit is healed by the client's next message (the state still shows the lower level).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.alerts.targets import targets_for
from service.context import Services, TenantContext
from service.db.models import AlertState, Client
from service.ingest import IngestResult
from service.jobs.queue import enqueue
from service.risk import LEVEL_NAMES, current_score, level_for, ref_contribution

logger = logging.getLogger(__name__)
RANK = {name: i for i, name in enumerate(LEVEL_NAMES)}


def _level_before(result: IngestResult, half_life: float, now: datetime) -> str:
    m = result.message
    event_at = min(m.sent_at, m.received_at) if m.sent_at else m.received_at
    own = current_score(ref_contribution(m.labels, event_at, half_life), now, half_life)
    return level_for(max(0.0, result.tally.risk_score - own))


def alert_key(tenant: str, message_id: str, level: str) -> str:
    return f"alert:{tenant}:{message_id}:{level}"


def check_rise(services: Services, tenant: TenantContext, result: IngestResult) -> bool:
    """Record the client's level after `result`; queue an alert on a rise to
    `alert_min_level` or above (True when queued). Nothing happens for a tenant whose
    alerts go nowhere."""
    settings = services.settings
    if not targets_for(settings, tenant.name).any:
        return False
    now = datetime.now(UTC)
    after = result.tally.risk_level
    before = _level_before(result, settings.risk_half_life_days, now)
    client_id = result.message.client_id
    with services.db.session() as s:
        client_pk = s.scalar(select(Client.id).where(Client.tenant_id == tenant.id,
                                                     Client.external_id == client_id))
        if client_pk is None:
            return False
        stored = s.scalar(select(AlertState.level).where(AlertState.client_pk == client_pk))
    known = stored or "ok"
    baseline = min(known, before, key=RANK.__getitem__)
    if after == known and baseline == known:
        return False  # the usual case: nothing changed, no write
    with services.db.session() as s:
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        s.execute(insert(AlertState).values(client_pk=client_pk, level="ok", changed_at=now)
                  .on_conflict_do_nothing(index_elements=["client_pk"]))
        # Only the transaction that moves the state from exactly `known` acts on it.
        moved = s.execute(update(AlertState)
                          .where(AlertState.client_pk == client_pk, AlertState.level == known)
                          .values(level=after, changed_at=now))
        rose = (getattr(moved, "rowcount", 0) == 1 and RANK[after] > RANK[baseline]
                and RANK[after] >= RANK[settings.alert_min_level])
        if rose:
            enqueue(s, kind="alert", key=alert_key(tenant.name, result.message.message_id, after),
                    tenant_id=tenant.id, max_attempts=settings.jobs_max_attempts,
                    payload={"tenant": tenant.name, "client_id": client_id, "level": after,
                             "previous": baseline, "message_id": result.message.message_id,
                             "labels": list(result.message.labels)})
        s.commit()
    if rose:
        logger.info("client %s of %s rose from %s to %s: alert queued", client_id, tenant.name,
                    baseline, after)
    return rose
