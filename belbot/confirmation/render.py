"""The confirmation as plain text (for e-mail) and as an A4 PDF (fpdf2). Both come from the
same text, so the PDF shows exactly what the agent approved. Deliberately no logo or house
style: this is not an official letterhead."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from belbot.confirmation.types import Confirmation, Point, SourceNote

TITLE = "Bevestiging van uw gesprek met de BelastingTelefoon"
HEADINGS = ("Uw vragen", "Wat wij u hebben verteld", "Bronnen", "Let op")
INTRO = (
    "U hebt gebeld met de BelastingTelefoon. In deze brief leest u wat wij u in dat gesprek "
    "hebben verteld. Onder elk punt staat waar de informatie vandaan komt."
)
CLOSING = (
    "Deze brief is een samenvatting van de informatie uit uw gesprek. Het is geen besluit over "
    "uw eigen situatie. Uw aanslag, beschikking of toeslag kan anders uitvallen. Hebt u nog "
    "vragen? Bel dan opnieuw de BelastingTelefoon."
)
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
# Common typographic characters mapped for the built-in PDF font, used only when no Unicode
# TrueType font is available (the built-in fonts cover Latin-1 only).
_LATIN1 = str.maketrans(
    {"€": "EUR", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
     "•": "-", "≥": ">=", "≤": "<=", "\u00a0": " "}
)  # fmt: skip
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


def dutch_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _point(number: int, point: Point) -> str:
    return f"{number}. {point.topic}\n   {point.text}"


def _note(note: SourceNote) -> str:
    # A section that repeats (part of) the title adds nothing.
    section = note.section if note.section and note.section not in note.title else ""
    where = ", ".join(p for p in (note.title, section, note.date) if p)
    return f'[{note.number}] {where}: "{note.quote}"'


def render_text(reference: str, day: date, points: list[Point], notes: list[SourceNote]) -> str:
    """The draft as plain text. Name and address stay placeholders: the agent's own mail
    system fills them, BelBot never sees them."""
    parts = [
        TITLE,
        "",
        f"Datum: {dutch_date(day)}",
        f"Kenmerk: {reference}",
        "",
        "Aan: [NAAM]",
        "[ADRES]",
        "",
        "Beste [NAAM],",
        "",
        INTRO,
        "",
        HEADINGS[0],
        *[f"- {p.topic}" for p in points],
        "",
        HEADINGS[1],
        *[_point(n, p) for n, p in enumerate(points, start=1)],
        "",
        HEADINGS[2],
        *[_note(note) for note in notes],
        "",
        HEADINGS[3],
        CLOSING,
        "",
        "Met vriendelijke groet,",
        "BelastingTelefoon",
    ]
    return "\n".join(parts) + "\n"


def _font_file(name: str) -> Path | None:
    return next((d / name for d in FONT_DIRS if (d / name).is_file()), None)


def render_pdf(confirmation: Confirmation) -> bytes:
    """A4, readable layout: the approved text if there is one, else the draft; headings bold,
    source notes smaller, a footer with reference, version and page number."""
    from fpdf import FPDF

    text = confirmation.final_text or confirmation.draft_text
    regular, bold = _font_file("DejaVuSans.ttf"), _font_file("DejaVuSans-Bold.ttf")

    class Letter(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(family, size=8)
            self.cell(
                0,
                6,
                clean(
                    f"Kenmerk {confirmation.reference} - versie {confirmation.version} - "
                    f"pagina {self.page_no()}/{{nb}}"
                ),
                align="C",
            )

    pdf = Letter(format="A4")
    if regular and bold:
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        family = "DejaVu"

        def clean(value: str) -> str:
            return value
    else:
        family = "Helvetica"

        def clean(value: str) -> str:
            return value.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(clean(TITLE))
    pdf.set_creator("BelBot")
    pdf.add_page()
    in_notes = False
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if number == 0:
            pdf.set_font(family, "B", 15)
            pdf.multi_cell(0, 8, clean(stripped), align="L")
            pdf.ln(3)
            continue
        if not stripped:
            pdf.ln(3)
            continue
        if stripped in HEADINGS:
            in_notes = stripped == "Bronnen"
            pdf.ln(2)
            pdf.set_font(family, "B", 12)
            pdf.multi_cell(0, 7, clean(stripped))
            continue
        pdf.set_font(family, "", 9 if in_notes else 11)
        indent = 6 if line.startswith("   ") else 0
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, 5 if in_notes else 6, clean(stripped), align="L")
        if in_notes:
            pdf.ln(1.5)
    return bytes(pdf.output())
