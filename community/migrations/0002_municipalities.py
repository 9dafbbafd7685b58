from django.db import migrations

from community import municipalities


def load(apps, schema_editor):
    municipalities.load(apps.get_model("community", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
