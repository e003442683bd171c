"""Topic tags for agent questions: a versioned taxonomy, keyword rules and embedding
centroids (issue 9)."""

from belbot.tagging.classifier import Method, Tagger, create_tagger
from belbot.tagging.taxonomy import Tag, Taxonomy, load_taxonomy, parse_taxonomy
from belbot.tagging.types import TagResult

__all__ = [
    "Method",
    "Tag",
    "TagResult",
    "Tagger",
    "Taxonomy",
    "create_tagger",
    "load_taxonomy",
    "parse_taxonomy",
]
