"""Date periods: a start day and an end day, both included, no end meaning open-ended. One
definition of "runs on a day", in Python and in SQL, and the database's side of the rule that
a period cannot end before it starts.

Used by members (affiliations, seats, memberships); the expressions are plain Django `Func`s
(no class of ours), so migrations that name them import nothing of the portal.
"""

import datetime

from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField
from django.contrib.postgres.fields.ranges import RangeBoundary
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


def today() -> datetime.date:
    """Today in the portal's time zone (Europe/Copenhagen); a field default."""
    return timezone.localdate()


def period_includes(
    starts_on: datetime.date | None, ends_on: datetime.date | None, on: datetime.date | None = None
) -> bool:
    """Whether the period runs on the day (default today). No start: it never runs."""
    on = on or today()
    return starts_on is not None and starts_on <= on and (ends_on is None or ends_on >= on)


def period_q(
    on: datetime.date | None = None,
    *,
    start: str = "starts_on",
    end: str = "ends_on",
    prefix: str = "",
) -> Q:
    """The rows whose period runs on the day (default today), as period_includes() decides it;
    `prefix` follows a relation ("organisation__")."""
    on = on or today()
    return Q(**{f"{prefix}{start}__isnull": False, f"{prefix}{start}__lte": on}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": on})
    )


def period_check(
    starts_on: datetime.date | None, ends_on: datetime.date | None, message, *, end: str = "ends_on"
) -> None:
    """For a model's clean(): a ValidationError on the end field when the period ends before it
    starts. `message` may use %(start)s, the start day."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({end: message % {"start": starts_on.isoformat()}})


def period_ordered_constraint(
    *, name: str, start: str = "starts_on", end: str = "ends_on"
) -> models.CheckConstraint:
    """The same rule in the database: the end is empty or not before the start."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


def period_range(start: str = "starts_on", end: str = "ends_on") -> models.Func:
    """daterange(start, end, '[]') for exclusion constraints: both days included, no end means
    open-ended."""
    return models.Func(
        models.F(start),
        models.F(end),
        RangeBoundary(inclusive_lower=True, inclusive_upper=True),
        function="DATERANGE",
        output_field=DateRangeField(),
    )


def id_range(field: str) -> models.Func:
    """int8range(id, id + 1): equality of an id as a range overlap, so an exclusion constraint
    needs only PostgreSQL's built-in GiST range support (no btree_gist, which the embedded
    server does not ship)."""
    return models.Func(
        models.F(field),
        models.F(field) + 1,
        function="INT8RANGE",
        output_field=BigIntegerRangeField(),
    )
