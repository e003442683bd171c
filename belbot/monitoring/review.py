"""Review of sampled answers: a stratified random sample of a period (by tag and path), the
agreement of two reviewers (Cohen's kappa), and reviewed items as test-set lines for
`belbot eval run`, so what a monitor found wrong becomes a regression test."""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from belbot.answering.numbers import numbers_in
from belbot.answering.verify import answer_sentences
from belbot.errors import InvalidInputError
from belbot.store.reviews import ReviewStore

VERDICTS = ("juist", "deels juist", "onjuist", "had moeten weigeren")
ERROR_CATEGORIES = ("bron niet gevonden", "verkeerd feit", "verkeerde bron", "onduidelijk",
                    "verouderde bron", "anders")  # fmt: skip
_WORD = re.compile(r"\w{6,}", re.UNICODE)


@dataclass(frozen=True)
class Sample:
    batch_id: str
    period: str
    items: list[tuple[str, str, str]]  # item_id, answer_id, stratum
    strata: dict[str, int]
    population: dict[str, int]


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Proportional allocation with at least one per stratum (small strata, like blocked
    answers, are the ones worth a look); largest remainders fill the rest. With fewer than
    one per stratum, one each from the largest strata."""
    total = sum(sizes.values())
    n = min(n, total)
    if n <= 0:
        return {s: 0 for s in sizes}
    strata = sorted(sizes, key=lambda s: (-sizes[s], s))
    taken = {s: 0 for s in sizes}
    if n < len(strata):  # fewer than the strata: one each from the largest
        return {s: int(s in strata[:n]) for s in sizes}
    for stratum in strata:
        taken[stratum] = 1
    left = n - sum(taken.values())
    quotas = {s: left * sizes[s] / total for s in strata}
    for stratum in strata:
        taken[stratum] += min(int(quotas[stratum]), sizes[stratum] - taken[stratum])
    remainder = sorted(strata, key=lambda s: (-(quotas[s] - int(quotas[s])), s))
    while sum(taken.values()) < n:
        for stratum in remainder:
            if sum(taken.values()) >= n:
                break
            if taken[stratum] < sizes[stratum]:
                taken[stratum] += 1
    return taken


def draw_sample(candidates: list[tuple[str, str, str]], n: int, seed: int, period: str) -> Sample:
    """``candidates``: (answer_id, tag, path_class). Deterministic for a seed and period."""
    if n < 1:
        raise InvalidInputError("Kies een steekproef van minstens 1 antwoord.")
    groups: dict[str, list[str]] = defaultdict(list)
    for answer_id, tag, path_class in candidates:
        groups[f"{tag}/{path_class}"].append(answer_id)
    if not groups:
        raise InvalidInputError("Geen antwoorden in deze periode om te beoordelen.")
    shares = allocate({s: len(ids) for s, ids in groups.items()}, n)
    rng = random.Random(f"{seed}:{period}")
    batch_id = hashlib.sha256(f"{period}:{n}:{seed}".encode()).hexdigest()[:16]
    items = []
    for stratum in sorted(groups):
        for answer_id in sorted(rng.sample(sorted(groups[stratum]), shares[stratum])):
            item_id = hashlib.sha256(f"{batch_id}:{answer_id}".encode()).hexdigest()[:16]
            items.append((item_id, answer_id, stratum))
    return Sample(
        batch_id,
        period,
        items,
        {s: k for s, k in sorted(shares.items()) if k},
        {s: len(ids) for s, ids in sorted(groups.items())},
    )


def sample_into_queue(
    reviews: ReviewStore, start: date, end: date, n: int, seed: int, created_by: str
) -> Sample:
    """Draw a period's sample (``end`` inclusive) and queue the items not queued before: the
    same period, n and seed give the same batch, so a repeated request adds nothing."""
    if end < start:
        raise InvalidInputError("Het einde van de periode ligt voor het begin.")
    period = f"{start.isoformat()}..{end.isoformat()}"
    candidates = reviews.candidates(start.isoformat(), (end + timedelta(days=1)).isoformat())
    drawn = draw_sample(candidates, n, seed, period)
    queued = {item["item_id"] for item in reviews.items(batch_id=drawn.batch_id)}
    reviews.add_batch(
        drawn.batch_id, [i for i in drawn.items if i[0] not in queued], period, created_by
    )
    return drawn


def cohen_kappa(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Agreement of two reviewers on the same items: kappa = (po - pe) / (1 - pe), with pe
    from each reviewer's own verdict shares. None when there is nothing to compare, or when
    both gave one and the same verdict throughout (kappa undefined; po says it all)."""
    if not pairs:
        return {"items_with_two_reviews": 0, "kappa": None, "observed_agreement": None,
                "table": {}}  # fmt: skip
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[v] * second[v] for v in set(first) | set(second)) / (n * n)
    kappa = None if expected >= 1.0 else round((observed - expected) / (1 - expected), 4)
    table: dict[str, dict[str, int]] = {}
    for a, b in pairs:
        table.setdefault(a, {}).setdefault(b, 0)
        table[a][b] += 1
    return {
        "items_with_two_reviews": n,
        "kappa": kappa,
        "observed_agreement": round(observed, 4),
        "table": table,
    }


