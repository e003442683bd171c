"""Cleaning of raw PDF-extracted text, tested on literal excerpts of the shipped corpus.

Every excerpt below is copied verbatim from knowledge/corpus (file and line numbers in the
comment above it); ``test_excerpts_are_verbatim_from_the_corpus`` keeps those citations honest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from belbot.knowledge.cleaning import (
    Block,
    clean_blocks,
    clean_text,
    join_lines,
    normalise,
    strip_footnote_markers,
)
from belbot.knowledge.loaders import load_document

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"


def corpus_file(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


def corpus_lines(prefix: str, first: int, last: int) -> str:
    """Lines ``first``..``last`` (1-based, inclusive) of a corpus file, joined by newlines."""
    lines = corpus_file(prefix).read_bytes().decode("utf-8").split("\n")
    return "\n".join(lines[first - 1 : last])


def kinds(blocks: list[Block]) -> list[str]:
    return [block.kind for block in blocks]


# 004_62644fe5224410d0.txt, lines 872-881
LEER_ROUTES = (
    "Vakmanschap  \n"
    "We ontwikkelen leer-\n"
    "routes zodat nieuwe \n"
    "medewerkers goed van \n"
    "start kunnen en zittende \n"
    "medewerkers hun kennis \n"
    "en competenties verder \n"
    "kunnen ontwikkelen. Er is \n"
    "een ontwikkelingsaanbod \n"
    "voor vaktechniek. "
)

# 002_b428648717ec9a2a.txt, lines 514-518
LOON_EN = (
    "Antwoord vraag 1: Het klopt dat de loon- en inkomensheffingen meer "
    "opbrengen dan de\n"
    "vennootschapsbelasting (vpb). Er wordt binnen de Belastingdienst geen "
    "exacte verdeling van\n"
    "personeel en kosten per belastingmiddel gemaakt. In grote lijnen kan "
    "gesteld worden dat de loon-\n"
    "en inkomstenheffingen (inclusief premies) minder capaciteit vergen dan de "
    "vpb. Dit komt door de\n"
    "heffingssystematiek en verregaande automatisering binnen de loonheffingen "
    "(inclusief premies)."
)

# 002_b428648717ec9a2a.txt, lines 528-542
BULLETS_ICT = (
    "Mogelijkheden om het benodigde aantal medewerkers voor uitvoering van de "
    "vpb en andere\n"
    "heffingen voor het bedrijfsleven terug te dringen zijn:\n"
    "\n"
    "\uf0b7 Het reduceren van complexiteit van wetgeving, het rationaliseren "
    "(vereenvoudigen\n"
    "en stroomlijnen) van waarderingssystematieken en het kiezen voor scherpe\n"
    "digitaliseerbare normen boven open normen. De hoge mate van complexiteit van\n"
    "wet- en regelgeving en handmatig werk drijft kosten omhoog.\n"
    "\n"
    "\uf0b7 Het versterken van de automatisering. Verdere integratie van software en\n"
    "samenwerking met softwareleveranciers kan werk voorkomen, hier wordt met Tax\n"
    "Administration 3.03 al op ingezet. Daarnaast kan geautomatiseerde ondersteuning\n"
    "van de handhaving ook bijdragen. Op die manier kunnen fouten beter gedetecteerd\n"
    "worden en kan historische fiscale informatie vooraf op maat beschikbaar worden\n"
    "gesteld. Gegeven de druk van modernisering en wetswijzigingen is de ICT-\n"
    "capaciteit voor betere ondersteuning van de handhaving echter beperkt."
)

# 002_b428648717ec9a2a.txt, lines 595-596
STAND_VAN = (
    "Met betrekking tot modernisering van het ICT-landschap verwijs ik u naar "
    "de stand-van-\n"
    "zakenbrief, die uw Kamer gelijktijdig met deze beantwoording. Daarnaast "
    "heeft uw Kamer op"
)

# 002_b428648717ec9a2a.txt, lines 2041-2050
LONE_PAGE_NUMBER = (
    "• De ervaringen van de leiders van veranderingen zijn vanzelfsprekend "
    "veelal fiscaal, \n"
    "maar bestaan in mindere mate uit verandertrajecten met soms moeilijke "
    "keuzes. De \n"
    "verandering wordt te weinig door de unit zelf geleid. Onderzoek bij andere \n"
    "transformaties laat zien dat dit soort ervaring cruciaal is om een "
    "transformatie \n"
    "succesvol te maken. Daarnaast lijkt de balans tussen daadwerkelijke "
    "uitvoerders en \n"
    "‘meedenkers’ visueel in het voordeel van de tweede categorie uit te vallen. \n"
    "\n"
    "18\n"
    "\n"
    "6 keuze scenario’s om voorraad te doen dalen met impact op "
)

# 002_b428648717ec9a2a.txt, lines 9078-9092
PAGE_BREAK = (
    "maatregelen rondom RAM. In het bijzonder gaat het om het onderzoek dat de "
    "Belastingdienst\n"
    "\n"
    "uitvoert naar of door RAM-spreadsheets met selecties op nationaliteit en "
    "op postcode,\n"
    "\n"
    "grondrechten zijn geschonden. De Belastingdienst heeft in samenspraak met "
    "de Auditdienst Rijk\n"
    "\n"
    "29 Kamerstukken II, 2024/25, 31066, nr. 1465.\n"
    "\n"
    "\n"
    "\n"
    "Pagina 16 van 24\n"
    "\n"
    "(ADR), die dit onderzoek als onafhankelijke partij beoordeelt, "
    "vastgesteld dat er meer tijd nodig is.\n"
    "\n"
    "Ik verwacht uw Kamer uiterlijk medio december van dit jaar te kunnen informeren."
)

# 002_b428648717ec9a2a.txt, lines 2910-2914
ADVIESCOMMISSIE = (
    "1.2. Behandeling adviesvragen \n"
    "Een adviesvraag wordt opgehangen aan de kapstok ‘Willen, Mogen, Kunnen’. "
    "Een adviesvraag aan de \n"
    "Adviescommissie Analytics (verder: de Adviescommissie1) is bedoeld om "
    "helderheid en richting te krijgen \n"
    "over de wenselijkheid (‘Willen’) van een bepaalde Analytics toepassing, "
    "daar waar dilemma’s \n"
    "plaatsvinden en lastig een (ethische) afweging gemaakt kan worden. Vragen "
    "met betrekking tot ‘Mogen’ "
)

# 002_b428648717ec9a2a.txt, lines 524-526
COMPLEX = (
    "gericht op het zo goed mogelijk aansluiten bij de economische realiteit. "
    "Daarom zijn ‘open normen’\n"
    "opgenomen: deze zijn contextueel en daarmee complex.2 Zo zijn er "
    "keuzemogelijkheden in\n"
    "faciliteiten. Ook versterkt de internationale dimensie de complexiteit."
)

# 002_b428648717ec9a2a.txt, lines 9513-9530
URLS_AND_MARKERS = (
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/\n"
    " Als een burger43 over onvoldoende liquide middelen beschikt om zijn "
    "belastingaanslag binnen de\n"
    "\n"
    "daarvoor geldende wettelijke termijn te voldoen, kan de Belastingdienst "
    "(onder voorwaarden)\n"
    "\n"
    "uitstel van betaling verlenen voor maximaal twaalf maanden. Hoewel de "
    "aanwezigheid van\n"
    "\n"
    "vermogen een betalingsregeling in de weg staat, is sinds 1 juli 2025 een "
    "betalingsregeling van 72\n"
    "\n"
    "maanden mogelijk voor situaties waarbij vermogen bezwaarlijk liquide is "
    "te maken (als vermogen\n"
    "\n"
    "niet makkelijk of snel om te zetten is in geld zonder grote verliezen of "
    "problemen).44 Met deze"
)

# 002_b428648717ec9a2a.txt, lines 564-572
VRAAG_3 = (
    "3. De leden van de GroenLinks-PvdA-fractie zijn verheugd over het feit "
    "dat de bezettingsgraad\n"
    "toegenomen is tot ongeveer 100 procent. Ze zijn wel benieuwd wat de "
    "vooruitzichten op dit gebied\n"
    "zijn en of de staatssecretaris verwacht dat er een nieuw tekort aan "
    "medewerkers ontstaat als de\n"
    "Wet tegenbewijsregeling box 3 en de Wet werkelijk rendement box 3 worden "
    "aangenomen.\n"
    "\n"
    "Antwoord vraag 3: In 2025 zijn tot en met juni 1.615 fte aan medewerkers "
    "bij de Belastingdienst\n"
    "ingestroomd. Verrekend met de uitstroom heeft dit geleid tot een netto "
    "toename in bezetting van\n"
    "489 fte. De totale bezetting komt daarmee op 28.844 fte. Afgezet tegen "
    "het huidige formatieve\n"
    "kader, resulteert dat in een bezettingsgraad van 100,5%. Ondanks deze instroom van"
)

# 002_b428648717ec9a2a.txt, lines 1394-1397
VERZUIM = (
    "Antwoord vraag 30: Het voortschrijdende ziekteverzuim in juni 2025 "
    "bedraagt 7,3%. De\n"
    "overschrijding ten opzichte van de norm (5,5%) is daarmee ook dit jaar hoog. Een\n"
    "verzuimpercentage van 7,3% betekent dat er gemiddeld dagelijks ruim 2.000 "
    "fte aan capaciteit\n"
    "geheel of gedeeltelijk niet aanwezig is. Een hoog verzuim wordt niet "
    "opgevangen met een"
)

# 000_f3d06f99e03346db.txt, lines 14-18
KPI = (
    "2026:\n"
    "KPI 1: Minimaal 99% van de \n"
    "aanslagoplegging van BSR vindt \n"
    "plaats binnen het betreffende \n"
    "belastingjaar"
)

# 003_af32e144d4d0cabc.txt, lines 684-684
LESS_THAN = (
    "In totaal zijn er 3.773 frobo's* aangemaakt. 1.820 (48% van het totaal) "
    "zijn gerelateerd aan de afsluitende brieven. Dit is <1% van het totaal "
    "aan burgers die een afsluitende brief hebben ontvangen."
)

# 003_af32e144d4d0cabc.txt, lines 699-708
UNDERLINED_TABLE = (
    "Toeslagen: Respons op contactverzoek brieven\n"
    "\n"
    "Ontvangen data vanuit toeslagen op brieven waarin de burger wordt "
    "opgeroepen een groepsnummer te bellen. Totale aantal brieven in 2023 verstuurd.\n"
    "\n"
    "<u>Brieven</u> (vergelijk)\tBTSL 01 12.568 brieven (grafiek)\tPB 01 2.609 "
    "brieven (grafiek)\n"
    "<u>Interactie</u>\t43%\t22%\n"
    "<u>Portal</u>\t\t\n"
    "<u>FRS</u>\t16%\t15%\n"
    "<u>Beltel</u>\t3%\t2%\n"
    "<u>Groepsnummers</u>\t31%\t8%"
)

# 003_af32e144d4d0cabc.txt, lines 240-241
UL_TABLE = (
    "\tChat\tVideobellen\tKantoorbezoeken\tUploadfunctie\n"
    'Aantal\t<ul style="list-style-type: none">Gemiddeld 30 per maand\t<ul '
    'style="list-style-type: none">9 (één via afsprakenmodule)5 '
    'geannuleerd\t<ul style="list-style-type: none">Tot op heden 19 '
    'kantoorbezoeken\t<ul style="list-style-type: none">25 documenten geüpload'
)

# 003_af32e144d4d0cabc.txt, lines 692-697
TAB_TABLE = (
    "Brieven (vergelijk)\tDM38 BB 13.572 brieven (grafiek)\tDM22 HI4 3.430 "
    "brieven (grafiek)\tDM41 KOT DT2021 7.204 brieven (grafiek)\n"
    "Interactie\t13%\t4%\t14%\n"
    "Portal\t\t\t\n"
    "FRS\t9%\t3%\t13%\n"
    "Beltel\t4%\t1%\t1%\n"
    "Groepsnummers\t1%\t0%\t0%"
)

# 002_b428648717ec9a2a.txt, lines 30-48
DOUBLE_SPACED = (
    "Tijdens deze werkzaamheden was de Belastingdienst telkens een terugkerende\n"
    "\n"
    "factor. Fiscaal beleid valt of staat namelijk met het belangrijke werk van de\n"
    "\n"
    "uitvoering. Of dat nu gaat om de medewerkers bij de BelastingTelefoon die\n"
    "\n"
    "burgers en bedrijven helpen met hun vragen, of om het ICT-landschap dat het\n"
    "\n"
    "heffen en innen van belastingen mogelijk maakt. Beide zijn onmisbaar.\n"
    "\n"
    "Met in mijn portefeuille zowel Fiscaliteit én Belastingdienst komt het samenspel\n"
    "\n"
    "tussen beleid en uitvoering mooi samen. Sinds mijn aantreden heb ik hier al veel\n"
    "\n"
    "van mogen aanschouwen en vele interessante gesprekken over gevoerd. Ik kijk\n"
    "\n"
    "ernaar uit om tijdens mijn ambtstermijn de werknemers en verschillende\n"
    "\n"
    "onderdelen van de Belastingdienst beter te leren kennen."
)

# 002_b428648717ec9a2a.txt, lines 387-398
HEADING = (
    "burgers en bedrijven te blijven voorzien. De Belastingdienst houdt daarmee oog\n"
    " voor de arbeidsmarkt, hoe deze zich in de toekomst kan ontwikkelen en welke\n"
    "\n"
    "vaardigheden daarbij centraal zullen staan.\n"
    "\n"
    "Naar een toekomstbestendige Belastingdienst\n"
    "\n"
    "Met de resultaten die de Belastingdienst boekt is er ruimte voor perspectief. De\n"
    "\n"
    "laatste jaren is een stevig en duurzaam fundament gelegd voor een\n"
    "\n"
    "toekomstbestendige en wendbare organisatie. Daarmee ontstaat, op termijn,"
)

# 002_b428648717ec9a2a.txt, lines 606-628
TABLE_HEADER_CELLS = (
    "Antwoord vraag 5: Voor een actueel beeld is in onderstaande tabel de "
    "uitstroom in fte van de\n"
    "jaren 2021 t/m heden van de Belastingdienst weergegeven. De "
    "leeftijdsuitstroom in 2021 en 2022\n"
    "kan door gebrek aan data niet worden weergeven.\n"
    "\n"
    "Jaar Totale\n"
    "uitstroom\n"
    "in fte’s\n"
    "\n"
    "Totale\n"
    "uitstroom als\n"
    "percentage\n"
    "van bezetting\n"
    "\n"
    "Waarvan >\n"
    "65 jaar\n"
    "(percentage\n"
    "van totaal)\n"
    "\n"
    "Waarvan < 65 jaar\n"
    "(percentage van\n"
    "totaal)\n"
    "\n"
    "2021 1.203 - - -"
)


# 002_b428648717ec9a2a.txt, lines 1472-1479
QUESTION_AFTER_TABLE_ROW = (
    "Fte per maand 3.574 3.913 3.879 3.656 3.290 2.767 2.744\n"
    "\n"
    "deel van\n"
    "loonkosten\n"
    "\n"
    "17,9% 18,1% 17,4% 18% 16,2% 13,7% 13,3%\n"
    " 35. De leden van de BBB-fractie vragen waarom het ziekteverzuim bij de "
    "Belastingdienst hoger ligt\n"
    "dan gemiddeld en of hier een of meerdere concrete oorzaken voor aan te "
    "wijzen zijn. \xa0"
)

EXCERPTS = [
    (LEER_ROUTES, "004", 872, 881),
    (LOON_EN, "002", 514, 518),
    (BULLETS_ICT, "002", 528, 542),
    (STAND_VAN, "002", 595, 596),
    (LONE_PAGE_NUMBER, "002", 2041, 2050),
    (PAGE_BREAK, "002", 9078, 9092),
    (ADVIESCOMMISSIE, "002", 2910, 2914),
    (COMPLEX, "002", 524, 526),
    (URLS_AND_MARKERS, "002", 9513, 9530),
    (VRAAG_3, "002", 564, 572),
    (VERZUIM, "002", 1394, 1397),
    (KPI, "000", 14, 18),
    (LESS_THAN, "003", 684, 684),
    (UNDERLINED_TABLE, "003", 699, 708),
    (UL_TABLE, "003", 240, 241),
    (TAB_TABLE, "003", 692, 697),
    (DOUBLE_SPACED, "002", 30, 48),
    (HEADING, "002", 387, 398),
    (TABLE_HEADER_CELLS, "002", 606, 628),
    (QUESTION_AFTER_TABLE_ROW, "002", 1472, 1479),
]


@pytest.mark.parametrize(
    ("excerpt", "prefix", "first", "last"),
    EXCERPTS,
    ids=[f"{prefix}:{first}-{last}" for _, prefix, first, last in EXCERPTS],
)
def test_excerpts_are_verbatim_from_the_corpus(
    excerpt: str, prefix: str, first: int, last: int
) -> None:
    assert excerpt == corpus_lines(prefix, first, last)


# --- hyphenated line breaks -------------------------------------------------------------


def test_hyphenated_word_split_over_lines_is_rejoined() -> None:
    (block,) = clean_blocks(LEER_ROUTES)
    assert block.kind == "prose"
    assert "We ontwikkelen leerroutes zodat nieuwe medewerkers" in block.text
    assert "leer-" not in block.text
    assert "leer routes" not in block.text


def test_hyphen_before_en_is_kept_as_elliptic_compound() -> None:
    (block,) = clean_blocks(LOON_EN)
    assert "dat de loon- en inkomstenheffingen (inclusief premies)" in block.text
    assert "loonen" not in block.text
    assert "loon-en" not in block.text


def test_hyphen_after_capitalised_abbreviation_is_kept() -> None:
    blocks = clean_blocks(BULLETS_ICT)
    assert "is de ICT-capaciteit voor betere ondersteuning" in blocks[-1].text
    assert "ICTcapaciteit" not in blocks[-1].text


def test_hyphen_inside_a_hyphenated_compound_is_kept() -> None:
    (block,) = clean_blocks(STAND_VAN)
    assert "naar de stand-van-zakenbrief, die uw Kamer" in block.text


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("We ontwikkelen leer-", "routes zodat", "We ontwikkelen leerroutes zodat"),
        ("dat de loon-", "en inkomstenheffingen", "dat de loon- en inkomstenheffingen"),
        ("is de ICT-", "capaciteit voor", "is de ICT-capaciteit voor"),
        ("naar de stand-van-", "zakenbrief, die", "naar de stand-van-zakenbrief, die"),
        ("wet-", "of regelgeving", "wet- of regelgeving"),
        ("De hoge mate van complexiteit van", "wet- en regelgeving", None),
        ("", "alleen rechts", "alleen rechts"),
        ("alleen links", "", "alleen links"),
        ("een bedrag van 5 -", "10 euro", "een bedrag van 5 - 10 euro"),
    ],
)
def test_join_lines(left: str, right: str, joined: str | None) -> None:
    expected = joined if joined is not None else f"{left} {right}"
    assert join_lines(left, right) == expected


# --- page furniture ---------------------------------------------------------------------


def test_lone_page_number_between_blank_lines_is_removed() -> None:
    blocks = clean_blocks(LONE_PAGE_NUMBER)
    assert kinds(blocks) == ["bullets", "prose"]
    assert all(block.text.strip() != "18" for block in blocks)
    assert blocks[1].text == "6 keuze scenario’s om voorraad te doen dalen met impact op"
    assert "\n18\n" not in clean_text(LONE_PAGE_NUMBER)


def test_pagina_n_van_m_is_removed() -> None:
    cleaned = clean_text(PAGE_BREAK)
    assert "Pagina" not in cleaned
    assert "16 van 24" not in cleaned


@pytest.mark.parametrize("furniture", ["Pagina 16 van 24", "pagina 3", "Page 2 of 9", "Blad 4/7"])
def test_page_furniture_variants_are_removed(furniture: str) -> None:
    text = f"Eerste alinea eindigt hier.\n\n{furniture}\n\nTweede alinea begint hier."
    assert clean_text(text) == "Eerste alinea eindigt hier.\n\nTweede alinea begint hier."


def test_number_inside_a_paragraph_is_not_page_furniture() -> None:
    # a number on its own line but inside a paragraph (table column) stays
    (block,) = clean_blocks("Totaal aantal\n18\nverzoeken")
    assert block.text == "Totaal aantal 18 verzoeken"


# --- footnote markers -------------------------------------------------------------------


def test_footnote_marker_glued_to_word_before_parenthesis_is_removed() -> None:
    (block,) = clean_blocks(ADVIESCOMMISSIE)
    assert "(verder: de Adviescommissie) is bedoeld" in block.text
    assert "Adviescommissie1" not in block.text


def test_footnote_marker_after_full_stop_is_removed() -> None:
    (block,) = clean_blocks(COMPLEX)
    assert "daarmee complex. Zo zijn er keuzemogelijkheden" in block.text
    assert "complex.2" not in block.text


def test_footnote_markers_after_word_and_after_parenthesis_are_removed() -> None:
    (block,) = clean_blocks(URLS_AND_MARKERS)
    assert block.text.startswith("Als een burger over onvoldoende liquide middelen")
    assert "grote verliezen of problemen). Met deze" in block.text
    assert "burger43" not in block.text
    assert ").44" not in block.text
    # a real number in running text survives
    assert "een betalingsregeling van 72 maanden mogelijk" in block.text


def test_numbers_percentages_and_labels_are_not_taken_for_footnote_markers() -> None:
    question, answer = clean_blocks(VRAAG_3)
    assert "de Wet tegenbewijsregeling box 3 en de Wet werkelijk rendement box 3" in question.text
    assert "1.615 fte" in answer.text
    assert "netto toename in bezetting van 489 fte" in answer.text
    assert "De totale bezetting komt daarmee op 28.844 fte." in answer.text
    assert "bezettingsgraad van 100,5%." in answer.text

    (verzuim,) = clean_blocks(VERZUIM)
    assert "in juni 2025 bedraagt 7,3%. De overschrijding" in verzuim.text
    assert "de norm (5,5%) is daarmee" in verzuim.text
    assert "ruim 2.000 fte" in verzuim.text

    (kpi,) = clean_blocks(KPI)
    assert "KPI 1: Minimaal 99% van de aanslagoplegging" in kpi.text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("de Adviescommissie1) is bedoeld", "de Adviescommissie) is bedoeld"),
        ("daarmee complex.2 Zo zijn er", "daarmee complex. Zo zijn er"),
        ("Als een burger43 over onvoldoende", "Als een burger over onvoldoende"),
        ("of problemen).44 Met deze", "of problemen). Met deze"),
        (
            "de regeling voor dwangcrediteuren.38 Dat zijn",
            "de regeling voor dwangcrediteuren. Dat zijn",
        ),
        ("moeten worden nagekomen41;", "moeten worden nagekomen;"),
        (
            "onvoldoende expliciet in de Leidraad vastgelegd.39",
            "onvoldoende expliciet in de Leidraad vastgelegd.",
        ),
        ("de jaarrapportage Belastingdienst 2024.1", "de jaarrapportage Belastingdienst 2024."),
        # never touched: numbers, capitals, labels
        ("De totale bezetting komt daarmee op 28.844 fte.", None),
        ("bedraagt 7,3%. De", None),
        ("KPI 1: Minimaal 99% van de", None),
        ("de Wet werkelijk rendement box 3 worden aangenomen.", None),
        ("Kamerstukken II, 2024/25, 31066, nr. 1465.", None),
        ("in 2024 909 ondernemers doorverwezen", None),
        ("Tijdens de periode 2019 tot en met 2023.", None),
    ],
)
def test_strip_footnote_markers(line: str, expected: str | None) -> None:
    assert strip_footnote_markers(line) == (expected if expected is not None else line)


# --- stray HTML, tables, bullets --------------------------------------------------------


def test_stray_html_list_markup_is_removed_from_table_cells() -> None:
    (table,) = clean_blocks(UL_TABLE)
    assert table.kind == "table"
    assert "<ul" not in table.text
    assert "list-style-type" not in table.text
    assert table.text.split("\n") == [
        "| Chat | Videobellen | Kantoorbezoeken | Uploadfunctie",
        "Aantal | Gemiddeld 30 per maand | 9 (één via afsprakenmodule)5 geannuleerd"
        " | Tot op heden 19 kantoorbezoeken | 25 documenten geüpload",
    ]


def test_underline_tags_are_removed_but_cell_text_stays() -> None:
    cleaned = clean_text(UNDERLINED_TABLE)
    assert "<u>" not in cleaned
    assert "</u>" not in cleaned
    for label in ("Brieven", "Interactie", "Portal", "FRS", "Beltel", "Groepsnummers"):
        assert label in cleaned
    assert "Interactie | 43% | 22%" in cleaned
    assert "Groepsnummers | 31% | 8%" in cleaned


def test_underlined_table_rows_stay_one_table() -> None:
    blocks = clean_blocks(UNDERLINED_TABLE)
    assert kinds(blocks) == ["heading", "prose", "table"]
    assert len(blocks[-1].text.split("\n")) == 6


def test_less_than_sign_before_number_is_not_markup() -> None:
    (block,) = clean_blocks(LESS_THAN)
    assert "Dit is <1% van het totaal aan burgers" in block.text
    assert block.text == LESS_THAN


def test_less_than_and_greater_than_in_table_headers_are_kept() -> None:
    cleaned = clean_text(TABLE_HEADER_CELLS)
    assert "Waarvan > 65 jaar (percentage van totaal)" in cleaned
    assert "Waarvan < 65 jaar (percentage van totaal)" in cleaned


def test_normalise_removes_tags_and_unescapes_entities() -> None:
    # A tag opening a line leaves no leading space (that would read as a page start).
    assert normalise("<p>Brieven &amp; <b>portal</b></p>") == "Brieven &  portal  "
    assert normalise("Dit is &lt;1% van het totaal") == "Dit is <1% van het totaal"
    assert normalise("a\u00a0b\u00adc \ufb01scaal\r\nregel") == "a bc fiscaal\nregel"


def test_tab_separated_cells_become_one_row_per_line() -> None:
    (table,) = clean_blocks(TAB_TABLE)
    assert table.kind == "table"
    assert table.text.split("\n") == [
        "Brieven (vergelijk) | DM38 BB 13.572 brieven (grafiek) | DM22 HI4 3.430 brieven"
        " (grafiek) | DM41 KOT DT2021 7.204 brieven (grafiek)",
        "Interactie | 13% | 4% | 14%",
        "Portal |",
        "FRS | 9% | 3% | 13%",
        "Beltel | 4% | 1% | 1%",
        "Groepsnummers | 1% | 0% | 0%",
    ]
    assert "\t" not in table.text


def test_private_use_bullet_glyph_becomes_bullet_list() -> None:
    blocks = clean_blocks(BULLETS_ICT)
    assert kinds(blocks) == ["prose", "bullets", "bullets"]
    assert "\uf0b7" not in clean_text(BULLETS_ICT)
    assert blocks[1].text.startswith("• Het reduceren van complexiteit van wetgeving")
    assert blocks[1].text.endswith("handmatig werk drijft kosten omhoog.")
    # wrapped lines of one item are joined into one line
    assert "\n" not in blocks[1].text
    assert blocks[2].text.startswith("• Het versterken van de automatisering.")


def test_bullet_list_keeps_one_line_per_item() -> None:
    text = "\uf0b7 juli 2026 VAT-refund;\n\uf0b7 juli 2027 de binnenlandse\nomzetbelasting;"
    (block,) = clean_blocks(text)
    assert block == Block(
        "• juli 2026 VAT-refund;\n• juli 2027 de binnenlandse omzetbelasting;", "bullets"
    )


# --- page breaks, footnotes, blank lines, reflow ----------------------------------------


def test_sentence_cut_by_page_break_is_rejoined_and_footnote_kept_after_it() -> None:
    blocks = clean_blocks(PAGE_BREAK)
    assert kinds(blocks) == ["prose", "footnote", "prose"]
    assert blocks[0].text.startswith("maatregelen rondom RAM. In het bijzonder gaat het")
    assert (
        "De Belastingdienst heeft in samenspraak met de Auditdienst Rijk (ADR), die dit "
        "onderzoek als onafhankelijke partij beoordeelt, vastgesteld dat er meer tijd nodig is."
    ) in blocks[0].text
    assert blocks[1].text == "29 Kamerstukken II, 2024/25, 31066, nr. 1465."
    assert blocks[2].text.startswith("Ik verwacht uw Kamer")


def test_numbered_question_after_a_table_row_starts_its_own_block() -> None:
    blocks = clean_blocks(QUESTION_AFTER_TABLE_ROW)
    assert blocks[-1].text.startswith("35. De leden van de BBB-fractie vragen")


def test_numbered_question_after_a_table_row_keeps_its_text() -> None:
    cleaned = clean_text(QUESTION_AFTER_TABLE_ROW)
    assert "17,9% 18,1% 17,4% 18% 16,2% 13,7% 13,3%" in cleaned
    assert "35. De leden van de BBB-fractie vragen waarom het ziekteverzuim" in cleaned
    assert cleaned.endswith("concrete oorzaken voor aan te wijzen zijn.")  # \xa0 removed


def test_finished_sentence_is_not_joined_across_a_footnote() -> None:
    text = (
        "De eerste wijziging is in werking getreden.\n\n"
        "12 Kamerstukken II, 2024/25, 31066, nr. 1463.\n\n"
        "de volgende wijziging volgt later."
    )
    assert kinds(clean_blocks(text)) == ["prose", "footnote", "prose"]


def test_repeated_blank_lines_collapse_to_one_block_separator() -> None:
    cleaned = clean_text(PAGE_BREAK)
    assert "\n\n\n" not in cleaned
    assert cleaned.count("\n\n") == 2  # three blocks
    assert clean_text("Lijn een.\n\n\n\n\n \n\t\nLijn twee.") == "Lijn een.\n\nLijn twee."


def test_double_spaced_letter_is_reflowed_into_paragraphs() -> None:
    blocks = clean_blocks(DOUBLE_SPACED)
    assert kinds(blocks) == ["prose", "prose"]
    assert blocks[0].text == (
        "Tijdens deze werkzaamheden was de Belastingdienst telkens een terugkerende factor. "
        "Fiscaal beleid valt of staat namelijk met het belangrijke werk van de uitvoering. "
        "Of dat nu gaat om de medewerkers bij de BelastingTelefoon die burgers en bedrijven "
        "helpen met hun vragen, of om het ICT-landschap dat het heffen en innen van "
        "belastingen mogelijk maakt. Beide zijn onmisbaar."
    )
    assert blocks[1].text.startswith("Met in mijn portefeuille zowel Fiscaliteit én")
    assert blocks[1].text.endswith(
        "de werknemers en verschillende onderdelen van de Belastingdienst beter te leren kennen."
    )


def test_page_start_inside_a_sentence_is_rejoined() -> None:
    # line 388 starts with the single space that marks a new page in the extraction
    blocks = clean_blocks(HEADING)
    assert blocks[0].text == (
        "burgers en bedrijven te blijven voorzien. De Belastingdienst houdt daarmee oog voor "
        "de arbeidsmarkt, hoe deze zich in de toekomst kan ontwikkelen en welke vaardigheden "
        "daarbij centraal zullen staan."
    )


# --- headings ---------------------------------------------------------------------------


def test_heading_before_long_paragraph_is_detected() -> None:
    blocks = clean_blocks(HEADING)
    assert kinds(blocks) == ["prose", "heading", "prose"]
    assert blocks[1].text == "Naar een toekomstbestendige Belastingdienst"


def test_heading_is_detected_in_the_whole_document() -> None:
    blocks = clean_blocks(load_document(corpus_file("002"), 10**8).text)
    heading = [b for b in blocks if b.text == "Naar een toekomstbestendige Belastingdienst"]
    assert [b.kind for b in heading] == ["heading"]


def test_short_table_cells_are_not_headings() -> None:
    blocks = clean_blocks(TABLE_HEADER_CELLS)
    assert "heading" not in kinds(blocks)
    assert [b.text for b in blocks[1:]] == [
        "Jaar Totale uitstroom in fte’s",
        "Totale uitstroom als percentage van bezetting",
        "Waarvan > 65 jaar (percentage van totaal)",
        "Waarvan < 65 jaar (percentage van totaal)",
        "2021 1.203 - - -",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Korte kop\n\nNog een korte cel", ["prose", "prose"]),  # short text follows
        ("Naar een toekomstbestendige Belastingdienst", ["prose"]),  # nothing follows
        ("Dit is een gewone zin.\n\n" + "x" * 100, ["prose", "prose"]),  # ends with a full stop
        ("2021 1.203 - - -\n\n" + "Lange alinea " * 10, ["prose", "prose"]),  # mostly digits
        ("Overzicht\n\n• eerste punt\n• tweede punt", ["heading", "bullets"]),
        ("Inhuur\n\nJaar\t2024\t2025", ["heading", "table"]),
    ],
)
def test_heading_rules(text: str, expected: list[str]) -> None:
    assert kinds(clean_blocks(text)) == expected


def test_corpus_headings_are_short_unpunctuated_lines() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        blocks = clean_blocks(load_document(corpus_file(prefix), 10**8).text)
        for block in blocks:
            if block.kind == "heading":
                assert len(block.text) <= 90
                assert block.text[-1] not in ".,;:!?"


# --- repeated URL lines -----------------------------------------------------------------


def test_url_lines_repeated_three_or_more_times_are_dropped() -> None:
    cleaned = clean_text(URLS_AND_MARKERS)
    assert "https://" not in cleaned
    assert cleaned.startswith("Als een burger over")


def test_url_line_seen_only_twice_is_kept() -> None:
    url = "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/"
    cleaned = clean_text(f"{url}\n\nTekst die blijft staan.\n\n{url}")
    assert cleaned.count(url) == 2


def test_url_inside_a_sentence_is_never_dropped() -> None:
    url = "https://over-ons.belastingdienst.nl/onderwerpen/bijzonder-uitstel-corona/"
    line = f"Zie {url} voor meer informatie."
    assert clean_text("\n".join([url, url, url, line])) == line


# --- whole documents --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_cleaned_corpus_has_no_extraction_artefacts(prefix: str) -> None:
    blocks = clean_blocks(load_document(corpus_file(prefix), 10**8).text)
    assert blocks
    cleaned = "\n\n".join(block.text for block in blocks)
    assert "\t" not in cleaned
    assert "\f" not in cleaned
    assert "\uf0b7" not in cleaned
    assert "<ul" not in cleaned
    assert "<u>" not in cleaned
    assert "\n\n\n" not in cleaned
    for block in blocks:
        assert block.text == block.text.strip()
        assert block.text
        assert not block.text.startswith("Pagina ")
