"""Turn extracted text into clean blocks: headings, prose, bullet lists, tables, footnotes.

Repairs the artefacts of PDF extraction found in the corpus: hyphenated line breaks, page
numbers and "Pagina N van M" furniture, footnote markers glued to words, stray HTML markup,
tab-separated table cells, private-use bullet glyphs, sentences cut by a page break (with the
page's footnotes in between), and repeated blank lines."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

CLEANER_VERSION = "1"

BlockKind = Literal["heading", "prose", "bullets", "table", "footnote"]


@dataclass(frozen=True)
class Block:
    text: str
    kind: BlockKind


_CHAR_FIXES = {
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u00ad": "",  # soft hyphen
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\uf0b7": "•",  # Symbol-font bullet from Word exports
    "\uf0a7": "•",
    "\uf0d8": "•",
    "\u25aa": "•",
    "\u25cf": "•",
}
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>")
_PAGE_OF = re.compile(r"^(?:pagina|page|blad)\s+\d+(?:\s*(?:van|of|/)\s*\d+)?$", re.IGNORECASE)
_LONE_NUMBER = re.compile(r"^\d{1,3}$")
# Footnote markers: digits glued to a lower-case word ("Adviescommissie1)") or after its
# full stop ("complex.2 Zo"), never after a capital ("KPI1") or inside a number ("28.844").
_MARK_AFTER_WORD = re.compile(r"(?<=[a-zà-ÿ]{3})(\d{1,2})(?=[\s,;:.)]|$)")
_MARK_AFTER_STOP = re.compile(r"(?<=[a-zà-ÿ)’”]\.)(\d{1,2})(?=\s|$)")
_MARK_AFTER_YEAR = re.compile(r"(?<=\b(?:19|20)\d\d\.)(\d{1,2})$")
_BULLET = re.compile(r"^(?:[•●▪◦\-–*]|o(?=\s))\s+")
_FOOTNOTE_START = re.compile(r"^\d{1,3}\s+(?:[A-Z‘'\"(]|https?://|www\.)")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’]$")
# A numbered parliamentary question or an answer always starts a new paragraph.
_NEW_ITEM = re.compile(r"^(?:\d{1,3}\.\s|Antwoord\b)")
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
_PAGE_START = re.compile(r"^ \S")
_KEEP_HYPHEN_NEXT = {"en", "of", "tot", "als", "dan", "noch"}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    for bad, good in _CHAR_FIXES.items():
        text = text.replace(bad, good)
    # A tag that opens a line must not leave a leading space (that marks a page start).
    text = re.sub(r"(?m)^([ \t]*)(?:" + _TAG.pattern + r")+", r"\1", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    # Tab-separated cells become one readable row.
    text = re.sub(r"[ ]*\t+[ ]*", " | ", text)
    return text


def strip_footnote_markers(line: str) -> str:
    line = _MARK_AFTER_WORD.sub("", line)
    line = _MARK_AFTER_STOP.sub("", line)
    return _MARK_AFTER_YEAR.sub("", line)


def join_lines(left: str, right: str) -> str:
    """Join two wrapped lines, repairing a hyphenated line break."""
    if not left:
        return right
    if not right:
        return left
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        first = right.split(" ", 1)[0].strip(",.;:")
        stem = left.rsplit(" ", 1)[-1]
        if first.lower() in _KEEP_HYPHEN_NEXT:
            return f"{left} {right}"  # "loon- en inkomstenheffingen"
        if right[0].islower() and stem[:-1].islower() and "-" not in stem[:-1]:
            return left[:-1] + right  # "leer-\nroutes" -> "leerroutes"
        return left + right  # "ICT-\ncapaciteit", "stand-van-\nzakenbrief"
    return f"{left} {right}"


def _paragraphs(text: str) -> list[list[str]]:
    raw_lines = text.replace("\f", "\n\n").split("\n")
    url_counts = Counter(line.strip() for line in raw_lines if _URL_LINE.match(line.strip()))
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in raw_lines:
        line = raw.strip()
        if url_counts.get(line, 0) >= 3:
            continue  # link annotations repeated on every page, not content
        # The extractor starts each page with one space: a page start ends the paragraph.
        if not line or line == "|" or _PAGE_START.match(raw):
            if current:
                paragraphs.append(current)
                current = []
            if not line or line == "|":
                continue
        current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_furniture(lines: list[str]) -> bool:
    return len(lines) == 1 and bool(_PAGE_OF.match(lines[0]) or _LONE_NUMBER.match(lines[0]))


def _to_block(lines: list[str]) -> Block:
    lines = [strip_footnote_markers(line) for line in lines]
    if any(" | " in line for line in lines):
        return Block("\n".join(lines), "table")
    if _BULLET.match(lines[0]):
        items: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                items.append("• " + _BULLET.sub("", line))
            else:
                items[-1] = join_lines(items[-1], line)
        return Block("\n".join(items), "bullets")
    text = ""
    for line in lines:
        text = join_lines(text, line)
    text = re.sub(r" {2,}", " ", text)
    if _FOOTNOTE_START.match(text) and len(text) < 400:
        return Block(text, "footnote")
    return Block(text, "prose")


def _looks_like_heading(block: Block, following: Block | None) -> bool:
    text = block.text
    if block.kind != "prose" or len(text) > 90 or len(text.split()) > 12:
        return False
    if text[-1] in ".,;:!?" or not (text[0].isupper() or text[0].isdigit()):
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < max(3, len(text) * 0.6):
        return False
    # A heading introduces text; a short line followed by another short cell is a table cell.
    return following is not None and (
        following.kind in ("bullets", "table") or len(following.text) >= 80
    )


def _continues(text: str, following: Block) -> bool:
    """Whether ``following`` continues the unfinished sentence ending ``text``.

    A lower-case start always continues; a capital start continues only a full-width
    line (double-spaced letters put a blank line after every line), never a heading."""
    if following.kind != "prose" or _NEW_ITEM.match(following.text):
        return False
    if following.text[:1].islower():
        return True
    last_line = text.rsplit("\n", 1)[-1]
    return len(last_line) >= 60 and len(text.split()) > 8


def _merge_page_breaks(blocks: list[Block]) -> list[Block]:
    """Re-join a sentence cut by a page break, moving that page's footnotes after it."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        while (
            block.kind == "prose"
            and len(block.text) >= 40
            and not _ENDS_SENTENCE.search(block.text)
        ):
            j = i + 1
            skipped: list[Block] = []
            while j < len(blocks) and blocks[j].kind == "footnote" and len(skipped) < 4:
                skipped.append(blocks[j])
                j += 1
            if j < len(blocks) and _continues(block.text, blocks[j]):
                block = Block(join_lines(block.text, blocks[j].text), "prose")
                blocks = [*blocks[: i + 1], *skipped, *blocks[j + 1 :]]
                blocks[i] = block
                continue
            break
        out.append(block)
        i += 1
    return out


def clean_blocks(text: str) -> list[Block]:
    paragraphs = [p for p in _paragraphs(normalise(text)) if not _is_furniture(p)]
    blocks = _merge_page_breaks([_to_block(p) for p in paragraphs])
    typed: list[Block] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if _looks_like_heading(block, following):
            block = Block(block.text, "heading")
        typed.append(block)
    return typed


def clean_text(text: str) -> str:
    """The cleaned document: blocks separated by one blank line."""
    return "\n\n".join(block.text for block in clean_blocks(text))
