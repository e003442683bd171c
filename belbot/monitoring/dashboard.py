"""A KpiReport as HTML: a fragment for the monitor console and a standalone document for the
report. The plots (charts.py) are followed by their data; CSV is in kpi_csv.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from belbot.monitoring.charts import (
    Series,
    bar_list,
    column_chart,
    escape,
    line_chart,
    nl,
    pct,
    table,
)
from belbot.monitoring.kpi import DayKpi, Figures, KpiReport, TagKpi

CSS = """
.kpi-dashboard{font:14px system-ui,sans-serif;color:#222;max-width:1400px}
.kpi-dashboard h2,.kpi-dashboard h3{margin:18px 0 6px}
.kpi-tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px;margin:0}
.kpi-tile{border:1px solid #bbb;border-radius:4px;padding:6px 8px;margin:0}
.kpi-tile dt{font-size:12px;color:#444}.kpi-tile dd{margin:2px 0 0;font-size:18px}
.kpi-tile small{font-size:12px;color:#444}
.kpi-panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:4px 24px}
.kpi-panel{margin:8px 0 16px;min-width:0}.kpi-panel svg{max-width:100%;height:auto}
.kpi-legend{font-size:12px;margin:2px 0}.kpi-swatch{display:inline-block;width:12px;height:12px;
margin:0 4px 0 10px;vertical-align:middle}
.kpi-table{border-collapse:collapse;margin:6px 0}
.kpi-table td,.kpi-table th{border:1px solid #bbb;padding:2px 6px;text-align:right}
.kpi-table th[scope=row],.kpi-table td.kpi-text{text-align:left}
.kpi-defs dt{font-weight:600;margin-top:6px}.kpi-defs dd{margin:0 0 0 12px}
.kpi-axis{font:11px sans-serif;fill:#444}
"""


def panel(title: str, chart: str, data: str, note: str = "") -> str:
    extra = f"<p>{escape(note)}</p>" if note else ""
    return (
        f"<section class='kpi-panel'><h3>{escape(title)}</h3>{extra}{chart}"
        f"<details class='kpi-data'><summary>Tabel: {escape(title)}</summary>{data}</details>"
        "</section>"
    )


Column = tuple[str, Callable[[DayKpi], float | None], Callable[[float | None], str]]


def _day_panel(
    title: str,
    days: list[DayKpi],
    columns: Sequence[Column],
    plotted: int | None = None,
    columns_chart: bool = False,
    top: float | None = None,
    note: str = "",
) -> str:
    """The first ``plotted`` columns (all by default) plotted per day, then every column in
    the table under it; the axis is labelled with the first column's format."""
    labels = [d.day for d in days]
    series = [Series(name, [get(d) for d in days]) for name, get, _ in columns[:plotted]]
    fmt = columns[0][2]
    if columns_chart:
        chart = column_chart(title, labels, series, fmt)
    else:
        chart = line_chart(title, labels, series, fmt, top=top)
    rows = [[d.day, *(fmt(get(d)) for _, get, fmt in columns)] for d in days]
    return panel(title, chart, table(["dag", *(c[0] for c in columns)], rows), note)


def _count(value: float | None) -> str:
    return nl(value)


def _ms(value: float | None) -> str:
    return nl(value, 0, "ms")


def _seconds(value: float | None) -> str:
    return nl(value, 1, "s")


def _wh(value: float | None) -> str:
    return nl(value, 2, "Wh")


def _tiles(t: Figures, watts: float) -> str:
    interval = (
        f"95%-interval {pct(t.accuracy_low)} – {pct(t.accuracy_high)}, n = {t.reviews}"
        if t.accuracy_low is not None
        else "nog niets beoordeeld"
    )
    tiles = [
        ("Vragen", nl(t.answers), f"{nl(t.conversations)} gesprekken"),
        ("Duim omhoog", pct(t.thumbs_up_rate),
         f"{nl(t.thumbs_up)} omhoog, {nl(t.thumbs_down)} omlaag"),
        ("Weigering", pct(t.refusal_rate),
         f"terugval {pct(t.fallback_rate)}, geblokkeerd {pct(t.blocked_rate)}"),
        ("Antwoordtijd p50", _ms(t.latency_p50_ms), f"p95 {_ms(t.latency_p95_ms)}"),
        ("Tijd tot vinden p50", _seconds(t.find_p50_s),
         f"{nl(t.find_found)} van {nl(t.find_shown)} getoonde antwoorden gebruikt"),
        ("Tijd tot afronden p50", _seconds(t.resolve_p50_s),
         f"p95 {_seconds(t.resolve_p95_s)}"),
        ("Escalaties per vraag", pct(t.escalation_rate), f"{nl(t.escalations)} escalaties"),
        ("Cachetreffers", pct(t.cache_hit_rate), f"{_wh(t.energy_saved_wh)} bespaard"),
        ("CPU per antwoord", nl(t.cpu_s_per_answer, 2, "s"),
         f"{nl(t.wh_per_answer, 4, 'Wh')} bij {nl(watts, 0, 'W')} per kern"),
        ("Nauwkeurigheid (steekproef)", pct(t.accuracy), interval),
    ]  # fmt: skip
    items = "".join(
        f"<div class='kpi-tile'><dt>{escape(name)}</dt><dd>{escape(value)}</dd>"
        f"<dd><small>{escape(sub)}</small></dd></div>"
        for name, value, sub in tiles
    )
    return f"<dl class='kpi-tiles'>{items}</dl>"


def _reasons_panel(t: Figures) -> str:
    reasons = sorted(t.thumbs_down_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    chart = bar_list("Redenen bij duim omlaag", [(r, n, nl(n)) for r, n in reasons])
    return panel("Redenen duim omlaag", chart,
                 table(["reden", "aantal"], [[r, nl(n)] for r, n in reasons]))  # fmt: skip


def _tag_panel(tags: list[TagKpi]) -> str:
    bars = [
        (t.label, t.escalation_rate, f"{pct(t.escalation_rate)} ({t.escalations} van {t.answers})")
        for t in tags
    ]
    rows = [
        [t.label, nl(t.answers), pct(t.share), nl(t.escalations), pct(t.escalation_rate),
         pct(t.thumbs_up_rate), pct(t.refusal_rate)]
        for t in tags
    ]  # fmt: skip
    headers = ["tag", "vragen", "aandeel", "escalaties", "escalaties per vraag",
               "duim omhoog", "weigering"]  # fmt: skip
    return panel("Escalaties per tag", bar_list("Escalaties per vraag, per tag", bars),
                 table(headers, rows))  # fmt: skip


def _accuracy_panel(days: list[DayKpi]) -> str:
    whiskers = [
        None if d.accuracy_low is None or d.accuracy_high is None
        else (d.accuracy_low, d.accuracy_high)
        for d in days
    ]  # fmt: skip
    title = "Aandeel juist per dag, met 95%-interval (Wilson)"
    series = [Series("juist", [d.accuracy for d in days])]
    chart = line_chart(title, [d.day for d in days], series, pct, top=1.0, whiskers=whiskers)
    rows = [
        [d.day, nl(d.reviews), nl(d.reviews_correct), pct(d.accuracy),
         f"{pct(d.accuracy_low)} – {pct(d.accuracy_high)}"]
        for d in days
    ]  # fmt: skip
    headers = ["dag", "beoordeeld", "juist", "aandeel juist", "95%-interval"]
    return panel("Nauwkeurigheid van de steekproef", chart, table(headers, rows))


def render_fragment(report: KpiReport) -> str:
    """The dashboard for the monitor console: one section to insert into a page."""
    days, t = report.days, report.totals
    panels = [
        _day_panel("Vragen per dag", days, [
            ("uit de pijplijn", lambda d: d.pipeline, _count),
            ("uit de cache", lambda d: d.cached, _count),
            ("gesprekken", lambda d: d.conversations, _count),
        ], plotted=2, columns_chart=True),
        _day_panel("Aandeel duim omhoog", days, [
            ("duim omhoog", lambda d: d.thumbs_up_rate, pct),
            ("omhoog", lambda d: d.thumbs_up, _count),
            ("omlaag", lambda d: d.thumbs_down, _count),
        ], plotted=1, top=1.0),
        _reasons_panel(t),
        _day_panel("Weigering, terugval en geblokkeerd", days, [
            ("weigering", lambda d: d.refusal_rate, pct),
            ("terugval (letterlijk)", lambda d: d.fallback_rate, pct),
            ("geblokkeerd", lambda d: d.blocked_rate, pct),
        ]),
        _day_panel("Antwoordtijd p50 en p95", days, [
            ("p50", lambda d: d.latency_p50_ms, _ms),
            ("p95", lambda d: d.latency_p95_ms, _ms),
        ]),
        _day_panel("Tijd tot vinden (p50)", days, [
            ("p50", lambda d: d.find_p50_s, _seconds),
            ("getoond", lambda d: d.find_shown, _count),
            ("gebruikt", lambda d: d.find_found, _count),
        ], plotted=1),
        _day_panel("Tijd tot afronden (p50)", days, [
            ("p50", lambda d: d.resolve_p50_s, _seconds),
            ("gesprekken", lambda d: d.conversations, _count),
        ], plotted=1),
        _tag_panel(report.tags),
        _day_panel("Cachetreffers", days, [
            ("uit de cache", lambda d: d.cache_hit_rate, pct),
        ]),
        _day_panel("Bespaarde energie door de cache (Wh)", days, [
            ("bespaard", lambda d: d.energy_saved_wh, _wh),
        ], columns_chart=True),
        _day_panel("CPU-seconden per pijplijnantwoord", days, [
            ("CPU-seconden", lambda d: d.cpu_s_per_answer, lambda v: nl(v, 2, "s")),
            ("Wh", lambda d: d.wh_per_answer, lambda v: nl(v, 5, "Wh")),
        ], plotted=1,
           note=f"Wh = CPU-seconden × {nl(report.watts_per_core, 1)} W per kern / 3600."),
        _accuracy_panel(days),
    ]  # fmt: skip
    definitions = "".join(
        f"<dt>{escape(name.replace('_', ' '))}</dt><dd>{escape(text)}</dd>"
        for name, text in report.definitions.items()
    )
    return (
        f"<section class='kpi-dashboard' aria-label='KPI-dashboard'><style>{CSS}</style>"
        f"<h2>KPI's {escape(report.start.isoformat())} t/m {escape(report.end.isoformat())}</h2>"
        f"<p>Periode {escape(report.period)}; gemaakt {escape(report.generated_at)} (UTC). "
        "Onbekende waarden: –.</p>"
        f"{_tiles(t, report.watts_per_core)}<div class='kpi-panels'>{''.join(panels)}</div>"
        "<details class='kpi-defs'><summary>Hoe de cijfers berekend zijn</summary>"
        f"<dl>{definitions}</dl></details></section>"
    )


def render_document(report: KpiReport) -> str:
    """The standalone report: one file, no script, nothing fetched."""
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>BelBot KPI's {escape(report.period)}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{margin:20px}</style></head><body>"
        f"<h1>BelBot KPI-rapport</h1>{render_fragment(report)}</body></html>"
    )
