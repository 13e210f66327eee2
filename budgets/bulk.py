"""Write many rows fast: COPY on PostgreSQL, bulk_create / bulk_update elsewhere.

`copy_insert` is only for rows whose ids nobody reads back (new indicators and audit entries of an
import). Rows are dicts of column attribute names to plain values (str, int, Decimal, None), which
psycopg adapts the same way bulk_create would; the database's constraints check every row either way.
`copy_update` writes changed fields of rows that exist."""

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


def copy_update(model: type[models.Model], fields: list[str], rows: list[tuple]) -> int:
    """Write `fields` of existing rows, given as tuples (pk, *values in the order of `fields`).

    On PostgreSQL: one COPY into a temporary table shaped like the target's columns and one
    UPDATE … FROM it, which stays one plain join however many rows (bulk_update's CASE per column
    grows with the rows and tips the planner into JIT). Elsewhere bulk_update. Returns the rows written."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(name).attname for name in fields]
        objects = [model(pk=row[0], **dict(zip(attnames, row[1:], strict=True))) for row in rows]
        model.objects.bulk_update(objects, fields, batch_size=2000)
        return len(objects)
    if not connection.in_atomic_block:
        raise RuntimeError("copy_update must run inside the caller's transaction")
    from psycopg.types.json import Jsonb

    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    temp = quote(f"copy_update_{meta.db_table}")
    pk = quote(meta.pk.column)
    columns = [quote(meta.get_field(name).column) for name in fields]
    is_json = [isinstance(meta.get_field(name), models.JSONField) for name in fields]
    # Identifiers come from model metadata, never from input; values travel through COPY.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temp} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                values = [Jsonb(v) if json else v for v, json in zip(row[1:], is_json, strict=True)]
                copy.write_row([row[0], *values])
        assignments = ", ".join(f"{column} = s.{column}" for column in columns)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM {temp} s WHERE t.{pk} = s.{pk}")  # noqa: S608
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {temp}")
    return written


def jit_off() -> None:
    """No JIT compilation for the rest of the current transaction (PostgreSQL): the statements of a
    bulk write are planned once and run once, so compiling them costs more than it saves."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def copy_update_objects(model: type[models.Model], objects: list, fields: list[str]) -> int:
    """`copy_update` of model instances: their current values of `fields` (a relation by its id)."""
    attnames = [model._meta.get_field(name).attname for name in fields]
    return copy_update(model, fields, [(obj.pk, *(getattr(obj, name) for name in attnames)) for obj in objects])
