"""Insert many new rows fast: COPY on PostgreSQL, bulk_create elsewhere.

Only for rows whose ids nobody reads back (new indicators and audit entries of an import). Rows are dicts of
column attribute names to plain values (str, int, Decimal, None), which psycopg adapts the same way
bulk_create would; the database's constraints check every row either way."""

from django.db import connection, models


def copy_insert(model: type[models.Model], rows: list[dict]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows])
        return
    if not connection.in_atomic_block:
        raise RuntimeError("copy_insert must run inside the caller's transaction")
    from psycopg.types.json import Jsonb

    names = list(rows[0])
    json_names = {name for name in names if isinstance(model._meta.get_field(name), models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Jsonb(row[name]) if name in json_names else row[name] for name in names])
