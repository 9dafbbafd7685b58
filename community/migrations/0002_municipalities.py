"""Load all 290 Swedish municipalities (official codes) and "other" (0000)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("community", "Municipality")
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        Municipality.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "county": row["county"]}
        )
    Municipality.objects.update_or_create(
        code="0000", defaults={"name": "Annan / utanför Sverige", "county": ""}
    )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
