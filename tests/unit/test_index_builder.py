"""Index building with the deterministic fake embedder: incremental, atomic, versioned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from belbot.embedding.fake import FakeEmbedder
from belbot.errors import BelbotError, IndexNotFoundError
from belbot.index import builder as builder_module
from belbot.index.builder import IndexBuilder
from belbot.index.store import current_version_id, load_index
from belbot.retrieval.retriever import Retriever
from belbot.settings import Settings

pytestmark = pytest.mark.unit


def test_build_writes_a_complete_version(fake_settings: Settings) -> None:
    report = IndexBuilder(fake_settings, FakeEmbedder()).build()
    index = load_index(fake_settings.paths.index_dir)
    assert report.changed and report.version_id == index.version_id
    assert report.documents == 2 and report.chunks == len(index.chunks) > 5
    assert index.vectors.shape == (len(index.chunks), 64)
    manifest = json.loads((index.path / "manifest.json").read_text())
    assert manifest["embedder"]["model_id"] == "fake-sha256-64"
    assert {d["file_name"] for d in manifest["documents"]} == {
        "000_f3d06f99e03346db.txt",
        "001_cd1a66d72b664c33.txt",
    }
    # Provenance travels with the documents.
    titles = {d.title for d in index.documents.values()}
    assert "Resultaten KPI's BSR 2025 — korte context en toelichting" in titles
    # A chunk's span points into the stored cleaned document.
    chunk = index.chunks[3]
    assert index.cleaned_text(chunk.doc_id)[chunk.start : chunk.end] == chunk.text


def test_no_change_rebuild_embeds_nothing_and_keeps_the_version(fake_settings: Settings) -> None:
    embedder = FakeEmbedder()
    first = IndexBuilder(fake_settings, embedder).build()
    calls = embedder.calls
    second = IndexBuilder(fake_settings, embedder).build()
    assert not second.changed and second.version_id == first.version_id
    assert embedder.calls == calls and second.embedded == 0


def test_incremental_rebuild_embeds_only_changed_chunks(
    fake_settings: Settings, small_corpus: Path
) -> None:
    embedder = FakeEmbedder()
    first = IndexBuilder(fake_settings, embedder).build()
    path = small_corpus / "001_cd1a66d72b664c33.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Toekenningszekerheid", "Toekenningszekerheid (gewijzigd)"))
    second = IndexBuilder(fake_settings, embedder).build()
    assert second.changed and second.version_id != first.version_id
    assert 0 < second.embedded <= 2
    assert second.reused == second.chunks - second.embedded
    # Vectors of unchanged chunks are carried over exactly.
    old, new = (
        load_index(fake_settings.paths.index_dir, first.version_id),
        load_index(fake_settings.paths.index_dir),
    )
    old_rows = {c.chunk_id: row for row, c in enumerate(old.chunks)}
    for row, chunk in enumerate(new.chunks):
        if chunk.chunk_id in old_rows:
            assert (new.vectors[row] == old.vectors[old_rows[chunk.chunk_id]]).all()


def test_build_that_fails_while_writing_leaves_the_old_index_live(
    fake_settings: Settings, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = IndexBuilder(fake_settings, FakeEmbedder()).build()
    (small_corpus / "extra.md").write_text("# Nieuw\n\nDe wachttijd is 4 minuten.\n", "utf-8")

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(builder_module, "write_vectors", crash)
    with pytest.raises(OSError):
        IndexBuilder(fake_settings, FakeEmbedder()).build()
    index_dir = fake_settings.paths.index_dir
    assert current_version_id(index_dir) == first.version_id
    assert list((index_dir / "versions").glob(".tmp-*"))  # the half-written version
    old = load_index(index_dir)
    hits = Retriever(old, FakeEmbedder(), fake_settings.retrieval).search("bereikbaarheid", k=3)
    assert hits
    monkeypatch.undo()
    monkeypatch.setenv("BELBOT_PATHS__DATA_DIR", str(fake_settings.paths.data_dir))
    report = IndexBuilder(fake_settings, FakeEmbedder()).build()
    assert report.changed and current_version_id(index_dir) == report.version_id
    assert not list((index_dir / "versions").glob(".tmp-*"))


def test_bad_files_are_skipped_and_the_build_goes_on(
    fake_settings: Settings, small_corpus: Path
) -> None:
    (small_corpus / "leeg.txt").write_text("")
    (small_corpus / "binair.txt").write_bytes(b"\x00\x01\x02" * 100)
    (small_corpus / "kopie.txt").write_bytes(
        (small_corpus / "000_f3d06f99e03346db.txt").read_bytes()
    )
    report = IndexBuilder(fake_settings, FakeEmbedder()).build()
    reasons = {s.path.name: s.reason for s in report.skipped}
    # Files are read in name order, so the copy is the one recognised as a duplicate.
    assert reasons == {"leeg.txt": "empty", "binair.txt": "binary", "kopie.txt": "duplicate"}
    assert report.documents == 2


def test_nothing_usable_is_an_error_and_changes_nothing(
    fake_settings: Settings, tmp_path: Path
) -> None:
    empty = tmp_path / "leeg"
    empty.mkdir()
    with pytest.raises(BelbotError):
        IndexBuilder(fake_settings, FakeEmbedder()).build([empty])
    with pytest.raises(IndexNotFoundError):
        load_index(fake_settings.paths.index_dir)


def test_old_versions_are_pruned(fake_settings: Settings, small_corpus: Path) -> None:
    path = small_corpus / "000_f3d06f99e03346db.txt"
    original = path.read_text(encoding="utf-8")
    for n in range(4):
        path.write_text(original + f"\n\nToevoeging {n}: de wachttijd was {n} minuten.\n", "utf-8")
        IndexBuilder(fake_settings, FakeEmbedder()).build()
    versions = [p for p in (fake_settings.paths.index_dir / "versions").iterdir() if p.is_dir()]
    assert len(versions) == fake_settings.ingest.keep_versions
