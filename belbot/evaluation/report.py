"""Aggregates per set and overall, and the offline HTML report (tables and inline SVG plots:
no script, no external file, so it opens from a file share or an e-mail attachment)."""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from typing import Any

from belbot.evaluation.ragas_eval import METRICS as RAGAS_METRICS
from belbot.evaluation.stats import mean_of, percentile


def _ragas_summary(group: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for metric in RAGAS_METRICS:
        scored = [i for i in group if metric in i.get("ragas", {})]
        values = [i["ragas"][metric] for i in scored if i["ragas"][metric] is not None]
        summary[metric] = mean_of(values)
        summary[f"{metric}_n"] = len(values)
        summary[f"{metric}_judge_failures"] = sum(
            metric in i.get("ragas_failures", {}) for i in scored
        )
    return summary


def aggregate(
    items: list[dict[str, Any]], paraphrases: list[dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pair_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[item["set"]].append(item)
        groups["all"].append(item)
    for pair in paraphrases or []:
        pair_groups[pair["set"]].append(pair)
        pair_groups["all"].append(pair)
    result: dict[str, dict[str, Any]] = {}
    for name, group in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        answerable = [i for i in group if i["expected"] == "answer"]
        unanswerable = [i for i in group if i["expected"] == "refuse"]
        latencies = [float(i["latency_ms"]) for i in group]
        pairs = pair_groups.get(name, [])
        result[name] = {
            "n": len(group),
            "n_answerable": len(answerable),
            "n_unanswerable": len(unanswerable),
            # Correct = every key fact present (a refusal of an answerable question is wrong).
            "answered_correctly": mean_of(
                [
                    i["key_fact_recall"] == 1.0
                    for i in answerable
                    if i["key_fact_recall"] is not None
                ]
            ),
            "key_fact_recall": mean_of([i["key_fact_recall"] for i in answerable]),
            "refusal_accuracy": mean_of([i["refusal_correct"] for i in group]),
            "refused_when_unanswerable": mean_of([i["refused"] for i in unanswerable]),
            "answered_when_answerable": mean_of([not i["refused"] for i in answerable]),
            "recall_at_5": mean_of([i["recall_at_5"] for i in group]),
            "mrr": mean_of([i["reciprocal_rank"] for i in group]),
            "citation_precision": mean_of([i["citation_precision"] for i in group]),
            "numbers_in_sources": mean_of([i["numbers_in_sources"] for i in group]),
            "source_transparency": mean_of([i["source_transparency"] for i in group]),
            "consistency_exact": mean_of([i["consistency"]["exact_match"] for i in group]),
            "consistency_cosine": mean_of([i["consistency"]["mean_cosine"] for i in group]),
            "paraphrase_pairs": len(pairs),
            "paraphrase_same_decision": mean_of([p["same_decision"] for p in pairs]),
            "paraphrase_cosine": mean_of([p["cosine"] for p in pairs]),
            "pii_leaks": sum(i["pii_leaks"] for i in group),
            "latency_p50_ms": percentile(latencies, 50, 1),
            "latency_p95_ms": percentile(latencies, 95, 1),
            "paths": dict(Counter(i["path"] for i in group)),
            **_ragas_summary(group),
        }
    return result


# -- HTML ------------------------------------------------------------------------------------

TABLE_COLUMNS = [
    ("n", "n"),
    ("n_unanswerable", "onbeantwoordbaar"),
    ("answered_correctly", "juist (kernfeiten)"),
    ("refusal_accuracy", "weigering juist"),
    ("recall_at_5", "recall@5"),
    ("citation_precision", "citatieprecisie"),
    ("numbers_in_sources", "getallen in bron"),
    ("source_transparency", "brontransparantie"),
    ("faithfulness", "faithfulness"),
    ("answer_relevancy", "relevantie"),
    ("context_precision", "contextprecisie"),
    ("context_recall", "contextrecall"),
    ("consistency_exact", "consistentie (gelijk)"),
    ("paraphrase_cosine", "parafrase-cosinus"),
    ("pii_leaks", "pii-lekken"),
    ("latency_p50_ms", "latentie p50 ms"),
    ("latency_p95_ms", "latentie p95 ms"),
]
PLOTTED = [
    ("answered_correctly", "juist (kernfeiten)"),
    ("refusal_accuracy", "weigering juist"),
    ("recall_at_5", "recall@5"),
    ("source_transparency", "brontransparantie"),
    ("consistency_exact", "consistentie"),
    ("faithfulness", "faithfulness (ragas)"),
    ("context_recall", "contextrecall (ragas)"),
]
COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0"]


def _cell(value: Any) -> str:
    if value is None:
        return "<td class='na'>–</td>"
    if isinstance(value, float):
        return f"<td>{value:.3f}</td>" if value <= 1.0 else f"<td>{value:.1f}</td>"
    return f"<td>{html.escape(str(value))}</td>"


def _bar_chart(sets: dict[str, dict[str, Any]]) -> str:
    """Grouped horizontal bars: one group per metric, one bar per set, scale 0..1."""
    names = list(sets)
    bar_h, gap, label_w, width = 12, 10, 190, 420
    rows: list[str] = []
    y = 10
    for key, label in PLOTTED:
        rows.append(f"<text x='0' y='{y + bar_h}' class='l'>{html.escape(label)}</text>")
        for n, name in enumerate(names):
            value = sets[name].get(key)
            length = 0.0 if value is None else max(0.0, min(1.0, float(value))) * width
            text = "–" if value is None else f"{value:.2f}"
            colour = COLOURS[n % len(COLOURS)]
            rows.append(
                f"<rect x='{label_w}' y='{y}' width='{length:.1f}' height='{bar_h - 2}' "
                f"fill='{colour}'><title>{html.escape(name)}: {text}</title></rect>"
                f"<text x='{label_w + length + 4:.1f}' y='{y + bar_h - 3}' class='v'>{text}</text>"
            )
            y += bar_h
        y += gap
    legend = "".join(
        f"<rect x='{label_w + 130 * n}' y='{y}' width='10' height='10' "
        f"fill='{COLOURS[n % len(COLOURS)]}'/><text x='{label_w + 14 + 130 * n}' y='{y + 9}' "
        f"class='v'>{html.escape(name)}</text>"
        for n, name in enumerate(names)
    )
    return (
        f"<svg role='img' aria-label='Metrieken per set' width='{label_w + width + 60}' "
        f"height='{y + 20}' xmlns='http://www.w3.org/2000/svg'>{''.join(rows)}{legend}</svg>"
    )


def _latency_histogram(items: list[dict[str, Any]]) -> str:
    latencies = sorted(float(i["latency_ms"]) for i in items)
    if not latencies:
        return ""
    top = max(latencies[-1], 1.0)
    bins = 20
    counts = [0] * bins
    for value in latencies:
        counts[min(bins - 1, int(value / top * bins))] += 1
    tallest = max(counts)
    width, height = 24, 120
    bars = "".join(
        f"<rect x='{40 + n * width}' y='{10 + height - c / tallest * height:.1f}' "
        f"width='{width - 2}' height='{c / tallest * height:.1f}' fill='#1f4e79'>"
        f"<title>{n * top / bins:.0f}–{(n + 1) * top / bins:.0f} ms: {c}</title></rect>"
        for n, c in enumerate(counts)
    )
    axis = (
        f"<text x='40' y='{height + 26}' class='v'>0 ms</text>"
        f"<text x='{40 + bins * width - 60}' y='{height + 26}' class='v'>{top:.0f} ms</text>"
        f"<text x='0' y='18' class='v'>{tallest}</text>"
    )
    return (
        f"<svg role='img' aria-label='Latentieverdeling' width='{60 + bins * width}' "
        f"height='{height + 34}' xmlns='http://www.w3.org/2000/svg'>{bars}{axis}</svg>"
    )


def _worst_items(items: list[dict[str, Any]], limit: int = 25) -> str:
    wrong = [
        i
        for i in items
        if not i["refusal_correct"]
        or (i["key_fact_recall"] is not None and i["key_fact_recall"] < 1)
    ][:limit]
    rows = "".join(
        f"<tr><td>{html.escape(i['id'])}</td><td>{html.escape(i['set'])}</td>"
        f"<td class='t'>{html.escape(i['question'])}</td><td>{html.escape(i['expected'])}</td>"
        f"<td>{html.escape(i['path'])}</td><td class='t'>{html.escape(i['answer'][:300])}</td></tr>"
        for i in wrong
    )
    return (
        "<table><tr><th>id</th><th>set</th><th>vraag</th><th>verwacht</th><th>pad</th>"
        f"<th>antwoord</th></tr>{rows}</table>"
    )


def render_html(report: dict[str, Any], items: list[dict[str, Any]]) -> str:
    sets = report["sets"]
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in TABLE_COLUMNS)
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th>"
        + "".join(_cell(values.get(key)) for key, _ in TABLE_COLUMNS)
        + "</tr>"
        for name, values in sets.items()
    )
    failures = "".join(
        f"<tr><th>{html.escape(name)}</th>"
        + "".join(
            f"<td>{values.get(f'{m}_n', 0)} / {values.get(f'{m}_judge_failures', 0)}</td>"
            for m in RAGAS_METRICS
        )
        + "</tr>"
        for name, values in sets.items()
    )
    paths = "".join(
        f"<tr><th>{html.escape(name)}</th><td>"
        + ", ".join(f"{html.escape(k)} {v}" for k, v in sorted(values["paths"].items()))
        + "</td></tr>"
        for name, values in sets.items()
    )
    agents = report.get("consistency_across_agents", {})
    config = html.escape(json.dumps(report["configuration"], indent=2, ensure_ascii=False))
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        "<title>BelBot evaluatie</title><style>"
        "body{font:14px system-ui,sans-serif;margin:20px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 20px}"
        "td,th{border:1px solid #bbb;padding:3px 7px;text-align:right}"
        "td.t{text-align:left;max-width:420px}td.na{color:#999}"
        "svg .l{font:12px sans-serif}svg .v{font:11px sans-serif;fill:#333}"
        "</style></head><body><h1>BelBot evaluatie</h1>"
        f"<p>Gestart {html.escape(report['started_at'])}, duur {report['run_seconds']} s, "
        f"herhalingen {report['configuration']['repeat']}. Onbekende waarden: –.</p>"
        f"<h2>Resultaten per set</h2><table><tr><th>set</th>{head}</tr>{rows}</table>"
        f"<h2>Metrieken per set</h2>{_bar_chart(sets)}"
        "<h2>Ragas: beoordeeld / mislukte oordelen</h2><table><tr><th>set</th>"
        + "".join(f"<th>{m}</th>" for m in RAGAS_METRICS)
        + f"</tr>{failures}</table>"
        f"<h2>Paden</h2><table>{paths}</table>"
        f"<h2>Latentie</h2>{_latency_histogram(items)}"
        "<h2>Consistentie tussen medewerkers</h2>"
        f"<p>{html.escape(json.dumps(agents, ensure_ascii=False))}</p>"
        f"<h2>Fout of onvolledig (max. 25)</h2>{_worst_items(items)}"
        f"<h2>Configuratie</h2><pre>{config}</pre></body></html>"
    )
