"""`belbot training ...`: the scenario library (sync with the knowledge, pin, draft, import
reviewed conversations, review as a coach) and `belbot keys add` for trainee and coach keys."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from belbot.cli.context import CliState, console, domain_errors
from belbot.errors import InvalidInputError
from belbot.index.store import load_index
from belbot.settings import Settings
from belbot.store.store import ConversationStore, open_store
from belbot.tagging.taxonomy import load_taxonomy
from belbot.training.drafting import draft_from_index, draft_from_review
from belbot.training.library import load_scenarios, write_scenarios
from belbot.training.passages import PassageLocator
from belbot.training.service import TrainingService
from belbot.training.types import STATUSES

app = typer.Typer(help="Oefenmodus: de scenariobibliotheek en de beoordeling door coaches.",
                  no_args_is_help=True)  # fmt: skip
keys_app = typer.Typer(help="API-sleutels voor medewerkers, coaches en monitors.",
                       no_args_is_help=True)  # fmt: skip

ROLES = ("agent", "coach", "monitor", "admin")


def service_over(settings: Settings, store: ConversationStore) -> TrainingService:
    """Practice mode over ``store`` and the current index. The commands take no trainee
    texts, so there is nothing to redact."""
    index = load_index(settings.paths.index_dir)
    taxonomy = load_taxonomy(settings.tagging.taxonomy_file)
    return TrainingService(store, settings.training, taxonomy, lambda: index, lambda text: text)


@contextmanager
def training_service(settings: Settings) -> Iterator[TrainingService]:
    """Over the configured store (created if needed) and the current index."""
    store = open_store(settings)
    try:
        store.warm_up()
        yield service_over(settings, store)
    finally:
        store.close()


@app.command("sync")
def sync(ctx: typer.Context) -> None:
    """Laad de scenariobibliotheek in de opslag en markeer scenario's waarvan de passages
    veranderden voor een nieuwe beoordeling."""
    state: CliState = ctx.obj
    with domain_errors(), training_service(state.settings()) as training:
        report = training.sync()
        counts = Counter(s.scenario.status for s in training.scenarios())
    console.print(f"{report.added} nieuw, {len(report.flagged)} opnieuw te beoordelen.")
    console.print(", ".join(f"{status}: {counts.get(status, 0)}" for status in STATUSES))


@app.command("list")
def list_scenarios(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help=", ".join(STATUSES))] = None,
) -> None:
    """Scenario's in de opslag, per onderwerp."""
    state: CliState = ctx.obj
    with domain_errors():
        if status is not None and status not in STATUSES:
            raise InvalidInputError(f"Onbekende status '{status}' ({', '.join(STATUSES)}).")
        with training_service(state.settings()) as training:
            found = training.scenarios(status)
    for stored in found:
        s = stored.scenario
        extra = f"  [{stored.reason}]" if stored.reason else ""
        console.print(f"{s.id}  {s.status:<12} {s.tag:<22} {s.question[:70]}{extra}")
    console.print(f"{len(found)} scenario's")


@app.command("pin")
def pin(ctx: typer.Context) -> None:
    """Leg in de bibliotheek per passage de hash vast van de passage die het citaat nu bevat
    (na een goedkeuring van de bibliotheek tegen de huidige kennisbank)."""
    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors():
        taxonomy = load_taxonomy(settings.tagging.taxonomy_file)
        path = settings.training.scenarios_file
        scenarios = load_scenarios(path, set(taxonomy.ids))
        locator = PassageLocator(load_index(settings.paths.index_dir))
        missing = [(s.id, p) for s in scenarios for p in locator.approval_problems(s)]
        if missing:
            raise InvalidInputError(
                "Citaten niet gevonden: " + "; ".join(f"{i}: {p}" for i, p in missing[:10])
            )
        pinned = [locator.pin(s.unpinned()) for s in scenarios]
        write_scenarios(path, pinned)
    console.print(f"{len(pinned)} scenario's vastgelegd in {path}")


@app.command("draft")
def draft(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    per_document: Annotated[int, typer.Option("--per-document", min=1, max=100)] = 5,
) -> None:
    """Stel conceptscenario's op uit de kennisbank (sjabloon en extractie); een coach keurt
    ze goed of af op de coachpagina."""
    from belbot.tagging.classifier import create_tagger

    state: CliState = ctx.obj
    settings = state.settings()
    with domain_errors(), training_service(settings) as training:
        tagger = create_tagger(settings)
        tagger.warm_up()
        drafts = draft_from_index(
            training.locator().index, lambda text: tagger.tag(text).tag, limit, per_document
        )
        added = training.add_drafts(drafts)
    console.print(f"{len(drafts)} concepten opgesteld, {added} nieuw in de opslag.")


@app.command("import-reviews")
def import_reviews(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="`belbot review export`")
    ],
) -> None:
    """Maak conceptscenario's van beoordeelde gesprekken (de export van de monitorconsole)."""
    state: CliState = ctx.obj
    with domain_errors(), training_service(state.settings()) as training:
        chunks = {c.chunk_id: c for c in training.locator().index.chunks}
        drafts = []
        for number, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{path}, regel {number}: geen JSON.") from exc
            chunk = chunks.get(str(line.get("source", "")))
            if chunk is None:
                continue  # a refusal, or its passage is no longer in the index
            tag = training.answer_tag(str(line.get("origin", {}).get("answer_id", "")))
            document = training.locator().index.documents[chunk.doc_id].file_name
            scenario = draft_from_review(line, chunk, document, tag)
            if scenario is not None:
                drafts.append(scenario)
        added = training.add_drafts(drafts)
    console.print(f"{len(drafts)} concepten uit beoordelingen, {added} nieuw in de opslag.")


@app.command("review")
def review(
    ctx: typer.Context,
    scenario_id: Annotated[str, typer.Argument()],
    coach: Annotated[str, typer.Option("--coach", help="Wie beoordeelt (pseudoniem).")],
    approve: Annotated[bool, typer.Option("--approve/--reject")] = True,
    note: Annotated[str, typer.Option("--note")] = "",
) -> None:
    """Keur een scenario goed of af (zoals op de coachpagina)."""
    state: CliState = ctx.obj
    with domain_errors(), training_service(state.settings()) as training:
        scenario = training.review(scenario_id, approve, note, coach)
    console.print(f"{scenario.id}: {scenario.status}")


@keys_app.command("add")
def add_key(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help=", ".join(ROLES))],
    agent: Annotated[str, typer.Option("--agent", help="Pseudoniem van de gebruiker.")],
) -> None:
    """Maak een API-sleutel; hij wordt één keer getoond, alleen de hash wordt bewaard."""
    state: CliState = ctx.obj
    with domain_errors():
        if role not in ROLES:
            raise InvalidInputError(f"Onbekende rol '{role}' ({', '.join(ROLES)}).")
        if not agent.strip():
            raise InvalidInputError("Geef een pseudoniem met --agent.")
        store = open_store(state.settings())
        try:
            key = store.add_api_key(role, agent.strip())
        finally:
            store.close()
    console.print(key, highlight=False)
