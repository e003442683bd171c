"""On-disk layout of the index and loading of one version.

    index/
      CURRENT                 name of the live version (replaced atomically)
      versions/<version_id>/  manifest.json, documents.jsonl, chunks.jsonl, cleaned/*.txt,
                              vectors.faiss
      versions/.tmp-*         a build in progress (or a killed one, removed by the next build)

A version directory is written completely before CURRENT points at it, so readers only
ever see finished versions."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from belbot.domain import Chunk, DocumentInfo
from belbot.errors import IndexCorruptError, IndexNotFoundError
from belbot.index.manifest import IndexManifest

CURRENT_FILE = "CURRENT"
VERSIONS_DIR = "versions"


@dataclass(frozen=True)
class IndexVersion:
    path: Path
    manifest: IndexManifest
    documents: dict[str, DocumentInfo]
    chunks: list[Chunk]
    vectors: npt.NDArray[np.float32]

    @property
    def version_id(self) -> str:
        return self.manifest.version_id

    def cleaned_text(self, doc_id: str) -> str:
        """The cleaned document a chunk's span refers to, to show a source in context."""
        return (self.path / "cleaned" / f"{doc_id}.txt").read_text(encoding="utf-8")


def current_version_id(index_dir: Path) -> str | None:
    pointer = index_dir / CURRENT_FILE
    if not pointer.is_file():
        return None
    value = pointer.read_text(encoding="utf-8").strip()
    return value or None


def write_atomically(path: Path, data: str) -> None:
    """Write to a temporary file, flush it to disk, then rename over the target."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_index(index_dir: Path, version_id: str | None = None) -> IndexVersion:
    version_id = version_id or current_version_id(index_dir)
    if version_id is None:
        raise IndexNotFoundError(
            f"Er is nog geen kennisbank-index in {index_dir}. Draai eerst 'belbot ingest'."
        )
    path = index_dir / VERSIONS_DIR / version_id
    try:
        manifest = IndexManifest.model_validate_json((path / "manifest.json").read_text("utf-8"))
        documents = {
            info.doc_id: info
            for info in (
                DocumentInfo.model_validate_json(line)
                for line in (path / "documents.jsonl").read_text("utf-8").splitlines()
                if line
            )
        }
        chunks = [
            Chunk.model_validate_json(line)
            for line in (path / "chunks.jsonl").read_text("utf-8").splitlines()
            if line
        ]
        vectors = read_vectors(path / "vectors.faiss")
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"Index {version_id} is onvolledig of beschadigd: {exc}") from exc
    if len(chunks) != manifest.chunk_count or vectors.shape[0] != len(chunks):
        raise IndexCorruptError(
            f"Index {version_id} is inconsistent: {len(chunks)} passages, "
            f"{vectors.shape[0]} vectoren, manifest {manifest.chunk_count}"
        )
    return IndexVersion(path, manifest, documents, chunks, vectors)


def read_vectors(path: Path) -> npt.NDArray[np.float32]:
    import faiss

    index = faiss.read_index(str(path))
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)


def write_vectors(path: Path, vectors: npt.NDArray[np.float32], dim: int) -> None:
    import faiss

    index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(path))


def write_json_lines(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def dump_manifest(manifest: IndexManifest) -> str:
    return json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False)
