from django.db import migrations

from moderation import starter


def load(apps, schema_editor):
    starter.load(apps.get_model("moderation", "WordRule"), apps.get_model("moderation", "CrisisContact"))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_audit_append_only")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
