"""Loading .txt, .md, .html and .pdf files, and refusing bad input with a reason."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from belbot.domain import sha256_hex
from belbot.errors import DocumentError
from belbot.knowledge.corpus import scan_corpus
from belbot.knowledge.loaders import html_to_text, load_document

pytestmark = pytest.mark.unit

MAX_BYTES = 1024 * 1024
PDF_TEXT = "De BelastingTelefoon is op werkdagen bereikbaar. Financiën en premies."


def make_pdf(*pages: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="x")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(path: Path, max_bytes: int = MAX_BYTES) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        load_document(path, max_bytes)
    assert info.value.code == "document_error"
    return info.value


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\n\n\n"])
@pytest.mark.parametrize("name", ["leeg.txt", "leeg.md", "leeg.html"])
def test_empty_or_whitespace_file_is_refused_as_empty(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = refusal(path)
    assert error.reason == "empty"
    assert error.message == f"{name}: bestand is leeg"


def test_html_without_visible_text_is_refused_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "script.html"
    path.write_text("<html><head><title>x</title><script>var a = 1;</script></head></html>")
    error = refusal(path)
    assert error.reason == "empty"
    assert "script.html" in error.message
    assert "geen tekst" in error.message


def test_binary_file_with_txt_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4)
    error = refusal(path)
    assert error.reason == "binary"
    assert error.message.startswith("export.txt: ")


def test_many_control_characters_without_nul_count_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "ruis.md"
    path.write_bytes(b"tekst \x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10" * 50)
    assert refusal(path).reason == "binary"


def test_text_with_tabs_and_form_feeds_is_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "tabel.txt"
    path.write_bytes(b"Jaar\t2024\t2025\nFRS\t16%\t15%\n\x0cPagina 2\n")
    assert load_document(path, MAX_BYTES).text == "Jaar\t2024\t2025\nFRS\t16%\t15%\n\x0cPagina 2\n"


def test_file_larger_than_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "groot.txt"
    path.write_text("Dit is tekst. " * 100, encoding="utf-8")  # 1400 bytes
    error = refusal(path, max_bytes=1000)
    assert error.reason == "too_large"
    assert "groot.txt" in error.message
    assert "1400 bytes" in error.message
    assert "maximum 1000" in error.message


def test_file_of_exactly_max_bytes_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "precies.txt"
    path.write_bytes(b"a" * 1000)
    assert load_document(path, max_bytes=1000).text == "a" * 1000


def test_missing_file_is_refused_as_unreadable(tmp_path: Path) -> None:
    error = refusal(tmp_path / "bestaat-niet.txt")
    assert error.reason == "unreadable"
    assert error.message.startswith("bestaat-niet.txt: bestand niet leesbaar")
    assert isinstance(error.__cause__, FileNotFoundError)


def test_directory_with_a_text_suffix_is_refused_as_unreadable(tmp_path: Path) -> None:
    # tests may run as root, so chmod 000 would not stop reading; a directory does
    path = tmp_path / "map.txt"
    path.mkdir()
    error = refusal(path)
    assert error.reason == "unreadable"
    assert error.message.startswith("map.txt: bestand niet leesbaar")
    assert isinstance(error.__cause__, IsADirectoryError)


@pytest.mark.parametrize("name", ["brief.docx", "tabel.xlsx", "scan.png", "README", "data.json"])
def test_unsupported_suffix_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 zip-inhoud")
    error = refusal(path)
    assert error.reason == "unsupported"
    assert error.message.startswith(f"{name}: bestandstype")
    assert "wordt niet ondersteund" in error.message


def test_unsupported_suffix_is_refused_before_the_file_is_read(tmp_path: Path) -> None:
    # a missing .docx is "unsupported", not "unreadable": the suffix is checked first
    assert refusal(tmp_path / "weg.docx").reason == "unsupported"


def test_undecodable_text_is_refused_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "kapot.txt"
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid UTF-8
    path.write_bytes(b"Belastingdienst \x81\x8d tekst")
    error = refusal(path)
    assert error.reason == "unreadable"
    assert "tekencodering niet herkend" in error.message


# --- text formats -----------------------------------------------------------------------


def test_utf8_text_loads_with_hash_and_kind(tmp_path: Path) -> None:
    content = "Financiële Beschouwingen — één keer per jaar.\n"
    path = tmp_path / "brief.txt"
    path.write_bytes(content.encode("utf-8"))
    raw = load_document(path, MAX_BYTES)
    assert raw.text == content
    assert raw.kind == "text"
    assert raw.path == path
    assert raw.content_sha256 == sha256_hex(content.encode("utf-8"))


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfGeachte voorzitter,")
    assert load_document(path, MAX_BYTES).text == "Geachte voorzitter,"


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "oud.txt"
    text = "Algemene Financiële Beschouwingen: € 1,1 miljard – ‘open normen’ én meer."
    path.write_bytes(text.encode("cp1252"))
    raw = load_document(path, MAX_BYTES)
    assert raw.text == text
    assert raw.content_sha256 == sha256_hex(text.encode("cp1252"))


@pytest.mark.parametrize(("suffix", "kind"), [(".md", "markdown"), (".markdown", "markdown")])
def test_markdown_loads_as_is(tmp_path: Path, suffix: str, kind: str) -> None:
    content = "# Bereikbaarheid\n\n- BelastingTelefoon: 90%\n- Webcare: 80%\n"
    path = tmp_path / f"notitie{suffix}"
    path.write_text(content, encoding="utf-8")
    raw = load_document(path, MAX_BYTES)
    assert raw.kind == kind
    assert raw.text == content


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "NOTITIE.TXT"
    path.write_text("Hoofdletters in de naam.", encoding="utf-8")
    assert load_document(path, MAX_BYTES).kind == "text"


HTML = """<!DOCTYPE html>
<html><head><title>Paginatitel</title><style>p { color: red; }</style></head>
<body>
<nav>Menu Home Contact</nav>
<script>document.write("verborgen script");</script>
<h1>Uitstroom</h1>
<p>De uitstroom is <b>nagenoeg gelijk</b> gebleven.</p>
<table>
<tr><th>Jaar</th><th>Uitstroom</th></tr>
<tr><td>2023</td><td>1.884</td></tr>
<tr><td>2024</td><td>2.060</td></tr>
</table>
<noscript>Zet JavaScript aan</noscript>
</body></html>
"""


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_loads_as_text_without_scripts_and_styles(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"pagina{suffix}"
    path.write_text(HTML, encoding="utf-8")
    raw = load_document(path, MAX_BYTES)
    assert raw.kind == "html"
    for hidden in ("verborgen script", "color: red", "Paginatitel", "Menu Home", "JavaScript"):
        assert hidden not in raw.text
    assert "<" not in raw.text
    assert "Uitstroom" in raw.text
    assert "nagenoeg gelijk" in raw.text
    assert raw.content_sha256 == sha256_hex(HTML.encode("utf-8"))


def test_html_table_cells_are_separated_by_pipes() -> None:
    lines = [line.strip() for line in html_to_text(HTML).split("\n") if line.strip()]
    # One line per table row, every cell followed by its separator.
    assert "Jaar | Uitstroom |" in lines
    assert "2023 | 1.884 |" in lines
    assert "2024 | 2.060 |" in lines


def test_html_keeps_every_text_node_in_reading_order() -> None:
    text = html_to_text(HTML)
    order = ["Uitstroom", "De uitstroom is", "nagenoeg gelijk", "gebleven.", "Jaar", "2.060"]
    positions = [text.find(part) for part in order]
    assert -1 not in positions
    assert positions == sorted(positions)


HTML_TABLE = (
    "<p>Bel de <b>BelastingTelefoon</b> voor hulp.</p>"
    "<table><tr><th>Jaar</th><th>Uitstroom</th></tr>"
    "<tr><td>2023</td><td>1.884</td></tr><tr><td>2024</td><td>2.060</td></tr></table>"
)


def test_html_table_becomes_table_rows_after_cleaning() -> None:
    from belbot.knowledge.cleaning import clean_blocks

    blocks = clean_blocks(html_to_text(HTML_TABLE))
    tables = [block for block in blocks if block.kind == "table"]
    assert len(tables) == 1
    assert tables[0].text.split("\n")[1].startswith("2023 | 1.884")


def test_html_inline_markup_does_not_split_a_sentence() -> None:
    from belbot.knowledge.cleaning import clean_blocks

    blocks = clean_blocks(html_to_text(HTML_TABLE))
    assert blocks[0].text == "Bel de BelastingTelefoon voor hulp."


# --- PDF --------------------------------------------------------------------------------


def test_pdf_made_with_fpdf_loads_its_text(tmp_path: Path) -> None:
    data = make_pdf(PDF_TEXT)
    path = tmp_path / "brief.pdf"
    path.write_bytes(data)
    raw = load_document(path, MAX_BYTES)
    assert raw.kind == "pdf"
    assert raw.text.strip() == PDF_TEXT
    assert raw.content_sha256 == sha256_hex(data)


def test_pdf_pages_are_separated_by_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "twee.pdf"
    path.write_bytes(make_pdf("Eerste pagina.", "Tweede pagina."))
    text = load_document(path, MAX_BYTES).text
    assert text.split("\n\f\n") == ["Eerste pagina.", "Tweede pagina."]


def test_pdf_without_text_is_refused_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(""))
    error = refusal(path)
    assert error.reason == "empty"
    assert "scan.pdf" in error.message


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "geheim.pdf"
    path.write_bytes(encrypt_pdf(make_pdf(PDF_TEXT), user_password="geheim"))
    error = refusal(path)
    assert error.reason == "encrypted"
    assert error.message.startswith("geheim.pdf: PDF is versleuteld")


def test_pdf_encrypted_with_empty_user_password_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "open.pdf"
    path.write_bytes(encrypt_pdf(make_pdf(PDF_TEXT), user_password=""))
    assert load_document(path, MAX_BYTES).text.strip() == PDF_TEXT


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(random.Random(7).randbytes(4096), id="random-bytes"),
        pytest.param(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", id="header-only"),
        pytest.param(make_pdf(PDF_TEXT)[:600], id="truncated"),
    ],
)
def test_corrupt_pdf_is_refused_as_unreadable(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kapot.pdf"
    path.write_bytes(content)
    error = refusal(path)
    assert error.reason == "unreadable"
    assert error.message.startswith("kapot.pdf: PDF is beschadigd of onleesbaar")


def test_pdf_with_unknown_stream_filter_is_refused_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "filter.pdf"
    # same length, so the cross-reference table stays valid
    path.write_bytes(make_pdf(PDF_TEXT).replace(b"/FlateDecode", b"/FlateDexode"))
    assert refusal(path).reason == "unreadable"


# --- scanning a folder ------------------------------------------------------------------

GOOD_TEXT = (
    "Bereikbaarheid\n\n"
    "De streefwaarde voor bereikbaarheid van de BelastingTelefoon is 90% en voor "
    "bereikbaarheid van de Webcare 80%. Zie voor de realisatie de jaarrapportage 2024.\n"
)


def test_scan_corpus_indexes_good_files_and_skips_bad_ones(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_goed.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "b_kopie.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "c_leeg.txt").write_bytes(b"")
    (folder / "d_binair.txt").write_bytes(b"\x00\x01\x02binair\x00" * 20)
    (folder / "e_brief.docx").write_bytes(b"PK\x03\x04")

    scan = scan_corpus([folder], {}, MAX_BYTES, 1000, 2200)

    assert [doc.info.file_name for doc in scan.documents] == ["a_goed.txt"]
    document = scan.documents[0]
    assert document.info.doc_id == sha256_hex(GOOD_TEXT.encode("utf-8"))[:16]
    assert document.info.title == "Bereikbaarheid"
    assert document.chunks
    assert all(chunk.doc_id == document.info.doc_id for chunk in document.chunks)

    skipped = {item.path.name: item for item in scan.skipped}
    assert {name: item.reason for name, item in skipped.items()} == {
        "b_kopie.txt": "duplicate",
        "c_leeg.txt": "empty",
        "d_binair.txt": "binary",
        "e_brief.docx": "unsupported",
    }
    for name, item in skipped.items():
        assert item.message.startswith(f"{name}: ")
        assert item.path == folder / name
    assert "a_goed.txt" in skipped["b_kopie.txt"].message


def test_scan_corpus_skips_notes_hidden_files_and_reports_missing_paths(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / ".verborgen").mkdir(parents=True)
    (folder / "brief.md").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "provenance.json").write_text("{}", encoding="utf-8")
    (folder / "SOURCES.md").write_text("# Bronnen\n\nNiet indexeren.", encoding="utf-8")
    (folder / ".verborgen" / "concept.txt").write_text("Concepttekst.", encoding="utf-8")
    missing = tmp_path / "elders.txt"

    scan = scan_corpus([folder, missing], {}, MAX_BYTES, 1000, 2200)

    assert [doc.info.file_name for doc in scan.documents] == ["brief.md"]
    assert [(s.path, s.reason) for s in scan.skipped] == [(missing, "missing")]
    assert str(missing) in scan.skipped[0].message


def test_scan_corpus_uses_provenance_and_skips_files_without_content(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "brief.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "paginanummer.txt").write_text("\n\n18\n\nPagina 3 van 4\n", encoding="utf-8")
    provenance = {"brief.txt": {"title": "Antwoorden Kamervragen", "date": "2025"}}

    scan = scan_corpus([folder], provenance, MAX_BYTES, 1000, 2200)

    (document,) = scan.documents
    assert document.info.title == "Antwoorden Kamervragen"
    assert document.info.date == "2025"
    assert [(s.path.name, s.reason) for s in scan.skipped] == [("paginanummer.txt", "empty")]
    assert scan.skipped[0].message.startswith("paginanummer.txt: ")


def test_scan_corpus_skips_too_large_and_encrypted_files(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "groot.txt").write_text("Tekst. " * 400, encoding="utf-8")
    (folder / "geheim.pdf").write_bytes(encrypt_pdf(make_pdf(PDF_TEXT), user_password="geheim"))
    (folder / "goed.pdf").write_bytes(make_pdf(PDF_TEXT))

    scan = scan_corpus([folder], {}, 2048, 1000, 2200)

    assert [doc.info.file_name for doc in scan.documents] == ["goed.pdf"]
    assert PDF_TEXT in scan.documents[0].cleaned_text
    assert sorted((s.path.name, s.reason) for s in scan.skipped) == [
        ("geheim.pdf", "encrypted"),
        ("groot.txt", "too_large"),
    ]
