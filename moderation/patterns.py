"""The word-rule pattern language: patterns over words as people write them.

A message is read into words: lower case, letters repeated three times or more counted once
or twice ("dööö" is "dö", "villlll" is "vill"), apostrophes dropped ("don't" is "dont"),
every other sign a word break. Each word is stemmed in the rule's language (Snowball:
"hotar" and "hota" share a stem, as do "tabletterna" and "tablett", "cutting" and "cut").
A pattern word written with å, ä or ö also matches the word written without them
("längre" matches "langre"); one written without them matches only so ("hora" never
matches "hörs").

A pattern is words separated by spaces; the words of a match follow each other in order:

=============  ===============================================================================
``skär mig``   words: each matches any inflection with the same stem
``dö|dog``     alternatives: any one of them (strong verbs need their forms: slå|slog|slagit)
``själv*``     a prefix: any word that starts so (matched before stemming)
``[typ]``      an optional word; ``[typ|bara]`` an optional choice
``...``        up to three other words may come between the words on either side
``~N``         up to N (0 to 10) other words between
``!skratt``    a guard: the rule stays quiet if the message also has this; a guard may be
               several words (``!förra året``) and a pattern may have several guards
=============  ===============================================================================

``vill [typ] ... dö|död !skratt`` matches "vill bara dö" and "vill typ helt dö" but not
"jag dör av skratt". Other signs in a word are word breaks: ``cp-unge`` is ``cp unge``.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.translation import gettext as _

GAP_DEFAULT = 3
GAP_MAX = 10
ELLIPSIS = ("...", "…")
WORD = re.compile(r"[^\W_]+")
APOSTROPHES = re.compile(r"['’`´]")
REPEATS = re.compile(r"(.)\1{2,}")
GAP = re.compile(r"~(\d+)")
STEMMERS = {"sv": "swedish", "en": "english"}


class PatternError(ValueError):
    """A pattern that does not read; the text says why, for the person who wrote it."""


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _forms(word: str) -> tuple[str, ...]:
    """The spellings a word may stand for, in lower case: repeated letters once, and twice."""
    lower = word.lower()
    if not REPEATS.search(lower):
        return (lower,)
    return (REPEATS.sub(r"\1", lower), REPEATS.sub(r"\1\1", lower))


def _keys(form: str, language: str, plain: bool) -> set[str]:
    """What a word is compared by: ``=`` its stem as written; ``~`` its stem without
    diacritics, for a word written without them (``langre``) or a pattern word written with
    them (``längre``). So "längre" in a pattern also matches "langre" in a text, while a
    pattern word without diacritics (``hora``) never matches a text word with them ("hörs")."""
    if plain:
        return {"=" + stem(form, language), "~" + stem(form, language)}
    return {"=" + stem(form, language)}


@lru_cache(maxsize=64)
def _stemmer(language: str):
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


# The stems of the words in use, about 200 bytes each. It was 100,000: every number and
# new word in a chat filled it further, and a process grew by 20 MB before it was full.
STEM_CACHE_SIZE = 10_000


def stem(form: str, language: str) -> str:
    if form.isdigit():
        return form  # a number has no stem, and would only crowd the cache
    return _stem(form, language)


@lru_cache(maxsize=STEM_CACHE_SIZE)
def _stem(form: str, language: str) -> str:
    stemmer = _stemmer(language)
    return stemmer.stemWord(form) if stemmer else form


def _words(text: str) -> list[str]:
    return WORD.findall(APOSTROPHES.sub("", unicodedata.normalize("NFC", text)))


class Reading:
    """A text read into words once; stems per language are worked out when first asked."""

    def __init__(self, text: str):
        self.words = _words(text)
        self.forms = [_forms(word) for word in self.words]
        self.plain = [_plain(word) == word for word in self.words]
        self._keys: dict[str, list[frozenset[str]]] = {}

    def keys(self, language: str) -> list[frozenset[str]]:
        if language not in self._keys:
            self._keys[language] = [
                frozenset().union(*(_keys(form, language, plain) for form in forms))
                for forms, plain in zip(self.forms, self.plain, strict=True)
            ]
        return self._keys[language]

    def key_set(self, language: str) -> set[str]:
        return set().union(*self.keys(language))


def read(text: str) -> Reading:
    return Reading(text)


@dataclass(frozen=True)
class Element:
    stems: frozenset[str]
    prefixes: tuple[tuple[str, str], ...]  # as written, and without diacritics
    optional: bool = False
    gap: int = 0  # other words that may come before it, after the element before

    def at(self, reading: Reading, keys: list[frozenset[str]], position: int) -> bool:
        if self.stems & keys[position]:
            return True
        forms = reading.forms[position]
        side = 1 if reading.plain[position] else 0
        return any(form.startswith(p[side]) for p in self.prefixes for form in forms)


@dataclass(frozen=True)
class Pattern:
    language: str
    elements: tuple[Element, ...]
    guards: tuple[tuple[Element, ...], ...]

    @property
    def anchor(self) -> frozenset[str] | None:
        """Stems one of which every match contains, or None when no element is so plain."""
        for element in self.elements:
            if not element.optional and not element.prefixes:
                return element.stems
        return None

    def search(self, reading: Reading) -> str | None:
        """Why the pattern fires on the text (the words it matched), or None."""
        keys = reading.keys(self.language)
        found = _find(self.elements, reading, keys)
        if found is None or any(_find(g, reading, keys) for g in self.guards):
            return None
        return "“" + " ".join(reading.words[found[0] : found[-1] + 1]) + "”"


def _find(elements, reading: Reading, keys) -> list[int] | None:
    for start in range(len(keys)):
        found = _match(elements, 0, reading, keys, start, 0)
        if found:
            return found
    return None


def _match(elements, index: int, reading, keys, position: int, slack: int) -> list[int] | None:
    if index == len(elements):
        return []
    element = elements[index]
    allowed = slack + element.gap if index else 0
    for at in range(position, min(len(keys), position + allowed + 1)):
        if element.at(reading, keys, at):
            rest = _match(elements, index + 1, reading, keys, at + 1, 0)
            if rest is not None:
                return [at, *rest]
    if element.optional:
        # Skipping it leaves its room for the words after it.
        return _match(elements, index + 1, reading, keys, position, allowed)
    return None


def compile_pattern(pattern: str, language: str) -> Pattern:
    parts: list[list[str]] = [[]]
    for part in pattern.split():
        if part.startswith("!"):
            if len(part) == 1:
                raise PatternError(_("A guard needs a word after “!”."))
            parts.append([part[1:]])
        else:
            parts[-1].append(part)
    main, *guards = (_sequence(tokens, language) for tokens in parts)
    for sequence in (main, *guards):
        if all(element.optional for element in sequence):
            raise PatternError(_("A pattern needs at least one word that must be there."))
    return Pattern(language=language, elements=main, guards=tuple(guards))


def _sequence(tokens: list[str], language: str) -> tuple[Element, ...]:
    elements: list[Element] = []
    gap = None
    for token in tokens:
        gap_here = GAP_DEFAULT if token in ELLIPSIS else _gap(token)
        if gap_here is not None:
            if gap is not None or not elements:
                raise PatternError(_("A gap goes between two words."))
            gap = gap_here
            continue
        for element in _elements(token, language):
            elements.append(Element(element.stems, element.prefixes, element.optional, gap or 0))
            gap = None
    if gap is not None:
        raise PatternError(_("A gap goes between two words."))
    if not elements:
        raise PatternError(_("A pattern needs at least one word."))
    return tuple(elements)


def _gap(token: str) -> int | None:
    match = GAP.fullmatch(token)
    if match is None:
        if token.startswith("~"):
            raise PatternError(_("Write a gap as ~ and a number from 0 to 10."))
        return None
    if int(match.group(1)) > GAP_MAX:
        raise PatternError(_("A gap is at most 10 words."))
    return int(match.group(1))


def _elements(token: str, language: str) -> list[Element]:
    optional = token.startswith("[") and token.endswith("]") and len(token) > 2
    inner = token[1:-1] if optional else token
    if "[" in inner or "]" in inner:
        raise PatternError(_("Put one optional word in brackets: [typ] or [typ|bara]."))
    if "|" not in inner and not inner.endswith("*") and not optional:
        # Plain text: its words follow each other, as they did before patterns.
        return [Element(frozenset(_stem_word(w, language)), ()) for w in _words(inner)]
    stems, prefixes = set(), []
    for alternative in inner.split("|"):
        if alternative.endswith("*"):
            prefix = _only_word(alternative[:-1])
            written = _forms(prefix)[-1]
            prefixes.append((written, _plain(written)))
        else:
            stems.update(_stem_word(_only_word(alternative), language))
    return [Element(frozenset(stems), tuple(prefixes), optional)]


def _only_word(text: str) -> str:
    words = _words(text)
    if len(words) != 1 or "*" in text:
        raise PatternError(_("Each alternative is one word, a prefix ends with *."))
    return words[0]


def _stem_word(word: str, language: str) -> set[str]:
    written = _forms(word)[-1]
    if _plain(written) == written:
        return {"=" + stem(written, language)}
    return {"=" + stem(written, language), "~" + stem(_plain(written), language)}
