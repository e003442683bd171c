"""The KPI report: per-day series, period totals and a per-tag table, computed only from the
daily counters (`counters_by_day`), so purged days and "niet bewaren" conversations count the
same as stored rows. Periods: ISO week, month, day or an inclusive range of those."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field

from belbot.errors import InvalidInputError
from belbot.monitoring import counters as cnt
from belbot.monitoring.rollup import counters_by_day
from belbot.store.store import ConversationStore

MAX_DAYS = 366
DEFAULT_DAYS_BACK = 7  # the default period: the last 7 full days plus today
PATHS = ("generated", "extractive", "refused", "blocked")
Z_95 = 1.959964

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TAG_KEY = re.compile(r"tag\.(.+?)\.(answers|up|down|escalations|path\.[a-z_]+)")

DEFINITIONS = {
    "periode": "Van de eerste tot en met de laatste dag, in UTC. Een item telt op de dag van "
    "zijn eigen moment: een antwoord, de duimen erop en de tijd tot vinden op de dag van het "
    "antwoord; een gesprek en de tijd tot afronden op zijn start; een escalatie of beoordeling "
    "op het moment dat die gemaakt is.",
    "bron": "Alles komt uit de dagtellers: opgeslagen gesprekken worden live geteld, dagen die "
    "door de bewaartermijn zijn opgeschoond en gesprekken met 'niet bewaren' uit de bewaarde "
    "tellers. De cijfers van een dag veranderen dus niet door opschonen.",
    "vragen": "Aantal antwoorden (vragen) per dag, herhaalde antwoorden uit de cache inbegrepen.",
    "duim_omhoog": "Duim omhoog / (omhoog + omlaag), per antwoord het huidige oordeel van elke "
    "medewerker. Redenen: het aantal keer dat een reden bij een duim omlaag is gekozen.",
    "weigering_en_terugval": "Aandelen van de antwoorden die de pijplijn doorliepen (niet uit "
    "de cache): weigering = de kennisbank zegt het niet (refused); terugval = letterlijke "
    "bronzinnen in plaats van het modelantwoord (extractive); geblokkeerd = geweigerd door de "
    "guardrails (blocked).",
    "latentie": "Totale antwoordtijd van niet-herhaalde, niet-geblokkeerde antwoorden. p50 en "
    "p95 worden geschat uit vaste emmers (grenzen in ms: "
    + ", ".join(str(b) for b in cnt.LATENCY_BUCKETS_MS)
    + "), lineair binnen de emmer; boven de hoogste grens wordt die grens gemeld (een "
    "onderschatting).",
    "tijd_tot_vinden": "Per getoond antwoord de seconden tot de eerste geopende bron of "
    "gekopieerde tekst; antwoorden zonder zo'n actie tellen niet mee in het percentiel. "
    "Tijd tot afronden: per gesprek van de eerste vraag tot het einde, of bij een open gesprek "
    "tot de laatste activiteit. p50 uit vaste emmers (grenzen in s: "
    + ", ".join(str(b) for b in cnt.SECONDS_BUCKETS)
    + "), lineair binnen de emmer.",
    "escalatie": "Escalaties per vraag: escalaties / antwoorden, per tag de escalaties met die "
    "tag / de antwoorden met die tag. Een gesprek kan meer dan eens escaleren.",
    "cache": "Cachetreffers = herhaalde antwoorden / alle antwoorden. Bespaarde energie = "
    "herhaalde antwoorden x gemiddelde CPU-tijd van een pijplijnantwoord op die dag (op een "
    "dag zonder pijplijnantwoorden: het gemiddelde over de periode) x watt per kern / 3600.",
    "kosten": "Per pijplijnantwoord: CPU-seconden van het proces (alle threads; gelijktijdige "
    "vragen tellen mee, dus onder last te hoog) en Wh = CPU-seconden x watt per bezette kern "
    "/ 3600. Herhaalde antwoorden tellen niet mee.",
    "nauwkeurigheid": "Aandeel 'juist' van de beoordeelde antwoorden in de steekproef, met een "
    "95%-betrouwbaarheidsinterval volgens Wilson (z = 1,96). 'Deels juist' telt niet als juist.",
    "per_tag": "Aandeel = antwoorden met de tag / alle antwoorden; duim omhoog en weigering "
    "zoals hierboven, binnen de tag. Zonder tag: 'onbekend'.",
}


class Period(BaseModel):
    label: str
    start: date = Field(description="First day.")
    end: date = Field(description="Last day, inclusive.")

    @property
    def until(self) -> date:
        """The day after the last: the exclusive end the counters are read with."""
        return self.end + timedelta(days=1)


def _invalid(text: str, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"Periode '{text}' is ongeldig: {why}. Gebruik een week (2026-W47), een maand "
        "(2026-11), een dag (2026-11-25) of een reeks (2026-11-01..2026-11-30)."
    )


def _one(text: str, raw: str) -> tuple[date, date]:
    try:
        if match := _WEEK.fullmatch(text):
            first = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return first, first + timedelta(days=6)
        if match := _MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        if _DAY.fullmatch(text):
            day = date.fromisoformat(text)
            return day, day
    except ValueError as exc:
        raise _invalid(raw, f"'{text}' bestaat niet") from exc
    raise _invalid(raw, f"'{text}' is geen week, maand of dag")


def parse_period(text: str) -> Period:
    """`2026-W47`, `2026-11`, `2026-11-25` or `A..B` (inclusive; each side any of those)."""
    raw = text.strip()
    if ".." in raw:
        left, _, right = raw.partition("..")
        start, _ = _one(left.strip(), raw)
        _, end = _one(right.strip(), raw)
    else:
        start, end = _one(raw, raw)
    return checked_period(raw, start, end)


def checked_period(label: str, start: date, end: date) -> Period:
    if end < start:
        raise _invalid(label, "het einde ligt voor het begin")
    if (end - start).days + 1 > MAX_DAYS:
        raise _invalid(label, f"langer dan {MAX_DAYS} dagen")
    return Period(label=label, start=start, end=end)


def default_period(today: date | None = None) -> Period:
    """The last 7 full days plus today (UTC)."""
    end = today or datetime.now(UTC).date()
    start = end - timedelta(days=DEFAULT_DAYS_BACK)
    return Period(label=f"{start.isoformat()}..{end.isoformat()}", start=start, end=end)


# -- figures -------------------------------------------------------------------------------


def ratio(part: float, whole: float, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole > 0 else None


def wilson(successes: float, n: float, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; None without observations."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return round(max(0.0, centre - margin), 4), round(min(1.0, centre + margin), 4)


def _prefixed(counts: Mapping[str, float], prefix: str) -> dict[str, int]:
    return {
        name.removeprefix(prefix): int(value)
        for name, value in sorted(counts.items())
        if name.startswith(prefix) and value
    }


class Figures(BaseModel):
    """The KPIs of one day or of the whole period; None where there is nothing to divide by."""

    answers: int
    conversations: int
    cached: int
    pipeline: int
    cache_hit_rate: float | None
    thumbs_up: int
    thumbs_down: int
    thumbs_up_rate: float | None
    thumbs_down_reasons: dict[str, int]
    paths: dict[str, int]
    refusal_rate: float | None
    fallback_rate: float | None
    blocked_rate: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    find_shown: int
    find_found: int
    find_p50_s: float | None
    find_p95_s: float | None
    resolve_p50_s: float | None
    resolve_p95_s: float | None
    escalations: int
    escalation_rate: float | None
    escalation_targets: dict[str, int]
    cpu_s_per_answer: float | None
    wh_per_answer: float | None
    energy_saved_wh: float | None
    reviews: int
    reviews_correct: int
    review_verdicts: dict[str, int]
    accuracy: float | None
    accuracy_low: float | None
    accuracy_high: float | None


class DayKpi(Figures):
    day: str


class TagKpi(BaseModel):
    tag: str
    label: str = Field(description="The taxonomy's Dutch label; the id when unknown.")
    answers: int
    share: float | None
    escalations: int
    escalation_rate: float | None
    thumbs_up_rate: float | None
    refusal_rate: float | None


class KpiReport(BaseModel):
    period: str
    start: date
    end: date = Field(description="Last day, inclusive.")
    generated_at: str
    watts_per_core: float
    days: list[DayKpi]
    totals: Figures
    tags: list[TagKpi]
    definitions: dict[str, str]


def figures(
    counts: Mapping[str, float], watts_per_core: float, fallback_cpu_ms: float | None = None
) -> Figures:
    """One day's (or the period's) KPIs from its counters. ``fallback_cpu_ms``: the mean CPU
    time of a pipeline answer to price cached answers with when ``counts`` has none."""
    get = counts.get
    answers, cached = get("answers", 0.0), get("answers.cached", 0.0)
    pipeline = get("answers.pipeline", 0.0)
    up, down = get("thumbs.up", 0.0), get("thumbs.down", 0.0)
    cpu_n = get("cpu.n", 0.0)
    cpu_s = get("cpu.sum_ms", 0.0) / cpu_n / 1000 if cpu_n else None
    price_ms = cpu_s * 1000 if cpu_s is not None else fallback_cpu_ms
    saved = None if price_ms is None else round(cached * price_ms / 1000 * watts_per_core / 3600, 4)
    reviews, correct = get("reviews", 0.0), get("review.juist", 0.0)
    interval = wilson(correct, reviews)
    escalations = get("escalations", 0.0)
    lat, sec = cnt.LATENCY_BUCKETS_MS, cnt.SECONDS_BUCKETS
    return Figures(
        answers=int(answers),
        conversations=int(get("conversations", 0.0)),
        cached=int(cached),
        pipeline=int(pipeline),
        cache_hit_rate=ratio(cached, answers),
        thumbs_up=int(up),
        thumbs_down=int(down),
        thumbs_up_rate=ratio(up, up + down),
        thumbs_down_reasons=_prefixed(counts, "reason."),
        paths={path: int(get(f"path.{path}", 0.0)) for path in PATHS},
        refusal_rate=ratio(get("path.refused", 0.0), pipeline),
        fallback_rate=ratio(get("path.extractive", 0.0), pipeline),
        blocked_rate=ratio(get("path.blocked", 0.0), pipeline),
        latency_p50_ms=cnt.bucket_percentile(counts, "latency", lat, 50),
        latency_p95_ms=cnt.bucket_percentile(counts, "latency", lat, 95),
        find_shown=int(get("find.shown", 0.0)),
        find_found=int(get("find.found", 0.0)),
        find_p50_s=cnt.bucket_percentile(counts, "find", sec, 50),
        find_p95_s=cnt.bucket_percentile(counts, "find", sec, 95),
        resolve_p50_s=cnt.bucket_percentile(counts, "resolve", sec, 50),
        resolve_p95_s=cnt.bucket_percentile(counts, "resolve", sec, 95),
        escalations=int(escalations),
        escalation_rate=ratio(escalations, answers),
        escalation_targets=_prefixed(counts, "escalation.target."),
        cpu_s_per_answer=None if cpu_s is None else round(cpu_s, 3),
        wh_per_answer=None if cpu_s is None else round(cpu_s * watts_per_core / 3600, 6),
        energy_saved_wh=saved if cached else (0.0 if answers else None),
        reviews=int(reviews),
        reviews_correct=int(correct),
        review_verdicts={v: int(get(f"review.{v}", 0.0)) for v in cnt.VERDICTS},
        accuracy=ratio(correct, reviews),
        accuracy_low=interval[0] if interval else None,
        accuracy_high=interval[1] if interval else None,
    )


def tag_table(counts: Mapping[str, float], labels: Mapping[str, str] | None = None) -> list[TagKpi]:
    """One row per tag seen in the period, most answers first."""
    by_tag: dict[str, dict[str, float]] = {}
    for name, value in counts.items():
        if match := _TAG_KEY.fullmatch(name):
            by_tag.setdefault(match[1], {})[match[2]] = value
    total = counts.get("answers", 0.0)
    rows = []
    for tag, own in by_tag.items():
        answers = own.get("answers", 0.0)
        pipeline = sum(own.get(f"path.{path}", 0.0) for path in PATHS)
        up, down = own.get("up", 0.0), own.get("down", 0.0)
        escalations = own.get("escalations", 0.0)
        rows.append(
            TagKpi(
                tag=tag,
                label=(labels or {}).get(tag, tag),
                answers=int(answers),
                share=ratio(answers, total),
                escalations=int(escalations),
                escalation_rate=ratio(escalations, answers),
                thumbs_up_rate=ratio(up, up + down),
                refusal_rate=ratio(own.get("path.refused", 0.0), pipeline),
            )
        )
    return sorted(rows, key=lambda row: (-row.answers, row.tag))


def kpi_report(
    store: ConversationStore,
    since: date,
    until: date,
    watts_per_core: float,
    label: str | None = None,
    tag_labels: Mapping[str, str] | None = None,
) -> KpiReport:
    """The KPIs of the days in [since, until): every day of the period has a row, also a day
    without questions."""
    if until <= since:
        raise InvalidInputError("De periode is leeg: het einde moet na het begin liggen.")
    by_day = counters_by_day(store, since, until)
    total = cnt.merge(by_day.values())
    cpu_n = total.get("cpu.n", 0.0)
    period_cpu_ms = total.get("cpu.sum_ms", 0.0) / cpu_n if cpu_n else None
    days = []
    for offset in range((until - since).days):
        day = (since + timedelta(days=offset)).isoformat()
        own = figures(by_day.get(day, {}), watts_per_core, period_cpu_ms)
        days.append(DayKpi(day=day, **own.model_dump()))
    totals = figures(total, watts_per_core, period_cpu_ms)
    saved = [d.energy_saved_wh for d in days if d.energy_saved_wh is not None]
    totals.energy_saved_wh = round(sum(saved), 4) if saved else None
    end = until - timedelta(days=1)
    return KpiReport(
        period=label or f"{since.isoformat()}..{end.isoformat()}",
        start=since,
        end=end,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        watts_per_core=watts_per_core,
        days=days,
        totals=totals,
        tags=tag_table(total, tag_labels),
        definitions=DEFINITIONS,
    )
