"""Writing generated rows fast: explicit ids, batches, COPY on PostgreSQL, executemany on SQLite.

The generator knows every row's id before it writes it (it starts each table
after the largest id already there), so rows can point at each other without
reading anything back. ``Writer.insert`` takes plain tuples in the order of
the field names it is given, fills every other column with its model default
(so a field another part of the project adds with a default does not break
the generator), converts the few types the driver does not take as they are,
and writes in batches: ``COPY ... FROM STDIN`` on PostgreSQL, one prepared
``INSERT`` run by ``executemany`` on SQLite. After the last stage the
PostgreSQL sequences are moved past the ids written.

This skips the model layer on purpose (no ``save()``, no signals, no
``pre_save`` normalisation): the generator writes NFC text and every value
a service would compute itself. ``Django's bulk_create`` builds a model
instance per row and, on PostgreSQL, returns every id; for the ten million
rows of the large scale that alone costs minutes.
"""

from __future__ import annotations

import datetime
import itertools
import json
import time
from collections.abc import Iterable
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

BATCH = 5000
NOT_PROVIDED = models.fields.NOT_PROVIDED


class Ids:
    """The next free id of each model's table (one ``MAX(id)`` query per table, on first use)."""

    def __init__(self):
        self._counters: dict[type, itertools.count] = {}

    def _counter(self, model) -> itertools.count:
        counter = self._counters.get(model)
        if counter is None:
            root, pk = model, model._meta.pk
            while pk.remote_field is not None and pk.remote_field.parent_link:  # multi-table child: the parent's
                root = pk.remote_field.model
                pk = root._meta.pk
            counter = self._counters.get(root)
            if counter is None:
                top = root._default_manager.aggregate(top=models.Max(pk.attname))["top"] or 0
                counter = self._counters[root] = itertools.count(top + 1)
            self._counters[model] = counter
        return counter

    def one(self, model) -> int:
        """The next id of ``model``'s table."""
        return next(self._counter(model))

    def take(self, model, count: int = 1) -> int:
        """Reserve ``count`` consecutive ids; the first of them."""
        counter = self._counter(model)
        first = next(counter)
        for _ in range(count - 1):
            next(counter)
        return first

    def counter(self, model) -> itertools.count:
        """The table's own counter: ``next()`` on it is the fastest way to number many rows."""
        return self._counter(model)


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


class Writer:
    """Inserts rows table by table and counts them."""

    def __init__(self, *, out=None):
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self.out = out
        # What Django's SQLite backend stores for an aware datetime: naive UTC, ``str()`` of it.
        self._sqlite_datetime = lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))

    # -- conversion -----------------------------------------------------------------

    def _converter(self, field):
        kind = field.get_internal_type()
        if kind == "JSONField":
            return lambda value: "{}" if value == {} else _json(value)
        if self.vendor == "sqlite":
            if kind == "DateTimeField":
                adapt = self._sqlite_datetime
                return lambda value: None if value is None else adapt(value)
            if kind == "DateField":
                return lambda value: None if value is None else value.isoformat()
            if kind == "DecimalField":
                return lambda value: None if value is None else str(value)
            if kind == "UUIDField":
                return lambda value: None if value is None else value.hex
            if kind == "TimeField":
                return lambda value: None if value is None else value.isoformat()
        return None

    def _constant(self, field):
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.empty_strings_allowed and field.blank:
            value = ""
        else:
            raise ValueError(f"{field.model.__name__}.{field.name} has no default: the generator must give it")
        convert = self._converter(field)
        if isinstance(value, (datetime.datetime, datetime.date)) and self.vendor != "sqlite":
            return value
        if isinstance(value, Decimal) and self.vendor != "sqlite":
            return value
        return convert(value) if convert is not None and value is not None else value

    # -- writing --------------------------------------------------------------------

    def insert(self, model, names: list[str], rows: Iterable[tuple]) -> int:
        """Write ``rows`` (tuples in the order of ``names``, attnames such as ``unit_id``) into ``model``'s table."""
        meta = model._meta
        fields = {f.attname: f for f in meta.local_concrete_fields}
        given = [fields[name] for name in names]
        missing = [f for f in meta.local_concrete_fields if f.attname not in names]
        constants = tuple(self._constant(f) for f in missing)
        columns = [f.column for f in given] + [f.column for f in missing]
        converters = [(index, conv) for index, f in enumerate(given) if (conv := self._converter(f)) is not None]
        table = meta.db_table
        count = 0
        batch: list[tuple] = []
        for row in rows:
            if converters:
                row = list(row)
                for index, conv in converters:
                    row[index] = conv(row[index])
            batch.append(tuple(row) + constants)
            if len(batch) >= BATCH:
                self._write(table, columns, batch)
                count += len(batch)
                batch = []
        if batch:
            self._write(table, columns, batch)
            count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        return count

    def _write(self, table: str, columns: list[str], batch: list[tuple]) -> None:
        quote = connection.ops.quote_name
        cols = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})", batch)

    def reset_sequences(self, models_written) -> int:
        """PostgreSQL: move every sequence past the ids written explicitly (SQLite keeps its own); how many."""
        if self.vendor != "postgresql":
            return 0
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), list(models_written))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        return len(statements)


class Progress:
    """One line per stage: what was written and how long it took."""

    def __init__(self, out=None):
        self.out = out
        self.stages: list[dict] = []
        self._started = time.perf_counter()

    def stage(self, name: str):
        return _Stage(self, name)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started


class _Stage:
    def __init__(self, progress: Progress, name: str):
        self.progress, self.name, self.rows = progress, name, 0

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def add(self, count: int) -> int:
        self.rows += count
        return count

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            return False
        seconds = time.perf_counter() - self.started
        self.progress.stages.append({"stage": self.name, "rows": self.rows, "seconds": round(seconds, 2)})
        if self.progress.out is not None:
            self.progress.out.write(f"{self.name:<28} {self.rows:>11,} rows {seconds:8.1f} s "
                                    f"(total {self.progress.elapsed:7.1f} s)\n")
            self.progress.out.flush()
        return False
