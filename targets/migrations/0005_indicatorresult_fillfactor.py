"""Rescoring rewrites every result of a year; the score columns are not indexed, so leaving room in
each page lets PostgreSQL update rows in place (HOT updates) instead of rewriting four indexes."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE targets_indicatorresult SET (fillfactor = 50)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE targets_indicatorresult RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("targets", "0004_default_rule_profile")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