def review_pairs(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The first two reviewers' verdicts (in order of review) of every doubly reviewed item."""
    pairs = []
    for item in items:
        reviews = item["reviews"]
        if len(reviews) >= 2:
            pairs.append((reviews[0]["verdict"], reviews[1]["verdict"]))
    return pairs


def check_verdict(verdict: str, error_category: str | None) -> None:
    if verdict not in VERDICTS:
        raise InvalidInputError(f"Onbekend oordeel '{verdict}'.")
    if verdict != "juist" and not error_category:
        raise InvalidInputError("Kies bij dit oordeel een foutcategorie.")
    if error_category is not None and error_category not in ERROR_CATEGORIES:
        raise InvalidInputError(f"Onbekende foutcategorie '{error_category}'.")


def _quotes(passage: str, answer: str, limit: int = 2) -> list[str]:
    """The passage sentences that share most words with the (corrected) answer."""
    words = {w.lower() for w in _WORD.findall(answer)} | numbers_in(answer)
    sentences = answer_sentences(passage) or [passage.strip()]

    def overlap(sentence: str) -> int:
        return len(({w.lower() for w in _WORD.findall(sentence)} | numbers_in(sentence)) & words)

    ranked = sorted(sentences, key=lambda s: -overlap(s))
    chosen = [s for s in ranked[:limit] if overlap(s) > 0] or ranked[:1]
    return [s.strip() for s in chosen if s.strip()]


def _key_facts(answer: str, quotes: list[str]) -> list[str]:
    """Numbers the answer states that the quotes hold; failing those, its longest words that
    the quotes hold. Checked as substrings by the harness."""
    quoted = " ".join(quotes)
    numbers = sorted(n for n in numbers_in(answer) if n in numbers_in(quoted))
    found = [n for n in re.findall(r"\d[\d.,]*\d|\d", answer) if re.sub(r"[.,]", "", n) in numbers]
    if found:
        return sorted(set(found))[:3]
    words = sorted({w for w in _WORD.findall(answer) if w.lower() in quoted.lower()}, key=len)
    return words[-2:]


def export_line(
    item: dict[str, Any], review: dict[str, Any], passage_text: Callable[[str], str | None]
) -> dict[str, Any]:
    """One test-set line (`belbot.evaluation.testset.TestCase`) from a reviewed item."""
    base: dict[str, Any] = {
        "id": f"review-{item['item_id']}",
        "question": item["question"],
        "set": "review",
        "origin": {
            "review_item": item["item_id"],
            "answer_id": item["answer_id"],
            "verdict": review["verdict"],
            "error_category": review["error_category"],
            "reviewer": review["reviewer_id"],
        },
    }
    if review["verdict"] == "had moeten weigeren":
        return {**base, "expected": "refuse", "gold_answer": "", "gold_quotes": [],
                "key_facts": []}  # fmt: skip
    gold = (review.get("corrected_answer") or "").strip()
    if not gold and review["verdict"] == "juist":
        gold = item["text"]
    if not gold:
        raise InvalidInputError(
            f"Item {item['item_id']}: geef een verbeterd antwoord voor de testvraag."
        )
    chunk_id = review.get("chunk_id")
    if not chunk_id:
        raise InvalidInputError(f"Item {item['item_id']}: kies de juiste bronpassage.")
    text = passage_text(chunk_id)
    if text is None:
        raise InvalidInputError(f"Item {item['item_id']}: bronpassage {chunk_id} bestaat niet.")
    quotes = _quotes(text, gold)
    return {**base, "expected": "answer", "gold_answer": gold, "gold_quotes": quotes,
            "source": chunk_id, "key_facts": _key_facts(gold, quotes)}  # fmt: skip
