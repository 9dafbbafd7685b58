import re

from django.db import migrations

from moderation import patterns, starter

SYNTAX = re.compile(r"[|*\[\]~!]|\.\.\.|…")


def keep_literal_rules(apps, schema_editor):
    """Plain rules saved before patterns keep matching as they did: one whose text has a
    sign the pattern language reads (| * [ ] ~ ! ...) or no word at all becomes the same
    literal regular expression it always was."""
    WordRule = apps.get_model("moderation", "WordRule")
    for rule in WordRule.objects.filter(is_regex=False):
        if SYNTAX.search(rule.pattern) or not patterns._words(rule.pattern):
            rule.pattern = rf"(?<!\w){re.escape(rule.pattern)}(?!\w)"[:200]
            rule.is_regex = True
            rule.save(update_fields=["pattern", "is_regex"])


def load(apps, schema_editor):
    starter.load_patterns(apps.get_model("moderation", "WordRule"))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0005_crisis_card")]

    operations = [
        migrations.RunPython(keep_literal_rules, migrations.RunPython.noop),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
