"""Build or update the index: incremental (unchanged chunks are not embedded again) and
atomic (a build killed halfway leaves the previous version live and intact)."""

from __future__ import annotations

import fcntl
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from belbot.domain import sha256_hex
from belbot.embedding.base import Embedder
from belbot.errors import BelbotError, IndexBusyError
from belbot.index.manifest import EmbedderInfo, IndexManifest, ManifestDocument
from belbot.index.store import (
    VERSIONS_DIR,
    IndexVersion,
    current_version_id,
    dump_manifest,
    fsync_dir,
    load_index,
    write_atomically,
    write_json_lines,
    write_vectors,
)
from belbot.knowledge.chunking import CHUNKER_VERSION
from belbot.knowledge.cleaning import CLEANER_VERSION
from belbot.knowledge.corpus import ProcessedDocument, Skipped, load_provenance, scan_corpus
from belbot.logs import get_logger
from belbot.settings import Settings

log = get_logger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    version_id: str
    changed: bool
    documents: int
    chunks: int
    embedded: int
    reused: int
    seconds: float
    skipped: list[Skipped] = field(default_factory=list)


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".build.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError("Er loopt al een indexering; probeer het later opnieuw.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class IndexBuilder:
    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self._settings = settings
        self._embedder = embedder

    @property
    def index_dir(self) -> Path:
        return self._settings.paths.index_dir

    def build(
        self, paths: list[Path] | None = None, progress: Progress | None = None
    ) -> BuildReport:
        started = time.perf_counter()
        with _build_lock(self.index_dir):
            versions = self.index_dir / VERSIONS_DIR
            versions.mkdir(parents=True, exist_ok=True)
            for stale in versions.glob(".tmp-*"):  # left by a killed build
                shutil.rmtree(stale, ignore_errors=True)
            chunking = self._settings.chunking
            scan = scan_corpus(
                paths or [self._settings.paths.corpus_dir],
                load_provenance(self._settings.paths.provenance_file),
                self._settings.ingest.max_file_bytes,
                chunking.max_chars,
                chunking.qa_max_chars,
            )
            if not scan.documents:
                raise BelbotError("Geen bruikbare documenten gevonden; de index is niet gewijzigd.")
            self._embedder.warm_up()
            manifest = self._manifest(scan.documents)
            previous_id = current_version_id(self.index_dir)
            if previous_id == manifest.version_id and (versions / previous_id).is_dir():
                log.info("ingest.up_to_date", version_id=previous_id)
                return BuildReport(
                    previous_id, False, len(scan.documents), manifest.chunk_count, 0,
                    manifest.chunk_count, time.perf_counter() - started, scan.skipped,
                )  # fmt: skip
            vectors, embedded = self._vectors(scan.documents, manifest, previous_id, progress)
            manifest.embedded_chunks = embedded
            manifest.reused_chunks = manifest.chunk_count - embedded
            manifest.built_at = datetime.now(UTC).isoformat(timespec="seconds")
            manifest.build_seconds = round(time.perf_counter() - started, 3)
            self._write_version(versions, manifest, scan.documents, vectors)
            write_atomically(self.index_dir / "CURRENT", manifest.version_id + "\n")
            self._prune(versions, keep={manifest.version_id, previous_id or ""})
            log.info(
                "ingest.done",
                version_id=manifest.version_id,
                documents=len(scan.documents),
                chunks=manifest.chunk_count,
                embedded=embedded,
                skipped=len(scan.skipped),
                seconds=manifest.build_seconds,
            )
            return BuildReport(
                manifest.version_id, True, len(scan.documents), manifest.chunk_count, embedded,
                manifest.chunk_count - embedded, time.perf_counter() - started, scan.skipped,
            )  # fmt: skip

    def _manifest(self, documents: list[ProcessedDocument]) -> IndexManifest:
        chunk_ids = [chunk.chunk_id for doc in documents for chunk in doc.chunks]
        manifest = IndexManifest(
            embedder=EmbedderInfo(
                model_id=self._embedder.model_id,
                fingerprint=self._embedder.fingerprint,
                dim=self._embedder.dim,
            ),
            chunker_version=CHUNKER_VERSION,
            cleaner_version=CLEANER_VERSION,
            chunking=self._settings.chunking.model_dump(),
            documents=[
                ManifestDocument(
                    doc_id=d.info.doc_id,
                    file_name=d.info.file_name,
                    content_sha256=d.info.content_sha256,
                )
                for d in documents
            ],
            chunk_count=len(chunk_ids),
            chunk_ids_sha256=sha256_hex("\n".join(chunk_ids)),
        )
        manifest.version_id = manifest.compute_version_id()
        return manifest

    def _previous_vectors(self, previous_id: str | None, fingerprint: str) -> dict[str, np.ndarray]:
        """Vectors of the live version keyed by the hash of the text that was embedded."""
        if previous_id is None:
            return {}
        try:
            previous: IndexVersion = load_index(self.index_dir, previous_id)
        except BelbotError as exc:
            log.warning("ingest.previous_unusable", version_id=previous_id, error=exc.code)
            return {}
        if previous.manifest.embedder.fingerprint != fingerprint:
            return {}
        return {
            sha256_hex(chunk.index_text): previous.vectors[row]
            for row, chunk in enumerate(previous.chunks)
        }

    def _vectors(
        self,
        documents: list[ProcessedDocument],
        manifest: IndexManifest,
        previous_id: str | None,
        progress: Progress | None,
    ) -> tuple[np.ndarray, int]:
        texts = [chunk.index_text for doc in documents for chunk in doc.chunks]
        keys = [sha256_hex(text) for text in texts]
        known = self._previous_vectors(previous_id, manifest.embedder.fingerprint)
        missing = sorted({i for i, key in enumerate(keys) if key not in known})
        batch = self._settings.embedding.batch_size
        log.info("ingest.embedding", to_embed=len(missing), reused=len(texts) - len(missing))
        if progress:
            progress(0, len(missing))
        for offset in range(0, len(missing), batch):
            rows = missing[offset : offset + batch]
            vectors = self._embedder.embed_passages([texts[i] for i in rows])
            for row, vector in zip(rows, vectors, strict=True):
                known[keys[row]] = vector
            if progress:
                progress(min(offset + batch, len(missing)), len(missing))
        matrix = np.stack([known[key] for key in keys]).astype(np.float32)
        return matrix, len(missing)

    def _write_version(
        self,
        versions: Path,
        manifest: IndexManifest,
        documents: list[ProcessedDocument],
        vectors: np.ndarray,
    ) -> None:
        final = versions / manifest.version_id
        tmp = versions / f".tmp-{manifest.version_id}-{time.time_ns()}"
        (tmp / "cleaned").mkdir(parents=True)
        for doc in documents:
            write_json_lines(tmp / "cleaned" / f"{doc.info.doc_id}.txt", [doc.cleaned_text])
        write_json_lines(tmp / "documents.jsonl", [d.info.model_dump_json() for d in documents])
        write_json_lines(
            tmp / "chunks.jsonl",
            [chunk.model_dump_json() for doc in documents for chunk in doc.chunks],
        )
        write_vectors(tmp / "vectors.faiss", vectors, manifest.embedder.dim)
        write_json_lines(tmp / "manifest.json", [dump_manifest(manifest)])
        fsync_dir(tmp)
        if final.exists():  # same content built before but not live: replace it whole
            shutil.rmtree(final)
        tmp.rename(final)
        fsync_dir(versions)

    def _prune(self, versions: Path, keep: set[str]) -> None:
        limit = self._settings.ingest.keep_versions
        candidates = sorted(
            (p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in candidates[limit:]:
            if stale.name not in keep:
                shutil.rmtree(stale, ignore_errors=True)
