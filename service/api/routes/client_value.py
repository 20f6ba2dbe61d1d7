"""Worth keeping? A client's value (API or CRM CSV import) beside the cost to serve,
their flags per week, and every client as CSV.

Mounted before service.api.routes.clients: its `/clients/{client_id:path}` would
otherwise take `/clients/export.csv` and `/clients/{id}/value` as client ids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from classifier.hours import effective_hours
from service.api.deps import ServicesDep, SessionDep, TenantDep
from service.api.schemas.client_value import (
    BadRowOut,
    ClientTrend,
    ClientValueIn,
    ClientValueOut,
    ClientWorth,
    CostOut,
    ImportOut,
    PartingOut,
    TrendWeek,
)
from service.api.schemas.common import Identifier, errors
from service.client_trends import export_csv, weekly_trend
from service.client_value import (
    MalformedCsv,
    Value,
    clear_value,
    cost_to_serve,
    get_value,
    import_values,
    parting_reason,
    set_value,
)
from service.context import Services, TenantContext
from service.reads import find_client
from service.views import client_tally

router = APIRouter(prefix="/v1", tags=["clients"])
NOT_FOUND = errors(401, 404, 422)
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel",
             "text/tab-separated-values", "application/octet-stream")
CSV_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}, "example":
                                 "client_id,revenue,plan\nanna@example.com,1200,Business\n"}},
    }
}


def _zone(services: Services, tenant: TenantContext) -> ZoneInfo:
    hours = effective_hours(services.settings.business_hours, tenant.business_hours)
    return ZoneInfo(str(hours.get("timezone") or "UTC"))


def _value_out(v: Value | None) -> ClientValueOut | None:
    if v is None:
        return None
    return ClientValueOut(revenue=v.revenue, currency=v.currency, period=v.period,  # type: ignore[arg-type]
                          plan=v.plan, updated_at=v.updated_at)


@router.get("/clients/export.csv", response_class=StreamingResponse, responses={
    200: {"content": {"text/csv": {}}, "description": "One row per client, riskiest first."},
    **errors(401)})
def export_clients(tenant: TenantDep, services: ServicesDep) -> StreamingResponse:
    """Every client with risk level and score, message counts, per-label counts and value."""
    now, half_life = datetime.now(UTC), services.settings.risk_half_life_days

    def chunks():  # type: ignore[no-untyped-def]
        with services.db.session() as session:  # its own: the response outlives the request
            yield from export_csv(session, tenant.id, now, half_life)

    stamp = now.strftime("%Y%m%d")
    return StreamingResponse(chunks(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="toneguard-clients-{stamp}.csv"',
        "Cache-Control": "no-store",
    })


@router.post("/clients/values.csv", response_model=ImportOut,
             responses=errors(401, 413, 415, 422), openapi_extra=CSV_OPENAPI)
async def import_client_values(
    request: Request, tenant: TenantDep, services: ServicesDep
) -> ImportOut:
    """Import values from a CRM export: columns client_id, revenue, plan (optional currency,
    period). Good rows are applied; bad rows come back with their line and reason."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in CSV_TYPES:
        raise HTTPException(415, f"send the CSV file itself as the body with Content-Type: "
                                 f"text/csv (got {ctype or 'none'})")
    data = await request.body()

    def run() -> ImportOut:
        with services.db.session() as session:
            report = import_values(session, tenant.id, data)
        return ImportOut(rows=report.rows, applied=report.applied, bad=report.bad_total,
                         bad_rows=[BadRowOut(line=b.line, client_id=b.client_id,
                                             reason=b.reason) for b in report.bad_rows])

    try:
        return await run_in_threadpool(run)
    except MalformedCsv as exc:
        raise HTTPException(422, str(exc)) from exc


@router.put("/clients/{client_id:path}/value", response_model=ClientValueOut,
            responses=NOT_FOUND)
def put_client_value(
    client_id: Identifier, body: ClientValueIn, tenant: TenantDep, session: SessionDep
) -> ClientValueOut:
    """Attach what the client brings: revenue per month or year and/or a plan name."""
    done = set_value(session, tenant.id, client_id, body.revenue, body.currency, body.period,
                     body.plan)
    if done is None:
        raise HTTPException(404, f"no client {client_id!r}")
    out = _value_out(done)
    assert out is not None
    return out


@router.delete("/clients/{client_id:path}/value", status_code=204, responses=NOT_FOUND)
def delete_client_value(client_id: Identifier, tenant: TenantDep,
                        session: SessionDep) -> Response:
    if clear_value(session, tenant.id, client_id) is None:
        raise HTTPException(404, f"no client {client_id!r}")
    return Response(status_code=204)


@router.get("/clients/{client_id:path}/value", response_model=ClientWorth, responses=NOT_FOUND)
def get_client_worth(
    client_id: Identifier, tenant: TenantDep, services: ServicesDep, session: SessionDep
) -> ClientWorth:
    """The client's value beside the cost to serve them (last 30 days), and whether the
    parting-ways replies are offered, with the reason."""
    client = find_client(session, tenant.id, client_id)
    if client is None:
        raise HTTPException(404, f"no client {client_id!r}")
    now = datetime.now(UTC)
    cost = cost_to_serve(session, client, now)
    tally = client_tally(session, client.id, client.external_id,
                         services.settings.risk_half_life_days, now)
    parting = parting_reason(tally, cost)
    return ClientWorth(
        client_id=client.external_id, value=_value_out(get_value(session, client.id)),
        cost=CostOut(days=cost.days, messages=cost.messages, flagged=cost.flagged,
                     flagged_share=cost.flagged_share, off_hours=cost.off_hours,
                     off_hours_share=cost.off_hours_share, corrections=cost.corrections,
                     messages_all_time=cost.messages_all_time),
        parting=PartingOut(offered=parting.offered, risk_level=parting.risk_level,  # type: ignore[arg-type]
                           text=parting.text),
    )


@router.get("/clients/{client_id:path}/trend", response_model=ClientTrend, responses=NOT_FOUND)
def get_client_trend(
    client_id: Identifier, tenant: TenantDep, services: ServicesDep, session: SessionDep,
    weeks: Annotated[int, Query(ge=1, le=104)] = 12,
) -> ClientTrend:
    """Messages, flagged messages and flags per label for each of the last `weeks` weeks."""
    client = find_client(session, tenant.id, client_id)
    if client is None:
        raise HTTPException(404, f"no client {client_id!r}")
    zone = _zone(services, tenant)
    trend = weekly_trend(session, client.id, datetime.now(UTC), weeks, zone)
    return ClientTrend(client_id=client.external_id, timezone=zone.key, weeks=[
        TrendWeek(week_start=w.start, messages=w.messages, flagged=w.flagged, counts=w.counts)
        for w in trend
    ])
