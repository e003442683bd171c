"""The question tagger: keyword rules and nearest centroid over the project's embedder.

Per question the tagger gathers evidence once (one query embedding: the cosine to every tag's
centroid of seed questions; and the number of keyword rules of each tag that match), then a
method turns that evidence into probabilities over the tags:

- ``keywords``: share of the matching rule weight per tag; no rule matches -> ``overig``.
- ``centroid``: softmax of the cosines over a temperature.
- ``combined``: the same softmax with ``keyword_weight`` added to a tag's logit per matching
  unit of rule weight, so a clear term ("btw", "UHT") outweighs a vague resemblance.

A best probability under ``min_confidence`` tags the question ``overig``. Everything is
deterministic: same text, taxonomy and embedder, same tag; ties go to the earlier tag."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from belbot.embedding.base import Embedder, normalise_rows
from belbot.logs import get_logger
from belbot.retrieval.lexical import fold_accents as fold
from belbot.settings import Settings, TaggingSettings
from belbot.tagging.taxonomy import Taxonomy, load_taxonomy
from belbot.tagging.types import TagResult

Method = Literal["combined", "centroid", "keywords"]
METHODS: tuple[Method, ...] = ("keywords", "centroid", "combined")

log = get_logger(__name__)

# Redaction placeholders ([BSN], [NAAM], [E-MAIL]) say nothing about the topic; left in, they
# pull every question that has one towards the same point in embedding space.
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z-]*\]")


@dataclass(frozen=True)
class Evidence:
    """What one question shows, before a method decides: per tag (taxonomy order) the cosine
    to its centroid (NaN without one) and the summed weight of its keyword rules that match."""

    cosines: tuple[float, ...]
    hits: tuple[float, ...]


def clean_question(text: str) -> str:
    return " ".join(_PLACEHOLDER.sub(" ", text).split())


def keyword_hits(taxonomy: Taxonomy, text: str) -> tuple[float, ...]:
    folded = fold(clean_question(text))
    return tuple(
        float(sum(k.weight for k in tag.keywords if k.pattern.search(folded)))
        for tag in taxonomy.tags
    )


def probabilities(
    evidence: Evidence, method: Method, settings: TaggingSettings
) -> npt.NDArray[np.float64] | None:
    """Probabilities over the tags, or None when the method has nothing to go on."""
    hits = np.asarray(evidence.hits, dtype=np.float64)
    if method == "keywords":
        total = hits.sum()
        return hits / total if total > 0 else None
    cosines = np.asarray(evidence.cosines, dtype=np.float64)
    if np.isnan(cosines).all():
        return None
    logits = np.where(np.isnan(cosines), -np.inf, cosines / settings.temperature)
    if method == "combined":
        logits = logits + settings.keyword_weight * hits
    shifted = np.exp(logits - logits.max())
    return np.asarray(shifted / shifted.sum(), dtype=np.float64)


class Tagger:
    """Cheap to construct; ``warm_up()`` loads the embedder and builds the centroids."""

    def __init__(
        self, taxonomy: Taxonomy, embedder: Embedder, settings: TaggingSettings | None = None
    ) -> None:
        self.taxonomy = taxonomy
        self.settings = settings or TaggingSettings()
        self._embedder = embedder
        self._centroids: npt.NDArray[np.float32] | None = None
        self._has_centroid: npt.NDArray[np.bool_] | None = None

    @property
    def embedder_id(self) -> str:
        return self._embedder.model_id

    def warm_up(self) -> None:
        if self._centroids is not None:
            return
        started = time.perf_counter()
        self._embedder.warm_up()
        dim = self._embedder.dim
        centroids = np.zeros((len(self.taxonomy.tags), dim), dtype=np.float32)
        has = np.zeros(len(self.taxonomy.tags), dtype=bool)
        for row, tag in enumerate(self.taxonomy.tags):
            if tag.examples:
                # Seeds are questions like the input, so both go through the query side.
                vectors = self._embedder.embed_queries(list(tag.examples))
                centroids[row] = normalise_rows(vectors.mean(axis=0))[0]
                has[row] = True
        self._centroids, self._has_centroid = centroids, has
        log.info(
            "tagging.warmed_up",
            taxonomy_version=self.taxonomy.version,
            tags=len(self.taxonomy.tags),
            examples=sum(len(tag.examples) for tag in self.taxonomy.tags),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def evidence(self, texts: Sequence[str]) -> list[Evidence]:
        """Keyword hits and centroid cosines per text, with one embedding call for all."""
        self.warm_up()  # idempotent; callers that care about latency warm up at start-up
        assert self._centroids is not None and self._has_centroid is not None
        cleaned = [clean_question(text) for text in texts]
        nonempty = [i for i, text in enumerate(cleaned) if text]
        cosines = np.full((len(texts), len(self.taxonomy.tags)), np.nan, dtype=np.float64)
        if nonempty:
            vectors = self._embedder.embed_queries([cleaned[i] for i in nonempty])
            sims = (vectors @ self._centroids.T).astype(np.float64)
            sims[:, ~self._has_centroid] = np.nan
            cosines[nonempty] = sims
        return [
            Evidence(
                cosines=tuple(float(c) for c in cosines[i]),
                hits=keyword_hits(self.taxonomy, cleaned[i]),
            )
            for i in range(len(texts))
        ]

    def decide(self, evidence: Evidence, method: Method | None = None) -> TagResult:
        method = method or self.settings.method
        probs = probabilities(evidence, method, self.settings)
        fallback = self.taxonomy.fallback
        if probs is None:
            return self._result(fallback.id, 0.0, method)
        best = int(np.argmax(probs))  # the first of equal maxima: taxonomy order breaks ties
        confidence = float(probs[best])
        if confidence < self.settings.min_confidence:
            fallback_row = self.taxonomy.ids.index(fallback.id)
            return self._result(fallback.id, float(probs[fallback_row]), method)
        return self._result(self.taxonomy.tags[best].id, confidence, method)

    def _result(self, tag_id: str, confidence: float, method: str) -> TagResult:
        confidence = min(max(confidence, 0.0), 1.0) if math.isfinite(confidence) else 0.0
        return TagResult(
            tag=tag_id,
            label=self.taxonomy.get(tag_id).label,
            confidence=round(confidence, 4),
            method=method,
            taxonomy_version=self.taxonomy.version,
        )

    def tag_many(self, texts: Sequence[str], method: Method | None = None) -> list[TagResult]:
        started = time.perf_counter()
        results = [self.decide(e, method) for e in self.evidence(texts)]
        log.debug(
            "tagging.done",
            count=len(results),
            method=method or self.settings.method,
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return results

    def tag(self, text: str, method: Method | None = None) -> TagResult:
        return self.tag_many([text], method)[0]


def create_tagger(settings: Settings, embedder: Embedder | None = None) -> Tagger:
    """The tagger the settings describe; pass the service's embedder to share its weights."""
    if embedder is None:
        from belbot.embedding.factory import create_embedder

        embedder = create_embedder(settings.embedding)
    taxonomy = load_taxonomy(settings.tagging.taxonomy_file)
    return Tagger(taxonomy, embedder, settings.tagging)
