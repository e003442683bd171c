"""The index manifest: what an index was built from. Its content hash, without the build
time, is the index version ID recorded with every answer."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from belbot.domain import sha256_hex


class EmbedderInfo(BaseModel):
    model_id: str
    fingerprint: str = Field(description="sha256 of the weights.")
    dim: int


class ManifestDocument(BaseModel):
    doc_id: str
    file_name: str
    content_sha256: str


class IndexManifest(BaseModel):
    version_id: str = ""
    embedder: EmbedderInfo
    chunker_version: str
    cleaner_version: str
    chunking: dict[str, int]
    documents: list[ManifestDocument]
    chunk_count: int
    chunk_ids_sha256: str = Field(description="Hash over the ordered chunk IDs.")
    built_at: str = ""
    build_seconds: float = 0.0
    embedded_chunks: int = Field(default=0, description="Chunks embedded in this build.")
    reused_chunks: int = Field(default=0, description="Chunk vectors reused from before.")

    def compute_version_id(self) -> str:
        identity = self.model_dump(
            mode="json",
            exclude={"version_id", "built_at", "build_seconds", "embedded_chunks", "reused_chunks"},
        )
        return sha256_hex(json.dumps(identity, sort_keys=True))[:16]
