"""Swedish first: every text has a Swedish translation, and the compiled catalogue matches."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "frontend" / "locale"
ENTRY = re.compile(
    r'^(?P<flags>(?:#.*\n)*)msgid (?P<id>(?:".*"\n)+)msgstr (?P<str>(?:".*"\n?)+)', re.M
)


def po_entries(language: str) -> list[tuple[str, str, str]]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        match = ENTRY.search(block + "\n")
        if match is None or "msgid_plural" in block:
            continue
        msgid = "".join(ast.literal_eval(line) for line in match["id"].splitlines())
        msgstr = "".join(ast.literal_eval(line) for line in match["str"].splitlines())
        if msgid:
            entries.append((match["flags"], msgid, msgstr))
    return entries


def test_every_swedish_entry_is_translated_and_not_fuzzy():
    entries = po_entries("sv")

    assert len(entries) > 200
    assert [msgid for flags, msgid, msgstr in entries if not msgstr] == []
    assert [msgid for flags, msgid, msgstr in entries if "fuzzy" in flags] == []


def test_compiled_swedish_catalogue_matches_the_po_file():
    with (LOCALE / "sv" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = [msgid for _, msgid, msgstr in po_entries("sv") if compiled.gettext(msgid) != msgstr]

    assert stale == [], "run `make messages` and commit the .mo file"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "Du behöver logga in först."), ("en", "You need to log in first.")],
)
def test_error_texts_follow_the_active_language(language, expected):
    from community.errors import NotSignedIn

    with translation.override(language):
        assert NotSignedIn().as_dict()["detail"] == expected
