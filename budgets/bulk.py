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


# Up to this many rows an UPDATE … FROM (VALUES …) does the same in one statement; a temporary
# table costs catalog writes that only pay off for more.
VALUES_LIMIT = 200


def copy_update(
    model: type[models.Model], fields: list[str], rows: list[tuple], *, values_limit: int | None = None
) -> int:
    """Write `fields` of existing rows, given as tuples (pk, *values in the order of `fields`).

    On PostgreSQL one UPDATE … FROM joins the new values to the table: from a VALUES list for a few
    rows (up to `values_limit`, default VALUES_LIMIT; 0 when the caller needs the same statements
    whatever the number of rows), else from a temporary table filled by COPY. Either stays one plain
    join however many rows (bulk_update's CASE per column grows with the rows and tips the planner
    into JIT). Elsewhere bulk_update. Returns the rows written."""
    if not rows:
        return 0
    meta = model._meta
    if connection.vendor != "postgresql":
        attnames = [meta.get_field(name).attname for name in fields]
        objects = [model(pk=row[0], **dict(zip(attnames, row[1:], strict=True))) for row in rows]
        model.objects.bulk_update(objects, fields, batch_size=2000)
        return len(objects)
    if not connection.in_atomic_block:
        raise RuntimeError("copy_update must run inside the caller's transaction")
    from psycopg.types.json import Jsonb

    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = quote(meta.pk.column)
    model_fields = [meta.get_field(name) for name in fields]
    columns = [quote(field.column) for field in model_fields]
    is_json = [isinstance(field, models.JSONField) for field in model_fields]
    rows = [(row[0], *(Jsonb(v) if json else v for v, json in zip(row[1:], is_json, strict=True))) for row in rows]
    assignments = ", ".join(f"{column} = s.{column}" for column in columns)
    # Identifiers and types come from model metadata, never from input; values are parameters.
    with connection.cursor() as cursor:
        if len(rows) <= (VALUES_LIMIT if values_limit is None else values_limit):
            types = [meta.pk.rel_db_type(connection), *(field.db_type(connection) for field in model_fields)]
            row_sql = "(" + ", ".join(f"%s::{kind}" for kind in types) + ")"
            cursor.execute(
                f"UPDATE {table} t SET {assignments} FROM (VALUES {', '.join([row_sql] * len(rows))}) "  # noqa: S608
                f"s ({pk}, {', '.join(columns)}) WHERE t.{pk} = s.{pk}",
                [value for row in rows for value in row],
            )
            return cursor.rowcount
        temp = quote(f"copy_update_{meta.db_table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temp} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
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
