"""BM25 over Dutch tokens: lower-cased, accents folded, Dutch stop words removed, Snowball
stemmed. Scores every chunk (the corpus is small), so no candidate pruning can hide a hit."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Snowball's "dutch_porter" maps singular and plural of the service's key words together
# (toeslag/toeslagen, aanslag/aanslagen, bezwaar/bezwaren); the newer "dutch" does not.
# Recall on our test set was the same within one question.
DEFAULT_STEMMER = "dutch_porter"


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(fold_accents(word) for word in STOPWORDS_DUTCH)


@lru_cache(maxsize=4)
def _stemmer(algorithm: str) -> object:
    import Stemmer

    return Stemmer.Stemmer(algorithm)


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str, stemmer: str = DEFAULT_STEMMER) -> list[str]:
    """Dutch analysis chain; numbers stay whole tokens ("28.844" -> "28", "844" is avoided)."""
    folded = fold_accents(text)
    # Keep thousands separators and decimal commas inside numbers: 28.844, 7,3.
    folded = re.sub(r"(?<=\d)[.,](?=\d)", "", folded)
    words = [
        w for w in _TOKEN.findall(folded) if w not in _stopwords() and (len(w) > 1 or w.isdigit())
    ]
    return list(_stemmer(stemmer).stemWords(words))  # type: ignore[attr-defined]


class BM25Index:
    """bm25s over pre-tokenised chunks."""

    def __init__(self, texts: list[str], stemmer: str = DEFAULT_STEMMER) -> None:
        import bm25s

        self._stemmer = stemmer
        self._size = len(texts)
        self._model = bm25s.BM25()
        corpus_tokens = [tokenize(text, stemmer) or ["\u2205"] for text in texts]
        if texts:
            self._model.index(corpus_tokens, show_progress=False)

    def __len__(self) -> int:
        return self._size

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        tokens = tokenize(query, self._stemmer)
        if not tokens or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        vocab = self._model.vocab_dict
        known = [token for token in tokens if token in vocab]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)


class TermStats:
    """Inverse document frequencies over the indexed chunks, to weigh question terms."""

    def __init__(self, texts: list[str], stemmer: str = DEFAULT_STEMMER) -> None:
        self._stemmer = stemmer
        df: dict[str, int] = {}
        for text in texts:
            for token in set(tokenize(text, stemmer)):
                df[token] = df.get(token, 0) + 1
        size = max(len(texts), 1)
        self._idf = {t: float(np.log((size + 1) / (n + 0.5))) for t, n in df.items()}
        self._unseen = float(np.log((size + 1) / 0.5))

    def idf(self, token: str) -> float:
        return self._idf.get(token, self._unseen)

    def terms(self, text: str) -> set[str]:
        return set(tokenize(text, self._stemmer))

    def coverage(self, weights: dict[str, float], text: str) -> float:
        """IDF-weighted share of the weighted question terms that ``text`` contains."""
        total = sum(weights.values())
        if total <= 0:
            return 0.0
        present = self.terms(text)
        return sum(w for term, w in weights.items() if term in present) / total

    def weights(self, text: str, boost: float = 1.0) -> dict[str, float]:
        return {term: self.idf(term) * boost for term in self.terms(text)}
