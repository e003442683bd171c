"""Verification never trusts the model: invalid citations, invented numbers and unsupported
sentences are caught."""

from __future__ import annotations

import pytest

from belbot.answering.numbers import numbers_in, years_in
from belbot.answering.verify import (
    all_passed,
    clean_generation,
    markers_in,
    sentence_citations,
    verify_answer,
)
from belbot.retrieval.lexical import TermStats

pytestmark = pytest.mark.unit

SOURCES = {
    1: "De streefwaarde voor bereikbaarheid van de BelastingTelefoon is 90% en voor "
    "bereikbaarheid van de Webcare 80%.",
    2: "In 2025 zijn tot en met juni 1.615 fte aan medewerkers bij de Belastingdienst ingestroomd.",
}
STATS = TermStats([*list(SOURCES.values()), "Een andere passage over toeslagen en huur."])


def verdicts(text: str) -> dict[str, bool]:
    return {v.check: v.passed for v in verify_answer(text, SOURCES, STATS, 0.75)}


def test_a_faithful_answer_passes() -> None:
    result = verdicts("De streefwaarde voor de bereikbaarheid van de BelastingTelefoon is 90%. [1]")
    assert all(result.values()), result


def test_a_source_that_was_not_given_is_caught() -> None:
    # Measured with the shipped model: "Het btw-tarief op fietsen is 10% [3]" with two sources.
    result = verdicts("Het btw-tarief op fietsen is 10% [3]")
    assert not result["citations_valid"] and not result["numbers_in_sources"]


def test_an_invented_number_is_caught() -> None:
    result = verdicts("De streefwaarde voor bereikbaarheid van de BelastingTelefoon is 95%. [1]")
    assert not result["numbers_in_sources"] and result["citations_valid"]


def test_a_number_from_another_source_than_the_cited_one_is_caught() -> None:
    assert not verdicts("Er zijn 1.615 fte ingestroomd [1]")["numbers_in_sources"]
    assert verdicts("Er zijn 1.615 fte ingestroomd [2]")["numbers_in_sources"]


def test_an_answer_without_citation_is_not_shown() -> None:
    assert not verdicts("De streefwaarde is 90%.")["citations_present"]


def test_an_unsupported_sentence_is_caught() -> None:
    result = verdicts("De huurtoeslag wordt maandelijks uitbetaald aan ouders [1]")
    assert not result["sentences_supported"]


def test_the_model_saying_it_does_not_know_is_not_an_answer() -> None:
    assert not verdicts("Dit staat niet in de kennisbank. [1]")["no_refusal_text"]


def test_rambling_output_fails_the_length_check() -> None:
    text = " ".join(["De streefwaarde is 90% [1]."] * 6)
    assert not verdicts(text)["length"]
    assert not all_passed(verify_answer(text, SOURCES, STATS, 0.75))


def test_numbers_are_compared_as_numbers_not_strings() -> None:
    assert numbers_in("28.844 fte en 7,3 % op 13 november 2025 [2]") == {
        "28844",
        "73",
        "13",
        "2025",
    }
    assert years_in("in 2019 en 2024, niet 12") == {"2019", "2024"}


def test_raw_output_is_cut_to_the_answer_and_a_leading_marker_moves_to_the_end() -> None:
    assert clean_generation(" [2] In 2025 zijn 1.615 fte ingestroomd.\n[3] Verzonnen.") == (
        "In 2025 zijn 1.615 fte ingestroomd. [2]"
    )
    assert clean_generation("Antwoord. [1]\n[Einde]\nBronnen:") == "Antwoord. [1]"


def test_a_sentence_without_marker_borrows_the_next_ones() -> None:
    assert sentence_citations(["Eerste zin.", "Tweede zin [2].", "Derde."]) == [[2], [2], []]
    assert markers_in("a [1] b [12]") == [1, 12]


def test_a_number_moved_from_another_sentence_of_the_passage_is_caught() -> None:
    # Measured on the real model: "In 2025 is de wachttijd opgelopen" restated with 2024, a
    # year found elsewhere in the same passage.
    passage = {
        1: "In 2025 is de gemiddelde wachttijd iets opgelopen. Het aanbod over 2025 is toegenomen"
        " t.o.v. 2024."
    }
    stats = TermStats([*passage.values(), "iets anders"])
    checks = {
        v.check: v.passed
        for v in verify_answer(
            "In 2024 is de gemiddelde wachttijd iets opgelopen [1].", passage, stats, 0.75
        )
    }
    assert checks["numbers_in_sources"] and not checks["numbers_in_same_sentence"]
