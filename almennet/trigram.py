"""Trigram indexes for the admin's searches on PostgreSQL (pg_trgm).

Django's admin searches a field with `icontains`, which PostgreSQL runs as
`UPPER(col::text) LIKE UPPER('%word%')`. A plain index never serves a LIKE with a leading %;
a GIN index with `gin_trgm_ops` on the same expression does, so the index is built on
`UPPER(col)` (the `::text` cast of a text column is a no-op the planner sees through).
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models.functions import Upper


def upper_trigram_index(field: str, *, name: str) -> GinIndex:
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)
