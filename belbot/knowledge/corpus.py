"""From paths on disk to chunked documents with provenance; bad files are skipped with a
warning that names the file and the reason."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from belbot.domain import Chunk, DocumentInfo
from belbot.errors import DocumentError
from belbot.knowledge.chunking import chunk_blocks
from belbot.knowledge.cleaning import clean_blocks
from belbot.knowledge.loaders import SUPPORTED_SUFFIXES, RawDocument, load_document
from belbot.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class ProcessedDocument:
    info: DocumentInfo
    cleaned_text: str
    chunks: list[Chunk]


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str
    message: str


@dataclass
class CorpusScan:
    documents: list[ProcessedDocument] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def load_provenance(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None or not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: value for name, value in data.items() if not name.startswith("_")}


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths, in a stable order; provenance and notes are not content."""
    for root in paths:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if (
                    path.is_file()
                    and path.name not in ("provenance.json", "SOURCES.md")
                    and not any(part.startswith(".") for part in path.relative_to(root).parts)
                ):
                    yield path
        else:
            yield root


def _title_from_text(raw: RawDocument) -> str:
    for line in raw.text.splitlines():
        line = line.strip().lstrip("#").strip()
        if 3 <= len(line) <= 120:
            return line
    return raw.path.stem


def process_document(
    raw: RawDocument, provenance: dict[str, str], max_chars: int, qa_max_chars: int
) -> ProcessedDocument:
    doc_id = raw.content_sha256[:16]
    info = DocumentInfo(
        doc_id=doc_id,
        content_sha256=raw.content_sha256,
        file_name=raw.path.name,
        title=provenance.get("title") or _title_from_text(raw),
        date=provenance.get("date"),
        publisher=provenance.get("publisher"),
    )
    chunked = chunk_blocks(
        clean_blocks(raw.text), doc_id, max_chars, qa_max_chars, id_key=raw.path.name
    )
    return ProcessedDocument(info=info, cleaned_text=chunked.cleaned_text, chunks=chunked.chunks)


def scan_corpus(
    paths: Iterable[Path],
    provenance: dict[str, dict[str, str]],
    max_file_bytes: int,
    max_chars: int,
    qa_max_chars: int,
) -> CorpusScan:
    scan = CorpusScan()
    seen: dict[str, Path] = {}
    for path in discover(paths):
        if not path.exists():
            scan.skipped.append(Skipped(path, "missing", f"{path}: bestand bestaat niet"))
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            message = f"{path.name}: bestandstype '{path.suffix}' wordt niet ondersteund"
            scan.skipped.append(Skipped(path, "unsupported", message))
            continue
        try:
            raw = load_document(path, max_file_bytes)
        except DocumentError as exc:
            scan.skipped.append(Skipped(path, exc.reason, exc.message))
            continue
        if raw.content_sha256 in seen:
            original = seen[raw.content_sha256].name
            message = f"{path.name}: zelfde inhoud als {original}, één keer geïndexeerd"
            scan.skipped.append(Skipped(path, "duplicate", message))
            continue
        seen[raw.content_sha256] = path
        document = process_document(raw, provenance.get(path.name, {}), max_chars, qa_max_chars)
        if not document.chunks:
            scan.skipped.append(Skipped(path, "empty", f"{path.name}: geen tekst na opschonen"))
            continue
        scan.documents.append(document)
    for skipped in scan.skipped:
        log.warning("ingest.file_skipped", file=str(skipped.path), reason=skipped.reason)
    return scan
