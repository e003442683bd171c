"""Read .txt, .md, .html and .pdf files into raw text, refusing bad input with a reason.

Every refusal is a DocumentError with a Dutch message and a short ``reason`` tag
(empty, too_large, binary, unreadable, encrypted, unsupported) so the build can skip the file,
warn, and go on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from belbot.domain import sha256_hex
from belbot.errors import DocumentError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")


@dataclass(frozen=True)
class RawDocument:
    path: Path
    content_sha256: str
    text: str
    kind: str  # "text", "markdown", "html" or "pdf"


def load_document(path: Path, max_bytes: int) -> RawDocument:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path.name}: bestandstype '{suffix}' wordt niet ondersteund", "unsupported"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"{path.name}: bestand is te groot ({size} bytes, maximum {max_bytes})", "too_large"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(
            f"{path.name}: bestand niet leesbaar ({exc.strerror})", "unreadable"
        ) from exc
    if not data.strip():
        raise DocumentError(f"{path.name}: bestand is leeg", "empty")
    digest = sha256_hex(data)
    if suffix == ".pdf":
        text, kind = _pdf_text(path, data), "pdf"
    else:
        text = _decode_text(path, data)
        kind = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(
            suffix, "text"
        )
        if kind == "html":
            text = html_to_text(text)
    if not text.strip():
        raise DocumentError(f"{path.name}: geen tekst gevonden in het bestand", "empty")
    return RawDocument(path=path, content_sha256=digest, text=text, kind=kind)


def _decode_text(path: Path, data: bytes) -> str:
    # NUL bytes or many control characters mean a binary file with a text suffix.
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise DocumentError(f"{path.name}: lijkt een binair bestand, geen tekst", "binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older government exports are often Windows-1252.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"{path.name}: tekencodering niet herkend (geen UTF-8 of Windows-1252)",
                "unreadable",
            ) from exc


_HTML_BLOCKS = (
    "p", "div", "br", "li", "tr", "table", "section", "article", "header", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
)  # fmt: skip


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "nav", "noscript"]):
        tag.decompose()
    for cell in soup.find_all(["td", "th"]):
        cell.append(" | ")
    # Block elements end a line; inline markup (<b>, <a>) stays inside its sentence.
    for block in soup.find_all(_HTML_BLOCKS):
        if block.name == "li":
            block.insert(0, "• ")  # list items stay one bullet list
        if block.name not in ("tr", "li"):  # rows and items stay together: no blank line
            block.insert_before("\n")
        block.append("\n")
    text = str(soup.get_text(""))
    # Indentation in HTML carries no meaning (in PDF text a leading space marks a page).
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def _pdf_text(path: Path, data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password still opens some "encrypted" PDFs; anything else is refused.
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise DocumentError(
                    f"{path.name}: PDF is versleuteld en kan niet worden gelezen", "encrypted"
                ) from exc
            if not opened:
                raise DocumentError(
                    f"{path.name}: PDF is versleuteld met een wachtwoord", "encrypted"
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, OSError, NotImplementedError) as exc:
        # A damaged PDF must cost one warning, never the whole build.
        raise DocumentError(
            f"{path.name}: PDF is beschadigd of onleesbaar ({exc})", "unreadable"
        ) from exc
    # A form feed marks each page break so the cleaner can drop page furniture.
    return "\n\f\n".join(pages)
