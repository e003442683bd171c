"""The KPI dashboard for quality monitors and administrators: the figures as JSON and as an
HTML fragment (inline SVG, no script) that the monitor console inserts into its page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from belbot.api.deps import MonitorDep, StoreDep
from belbot.monitoring.dashboard import render_fragment
from belbot.monitoring.kpi import KpiReport, Period, default_period, kpi_report, parse_period

router = APIRouter(prefix="/v1/monitor", tags=["monitoring"])
NO_STORE = {"Cache-Control": "no-store"}  # figures about agents' work: not kept by a browser

PeriodQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="ISO-week (2026-W47), maand (2026-11), dag (2026-11-25) of reeks "
        "(2026-11-01..2026-11-30, inclusief). Standaard: de laatste 7 volle dagen en vandaag.",
    ),
]


def _report(request: Request, store: StoreDep, period: str | None) -> KpiReport:
    chosen: Period = parse_period(period) if period else default_period()
    watts = request.app.state.settings.evaluation.watts_per_core
    labels = {tag.id: tag.label for tag in request.app.state.taxonomy.tags}
    return kpi_report(
        store, chosen.start, chosen.until, watts, label=chosen.label, tag_labels=labels
    )


@router.get("/kpi", response_model=KpiReport)
def kpi(
    request: Request, store: StoreDep, identity: MonitorDep, period: PeriodQuery = None
) -> KpiReport:
    """De KPI's per dag, over de periode en per tag, met hun definities."""
    return _report(request, store, period)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request, store: StoreDep, identity: MonitorDep, period: PeriodQuery = None
) -> HTMLResponse:
    """Het dashboard als HTML-fragment: grafieken (SVG) met hun tabellen, zonder script."""
    return HTMLResponse(render_fragment(_report(request, store, period)), headers=NO_STORE)
