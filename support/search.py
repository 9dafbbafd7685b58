"""Searching the support directory by words, on PostgreSQL and on SQLite alike.

PostgreSQL: full-text search with the Swedish configuration (stemming, stop words), title
weighted over summary over the rest, ranked by ``ts_rank``. SQLite (development): every
word must appear in one of the same fields, scored by where it appears. Both answer the
same contract: the matching entries, best first, each with a ``rank``, at most ``limit``.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet

from community.models import SupportEntry

CONFIG = "swedish"
MAX_QUERY_LENGTH = 200
# Words PostgreSQL's Swedish configuration ignores too; the fallback skips them the same way.
STOP_WORDS = frozenset(
    ("och", "att", "det", "som", "en", "ett", "i", "på", "är", "av", "för", "med", "till")
    + ("den", "de", "om", "har", "inte", "jag", "du", "vi", "ni", "men", "eller", "så", "kan")
)
FALLBACK_WEIGHTS = (("title", 3.0), ("summary", 2.0), ("body", 1.0), ("how_to_apply", 1.0))
FALLBACK_CANDIDATES = 2000


def words_of(query: str) -> list[str]:
    """The words of a query, case-folded, without stop words or punctuation."""
    words = re.findall(r"\w+", query.casefold())
    return [word for word in words if word not in STOP_WORDS]


def ranked(entries: QuerySet[SupportEntry], *, query: str, limit: int) -> list[SupportEntry]:
    """The entries that match ``query``, best first (then by title), at most ``limit``."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    if connection.vendor == "postgresql":
        return _postgres(entries, query=query, limit=limit)
    return _fallback(entries, query=query, limit=limit)


def _postgres(entries: QuerySet[SupportEntry], *, query: str, limit: int) -> list[SupportEntry]:
    vector = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body", "how_to_apply", weight="C", config=CONFIG)
        + SearchVector("organisation__name", weight="D", config=CONFIG)
    )
    search = SearchQuery(query, search_type="websearch", config=CONFIG)
    found = (
        entries.annotate(document=vector)
        .filter(document=search)
        .annotate(rank=SearchRank(F("document"), search))
        .order_by("-rank", "title", "pk")
    )
    return list(found[:limit])


def _fallback(entries: QuerySet[SupportEntry], *, query: str, limit: int) -> list[SupportEntry]:
    """Python does the matching: SQLite's LIKE folds only ASCII case, and Swedish has åäö."""
    words = words_of(query)
    if not words:
        return []
    found = []
    for entry in entries.select_related("organisation")[:FALLBACK_CANDIDATES]:
        rank = _fallback_rank(entry, words)
        if rank:
            entry.rank = rank
            found.append(entry)
    found.sort(key=lambda entry: (-entry.rank, entry.title.casefold(), entry.pk))
    return found[:limit]


def _fallback_rank(entry: SupportEntry, words: list[str]) -> float:
    """Every word must appear somewhere; a word in the title counts most."""
    fields = [(getattr(entry, name).casefold(), weight) for name, weight in FALLBACK_WEIGHTS]
    fields.append((entry.organisation.name.casefold(), 0.5))
    total = 0.0
    for word in words:
        score = sum(weight for text, weight in fields if word in text)
        if not score:
            return 0.0
        total += score
    return total
