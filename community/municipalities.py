"""The 290 Swedish municipalities with their official codes, plus "other" (0000)."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "municipalities.csv"
OTHER = {"code": "0000", "name": "Annan / utanför Sverige", "county": ""}


def rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        official = [
            {"code": r["code"], "name": r["name"], "county": r["county"]}
            for r in csv.DictReader(handle)
        ]
    return [*official, OTHER]


def load(model) -> int:
    """Insert the municipalities missing from ``model``'s table; return how many."""
    existing = set(model.objects.values_list("code", flat=True))
    missing = [model(**row) for row in rows() if row["code"] not in existing]
    model.objects.bulk_create(missing)
    return len(missing)
