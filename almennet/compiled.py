"""Reads whose SQL the ORM builds once per process.

Django compiles a queryset's SQL on every evaluation: for the small reads a member's sign-up
makes (their registration for the event, where they stand, the seat counts) that costs five
to ten times the database's own answer (about 0.8 ms against 0.1 ms here). A CompiledQuery
is written as an ordinary queryset, with the values that change from call to call as named
arguments; it is compiled on first use, and each call binds the arguments into the kept SQL
and reads the rows as the queryset would (the same converters, model instances with their
select_related objects, or value tuples). It runs through Django's cursor, so query counts,
execute wrappers and metrics see it like any other query.

    _FOR_EVENT = CompiledQuery(
        lambda event, user: Registration.objects.filter(event_id=event, user_id=user)[:1],
        event=int,
        user=int,
    )
    _FOR_EVENT.first(event=event.pk, user=user.pk)

For a handful of hot reads, not a general cache: a queryset whose SQL depends on anything
but its arguments (the language, the time of day inlined, a setting) must not be compiled.
The argument types are int, str, datetime.date and (aware) datetime.datetime; each argument
must reach the SQL as one parameter of its own (an `=`, `<=` or `>=` lookup, not
`__contains`, which wraps it).
"""

from __future__ import annotations

import datetime
import threading
import weakref
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql import InsertQuery

# Stand-ins bound while compiling, found again among the parameters: values no real argument
# takes (inside int4's range, or the integer lookups would drop them as out of range).
_STAND_INS: dict[type, Callable[[int], object]] = {
    int: lambda n: -2_000_000_000 + 7919 * n,
    str: lambda n: f"\x1fcompiled-argument-{n}\x1f",
    datetime.date: lambda n: datetime.date(1901, 2, 3) + datetime.timedelta(days=n),
    datetime.datetime: lambda n: (
        datetime.datetime(1901, 2, 3, tzinfo=datetime.UTC) + datetime.timedelta(seconds=n)
    ),
}


class CompiledQuery:
    """A queryset built by `build(**arguments)`, compiled once (per process and database) and
    evaluated with new arguments by `objects()`, `first()` or `rows()`."""

    def __init__(self, build: Callable, **arguments: type):
        for kind in arguments.values():
            if kind not in _STAND_INS:
                raise TypeError(
                    f"CompiledQuery arguments are int, str, date or datetime, not {kind}"
                )
        self.build, self.arguments = build, arguments
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or _Compiled(self, using)
                self._compiled[using] = compiled
        return compiled

    def objects(self, *, using: str = DEFAULT_DB_ALIAS, **arguments) -> list:
        """Model instances (or, for a values_list() queryset, its tuples), as list(queryset)."""
        return self._for(using).objects(arguments)

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **arguments):
        found = self.objects(using=using, **arguments)
        return found[0] if found else None

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **arguments) -> list[tuple]:
        """The selected columns as tuples, converted as the queryset converts them."""
        return self._for(using).rows(arguments)


class _Compiled:
    def __init__(self, query: CompiledQuery, using: str):
        stand_ins = {
            name: _STAND_INS[kind](number)
            for number, (name, kind) in enumerate(query.arguments.items())
        }
        queryset = query.build(**stand_ins).using(using)
        if queryset.query.combinator:
            raise TypeError("CompiledQuery does not compile union(), intersection(), difference()")
        compiler = queryset.query.get_compiler(using)
        self.sql, params = compiler.as_sql()
        self.compiler, self.using = compiler, using
        self.for_update = queryset.query.select_for_update
        # Where each argument goes among the parameters; every other parameter is a constant.
        by_value = {(type(value), value): name for name, value in stand_ins.items()}
        self.slots = [by_value.get((type(p), p)) for p in params]
        self.params = list(params)
        missing = set(stand_ins) - set(self.slots)
        if missing:
            raise TypeError(
                f"CompiledQuery argument(s) {sorted(missing)} did not reach the SQL as a "
                "parameter of their own"
            )
        self.converters = compiler.get_converters(
            [column for column, _sql, _alias in compiler.select]
        )
        self.model_rows = queryset._iterable_class is ModelIterable
        if self.model_rows:
            if queryset._known_related_objects:
                raise TypeError("CompiledQuery reads from a manager, not a related manager")
            self.fetch_mode = queryset._fetch_mode
            klass_info = compiler.klass_info
            select = compiler.select
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.model = klass_info["model"]
            self.model_slice = (start, end)
            self.init_list = [column[0].target.attname for column in select[start:end]]
            self.populators = get_related_populators(klass_info, select, using, self.fetch_mode)
            self.annotations = dict(compiler.annotation_col_map)

    def rows(self, arguments: dict) -> list:
        params = [
            arguments[slot] if slot is not None else constant
            for slot, constant in zip(self.slots, self.params, strict=True)
        ]
        connection = connections[self.using]
        if self.for_update and not connection.in_atomic_block:
            # What the ORM says when a FOR UPDATE read is evaluated outside a transaction.
            from django.db.transaction import TransactionManagementError

            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        return rows

    def objects(self, arguments: dict) -> list:
        rows = self.rows(arguments)
        if not self.model_rows:
            return rows
        start, end = self.model_slice
        found, peers = [], []
        for row in rows:
            obj = self.model.from_db(
                self.using, self.init_list, row[start:end], fetch_mode=self.fetch_mode
            )
            if self.fetch_mode.track_peers:
                peers.append(weakref.ref(obj))
                obj._state.peers = peers
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


class CompiledInsert:
    """A model mixin: `save()` inserts a new row with SQL compiled once per model, database and
    set of columns (Django compiles the INSERT on every save: about 0.25 ms, three times over
    while a sign-up holds its event's lock). Signals, `pre_save()` of the fields (auto_now_add)
    and the returned primary key are as with Django's insert, which is used as it is for a row
    with an expression among its values and on databases that cannot return the new row's
    columns."""

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        connection = connections[using]
        if not connection.features.can_return_columns_from_insert or any(
            hasattr(getattr(self, field.attname, None), "resolve_expression") for field in fields
        ):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        key = (type(self), using, raw, tuple(fields), tuple(returning_fields or ()))
        insert = _INSERTS.get(key)
        if insert is None:
            insert = _INSERTS.setdefault(key, _Insert(self, using, fields, returning_fields, raw))
        if insert.sql is None:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        return insert.run(self, connection)


class _Insert:
    def __init__(self, obj, using, fields, returning_fields, raw):
        self.fields, self.raw = list(fields), raw
        self.sql = None
        if any(getattr(field, "get_placeholder_sql", None) for field in fields):
            return  # placeholders that depend on the value: Django's insert every time
        query = InsertQuery(type(obj))
        query.insert_values(fields, [obj], raw=raw)
        self.compiler = query.get_compiler(using=using)
        self.compiler.returning_fields = returning_fields
        [(self.sql, _params)] = self.compiler.as_sql()
        self.returning_fields = list(returning_fields or ())
        table = type(obj)._meta.db_table
        self.converters = self.compiler.get_converters(
            [field.get_col(table) for field in self.returning_fields]
        )

    def run(self, obj, connection) -> list:
        compiler = self.compiler
        params = [
            compiler.prepare_value(field, compiler.pre_save_val(field, obj))
            for field in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            if not self.returning_fields:
                return []
            rows = connection.ops.fetch_returned_rows(cursor, compiler.returning_params)
        if self.converters:
            rows = compiler.apply_converters(rows, self.converters)
        return list(rows)


_INSERTS: dict[tuple, _Insert] = {}
