"""Structure-aware chunking of cleaned blocks into spans of the cleaned document.

Rules: a heading starts a chunk and stays with its text; a numbered parliamentary question
stays together with its "Antwoord vraag N"; a table is split only between rows; a long
paragraph is split only between sentences. Every chunk is an exact character span of the
cleaned document and has a content-hash ID."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from belbot.domain import Chunk, ChunkKind, sha256_hex
from belbot.knowledge.cleaning import Block
from belbot.knowledge.sentences import split_sentences

CHUNKER_VERSION = "2"

_QUESTION = re.compile(r"^(\d{1,3})\.\s+\S")
_ANSWER = re.compile(r"^Antwoord (?:op )?(?:vra(?:ag|gen) )?(\d{1,3})\b")
_BLOCK_SEP = "\n\n"


@dataclass(frozen=True)
class _Piece:
    """A span of the cleaned document that must not be split further."""

    start: int
    end: int
    kind: str  # block kind


@dataclass
class _Unit:
    pieces: list[_Piece]
    section: str
    kind: ChunkKind
    context: str = ""


@dataclass(frozen=True)
class ChunkedDocument:
    cleaned_text: str
    chunks: list[Chunk]


def chunk_blocks(
    blocks: list[Block],
    doc_id: str,
    max_chars: int,
    qa_max_chars: int,
    id_key: str | None = None,
) -> ChunkedDocument:
    """``id_key`` (the file name) names the document in chunk IDs, so editing one passage
    changes only that passage's ID; by default the doc_id is used."""
    offsets: list[int] = []
    position = 0
    for block in blocks:
        offsets.append(position)
        position += len(block.text) + len(_BLOCK_SEP)
    cleaned = _BLOCK_SEP.join(block.text for block in blocks)

    def pieces_of(index: int, limit: int) -> list[_Piece]:
        block, start = blocks[index], offsets[index]
        if len(block.text) <= limit:
            return [_Piece(start, start + len(block.text), block.kind)]
        # Too long: split at row (tables, lists) or sentence boundaries, never inside one.
        parts = block.text.split("\n") if block.kind in ("table", "bullets") else [block.text]
        # A row or list item that is still too long is split between its sentences.
        parts = [
            sentence
            for part in parts
            for sentence in (
                [part] if len(part) <= limit or block.kind == "table" else split_sentences(part)
            )
        ]
        out: list[_Piece] = []
        cursor = 0
        for part in parts:
            at = block.text.index(part, cursor)
            cursor = at + len(part)
            out.append(_Piece(start + at, start + cursor, block.kind))
        return out

    units = _units(blocks, max_chars, qa_max_chars, pieces_of)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for unit in units:
        limit = qa_max_chars if unit.kind == "qa" else max_chars
        for group_index, group in enumerate(_pack(unit.pieces, limit)):
            start, end = group[0].start, group[-1].end
            text = cleaned[start:end]
            kind: ChunkKind = unit.kind
            if kind == "text" and all(p.kind == "table" for p in group):
                kind = "table"
            context = unit.context if group_index > 0 else ""
            key = f"{id_key or doc_id}\x1f{unit.section}\x1f{text}"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:  # identical text twice in one document: keep both, distinct IDs
                key += f"\x1f{seen[key]}"
            chunks.append(
                Chunk(
                    chunk_id=sha256_hex(key)[:16],
                    doc_id=doc_id,
                    section=unit.section,
                    text=text,
                    start=start,
                    end=end,
                    line_start=cleaned.count("\n", 0, start) + 1,
                    line_end=cleaned.count("\n", 0, end) + 1,
                    kind=kind,
                    context=context,
                )
            )
    return ChunkedDocument(cleaned_text=cleaned, chunks=chunks)


def _question_number(blocks: list[Block], index: int) -> int | None:
    """N when block ``index`` opens parliamentary question N answered within a few blocks."""
    match = _QUESTION.match(blocks[index].text)
    if not match or blocks[index].kind != "prose":
        return None
    number = int(match.group(1))
    for later in blocks[index + 1 : index + 8]:
        answer = _ANSWER.match(later.text)
        if answer:
            return number if int(answer.group(1)) == number else None
    return None


def _units(
    blocks: list[Block],
    max_chars: int,
    qa_max_chars: int,
    split: Callable[[int, int], list[_Piece]],
) -> list[_Unit]:
    units: list[_Unit] = []
    section = ""
    current: _Unit | None = None
    index = 0
    while index < len(blocks):
        block = blocks[index]
        number = _question_number(blocks, index)
        if number is not None:
            question = block.text
            unit = _Unit([], f"Kamervraag {number}", "qa", context=question[:300])
            unit.pieces.extend(split(index, qa_max_chars))
            index += 1
            while (
                index < len(blocks)
                and _question_number(blocks, index) is None
                and blocks[index].kind != "heading"
            ):
                unit.pieces.extend(split(index, qa_max_chars))
                index += 1
            units.append(unit)
            current = None
            continue
        if block.kind == "heading":
            section = block.text
            current = _Unit([], section, "text")
            units.append(current)
        elif current is None:
            current = _Unit([], section, "text")
            units.append(current)
        current.pieces.extend(split(index, max_chars))
        index += 1
    return [unit for unit in units if unit.pieces]


def _pack(pieces: list[_Piece], limit: int) -> list[list[_Piece]]:
    """Greedy packing of consecutive pieces into groups no longer than ``limit``."""
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    for piece in pieces:
        if current and piece.end - current[0].start > limit:
            carried: list[_Piece] = []
            # Never leave a heading at the end of a chunk: it belongs to what follows.
            while current and current[-1].kind == "heading":
                carried.insert(0, current.pop())
            if current:
                groups.append(current)
            current = carried
        current.append(piece)
    if current:
        groups.append(current)
    return groups
