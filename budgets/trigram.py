"""Trigram indexes for the admin's searches (`name__icontains` is `UPPER(name) LIKE UPPER('%…%')` on
PostgreSQL): a GIN index of UPPER(column) with pg_trgm's operator class finds the rows without
reading the table. Created by migrations on PostgreSQL only; other databases search without it."""

from django.db import migrations


def trigram_index(table: str, column: str, name: str) -> migrations.RunPython:
    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        expression = f"UPPER({quote(column)}) gin_trgm_ops"
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} USING gin ({expression})")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(create, drop)
