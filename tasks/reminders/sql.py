"""SQL the reminder sweep needs and the ORM does not say: days between dates, INSERT … SELECT
… ON CONFLICT DO NOTHING, and COPY of plain rows."""

from __future__ import annotations

import time as time_module
from datetime import date

from django.db import NotSupportedError, connection
from django.db.models import DateField, Func, IntegerField, QuerySet, Value


class DaysBetween(Func):
    """Whole days from the date expression ``start`` to the date ``end`` (PostgreSQL, SQLite)."""

    output_field = IntegerField()

    def __init__(self, start, end: date):
        super().__init__(start, Value(end, output_field=DateField()))

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("DaysBetween supports PostgreSQL and SQLite")

    def as_postgresql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return f"(CAST({end} AS date) - ({start}))", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(julianday({end}) - julianday({start}) AS INTEGER)",
            (*end_params, *start_params),
        )


def insert_select(model, columns: list[str], rows: QuerySet) -> int:
    """``INSERT INTO model (columns) <rows> ON CONFLICT DO NOTHING``; how many were inserted.

    ``rows`` is a values_list() queryset with one value per column, in order. The rows never
    travel through Python, and a row whose unique key exists already is skipped.
    """
    sql, params = rows.query.sql_with_params()
    qn = connection.ops.quote_name
    column_sql = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({column_sql}) {sql} ON CONFLICT DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)


def copy_rows(model, columns: list[str], rows: list[tuple]) -> int:
    """Write plain rows (no model instances, no signals): COPY on PostgreSQL, else executemany.

    For the inbox entries of a sweep, tens of thousands at a catch-up: bulk_create's model
    instances and per-value preparation cost more than the database's own work.
    """
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            started = time_module.monotonic()
            with cursor.cursor.copy(sql) as copy:  # psycopg's own cursor: Django has no COPY
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # counted like any query (debug, query counts)
                elapsed = time_module.monotonic() - started
                connection.queries_log.append({"sql": sql, "time": f"{elapsed:.3f}"})
        else:
            # as the ORM stores them (SQLite: date-times as naive UTC text)
            fields = [model._meta.get_field(c) for c in columns]
            prepare = [
                (i, f.get_db_prep_save)
                for i, f in enumerate(fields)
                if f.get_internal_type() in ("DateTimeField", "DateField", "UUIDField", "JSONField")
            ]
            if prepare:
                rows = [list(row) for row in rows]
                for row in rows:
                    for i, prep in prepare:
                        row[i] = prep(row[i], connection)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)
