"""Scoring rewrites each result's score and flag. At fillfactor 50 a page of results has room for the
new version of only most of its rows; the rest move to another page and touch all five indexes of
the table (about a tenth of a first scoring, and half its time). At 40 every new version fits on its
page: every update is HOT. Rows written from now on get the room; existing pages as they are
rewritten (VACUUM FULL or CLUSTER would give it to all at once)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE targets_indicatorresult SET (fillfactor = 40)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE targets_indicatorresult SET (fillfactor = 50)")


class Migration(migrations.Migration):
    dependencies = [("targets", "0014_disclosureimport_allow_removals")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
