"""A scenario's passages in the current index: which chunk holds each quote, and whether the
knowledge changed under it since the scenario was approved (quote gone, or the chunk holding
it has other text now), which sends the scenario back to a coach."""

from __future__ import annotations

import re
from dataclasses import dataclass

from belbot.domain import Chunk, DocumentInfo, sha256_hex
from belbot.index.store import IndexVersion
from belbot.training.types import PassageRef, Scenario

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class ResolvedPassage:
    ref: PassageRef
    chunk: Chunk
    document: DocumentInfo

    @property
    def chunk_sha256(self) -> str:
        return chunk_hash(self.chunk)


def chunk_hash(chunk: Chunk) -> str:
    return sha256_hex(squash(chunk.text))


class PassageLocator:
    """Quotes to chunks over one index version (built once per version: squashed texts). The
    index never changes under it, so each passage is looked up once: every practice request
    asks which scenarios can be practised."""

    def __init__(self, index: IndexVersion) -> None:
        self._index = index
        self._by_file: dict[str, list[tuple[Chunk, str]]] = {}
        for chunk in index.chunks:
            name = index.documents[chunk.doc_id].file_name
            self._by_file.setdefault(name, []).append((chunk, squash(chunk.text)))
        self._found: dict[PassageRef, ResolvedPassage | None] = {}

    @property
    def version_id(self) -> str:
        return self._index.version_id

    @property
    def index(self) -> IndexVersion:
        return self._index

    def find(self, ref: PassageRef) -> ResolvedPassage | None:
        """The chunk holding the quote (the pinned one first, then the first that holds it);
        None when the quote is in no chunk of its document."""
        if ref not in self._found:
            self._found[ref] = self._search(ref)
        return self._found[ref]

    def _search(self, ref: PassageRef) -> ResolvedPassage | None:
        quote = squash(ref.quote)
        holding = [chunk for chunk, text in self._by_file.get(ref.document, []) if quote in text]
        if not holding:
            return None
        pinned = [c for c in holding if ref.chunk_sha256 and chunk_hash(c) == ref.chunk_sha256]
        chunk = (pinned or holding)[0]
        return ResolvedPassage(ref, chunk, self._index.documents[chunk.doc_id])

    def holds(self, scenario: Scenario) -> bool:
        """Every passage's quote is in the index (the scenario can be practised)."""
        return all(self.find(ref) is not None for ref in scenario.passages)

    def problems(self, scenario: Scenario) -> list[str]:
        """Why the scenario needs a coach again (empty: its passages are as approved). A
        document missing from the index altogether (not ingested here, or failed to load) is
        no change of knowledge: its scenarios are only not practised until it is back."""
        found: list[str] = []
        for number, ref in enumerate(scenario.passages, start=1):
            if ref.document not in self._by_file:
                continue
            resolved = self.find(ref)
            if resolved is None:
                found.append(f"passage {number}: het citaat staat niet meer in de kennisbank")
            elif ref.chunk_sha256 and resolved.chunk_sha256 != ref.chunk_sha256:
                found.append(f"passage {number}: de tekst van de passage is gewijzigd")
        return found

    def approval_problems(self, scenario: Scenario) -> list[str]:
        """Why the scenario cannot be approved against the knowledge of now (empty: it can):
        a quote not found, or its document not in the index at all."""
        found = self.problems(scenario.unpinned())
        for number, ref in enumerate(scenario.passages, start=1):
            if ref.document not in self._by_file:
                found.append(
                    f"passage {number}: het document {ref.document} staat niet in de index"
                )
        return found

    def pin(self, scenario: Scenario) -> Scenario:
        """The scenario with each passage pinned to the chunk that holds it now."""
        refs = []
        for ref in scenario.passages:
            resolved = self.find(ref)
            digest = resolved.chunk_sha256 if resolved else ref.chunk_sha256
            refs.append(ref.model_copy(update={"chunk_sha256": digest}))
        return scenario.model_copy(update={"passages": tuple(refs)})
