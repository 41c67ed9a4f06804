"""Writing the search index: each registered object's SearchDocument, its vectors and the
words for "did you mean", kept current by signal handlers."""

import html
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .danish import compound_parts, fold, words
from .registry import (
    Registration,
    dependents_of,
    extras_for,
    is_registered,
    registration_for,
    registrations,
)

BODY_MAX_CHARS = 200_000
SUMMARY_MAX_CHARS = 4_000
# Compounds are split in the summary and this much of the body (a long PDF's rare compounds
# are still found by their first part, through the prefix query).
PARTS_BODY_CHARS = 50_000
# The characters that mark a hit in a highlighted snippet; never allowed in indexed text.
MARKERS = ("\u27e6", "\u27e7")
TERM_MIN_CHARS = 4
TERM_MAX_CHARS = 60
DOCUMENT_FIELDS = [
    "kind",
    "subkind",
    "title",
    "summary",
    "body",
    "title_parts",
    "text_parts",
    "url",
    "url_name",
    "url_kwargs",
    "year",
    "date",
    "organisation_ids",
    "focus_area_ids",
    "is_member_only",
    "is_published",
    "visible_from",
]

# Title A; the parts of the title's compounds and the summary B; the body C; the parts of the
# summary's and body's compounds D. search_fold() (migration 0001) spells æ/ø/å as ae/oe/aa and
# drops other accents, on both the documents and the queries. The rank vector holds the title
# and the summary only: small enough (a few hundred bytes, never compressed or toasted) to rank
# thousands of matches in a few milliseconds; a hit in the body alone ranks below every hit in
# a title or summary, newest first.
_HEAD_SQL = """
    setweight(to_tsvector('danish', search_fold(title)), 'A')
    || setweight(to_tsvector('danish', search_fold(title_parts || ' ' || summary)), 'B')
"""
UPDATE_VECTORS_SQL = (
    "UPDATE search_searchdocument SET vector = "  # noqa: S608 - constants; ids are parameters
    + _HEAD_SQL
    + """
    || setweight(to_tsvector('danish', search_fold(body)), 'C')
    || setweight(to_tsvector('danish', search_fold(text_parts)), 'D'),
    rank_vector = """
    + _HEAD_SQL
    + " WHERE content_type_id = %s AND object_id = ANY(%s)"
)


def _clean(text: Any, limit: int) -> str:
    text = html.unescape(strip_tags(str(text or "")))
    for marker in MARKERS:
        text = text.replace(marker, "")
    text = text.replace("\x00", " ")
    return text[:limit]


def build_document(registration: Registration, obj) -> dict | None:
    # Addresses are stored in the default language and translated when shown, whatever
    # language the request that saved the object was in.
    with translation.override(settings.LANGUAGE_CODE):
        data = registration.to_document(obj)
        if data is not None:
            for extra in extras_for(obj):
                data = {**data, **extra.to_fields(obj)}
    if data is None:
        return None
    title = Truncator(_clean(data.get("title"), 1000)).chars(300)
    summary = _clean(data.get("summary"), SUMMARY_MAX_CHARS)
    body = _clean(data.get("body"), BODY_MAX_CHARS)
    return {
        "kind": registration.kind,
        "subkind": str(data.get("subkind") or "")[:40],
        "title": title,
        "summary": summary,
        "body": body,
        "title_parts": compound_parts(title),
        "text_parts": compound_parts(summary + " " + body[:PARTS_BODY_CHARS]),
        "url": str(data.get("url") or "")[:300],
        "url_name": str(data.get("url_name") or "")[:100],
        "url_kwargs": dict(data.get("url_kwargs") or {}),
        "year": data.get("year"),
        "date": data.get("date"),
        "organisation_ids": sorted({int(i) for i in data.get("organisation_ids") or []}),
        "focus_area_ids": sorted({int(i) for i in data.get("focus_area_ids") or []}),
        "is_member_only": bool(data.get("is_member_only", False)),
        "is_published": bool(data.get("is_published", True)),
        "visible_from": data.get("visible_from"),
    }


def _terms(documents: Iterable[dict]) -> list[str]:
    found: set[str] = set()
    for document in documents:
        for word in words(document["title"] + " " + document["summary"]):
            if TERM_MIN_CHARS <= len(word) <= TERM_MAX_CHARS and not word.isdigit():
                found.add(word)
    return sorted(found)


def _add_terms(terms: list[str]) -> None:
    """New words for "did you mean". Words are never removed: one that no visible document
    holds any more is never offered, because a correction is only shown when it finds hits."""
    from .models import SearchTerm

    if terms:
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=term, folded=fold(term)) for term in terms],
            ignore_conflicts=True,
            batch_size=1000,
        )


def _upsert(content_type: ContentType, rows: list[tuple[int, dict]]) -> None:
    from .models import SearchDocument

    if not rows:
        return
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(content_type=content_type, object_id=object_id, **fields)
            for object_id, fields in rows
        ],
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=[*DOCUMENT_FIELDS, "updated_at"],
        batch_size=500,
    )
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_VECTORS_SQL, [content_type.pk, [object_id for object_id, _ in rows]])
    _add_terms(_terms(fields for _, fields in rows))


def index_object(obj) -> None:
    """Write (or remove) the object's search document now."""
    registration = registration_for(obj)
    if registration is None:
        return
    document = build_document(registration, obj)
    if document is None:
        remove_object(obj)
        return
    _upsert(ContentType.objects.get_for_model(registration.model), [(obj.pk, document)])


def remove_object(obj, pk=None) -> None:
    from .models import SearchDocument

    registration = registration_for(obj)
    if registration is None:
        return
    SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(registration.model),
        object_id=pk if pk is not None else obj.pk,
    ).delete()


def reindex_all(*, kinds: Iterable[str] | None = None, chunk_size: int = 500) -> dict[str, int]:
    """Rebuild the documents of every registered model (or of `kinds`) and drop documents whose
    object is gone. Returns the number of documents per kind."""
    from .models import SearchDocument

    counts: dict[str, int] = {}
    for kind, registration in registrations().items():
        if kinds and kind not in kinds:
            continue
        content_type = ContentType.objects.get_for_model(registration.model)
        seen: list[int] = []
        batch: list[tuple[int, dict]] = []
        for obj in registration.all_objects().iterator(chunk_size=chunk_size):
            document = build_document(registration, obj)
            if document is None:
                continue
            batch.append((obj.pk, document))
            seen.append(obj.pk)
            if len(batch) >= chunk_size:
                _upsert(content_type, batch)
                batch = []
        _upsert(content_type, batch)
        SearchDocument.objects.filter(content_type=content_type).exclude(
            object_id__in=seen
        ).delete()
        counts[kind] = len(seen)
    return counts


# --- signal handlers ---


def on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(instance)


def on_delete(sender, instance, **kwargs):
    remove_object(instance)


def on_dependent_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for parents in dependents_of(sender):
        for parent in parents(instance):
            if parent is not None and parent.pk is not None:
                index_object(parent)


def _accessor_for(instance, through) -> str | None:
    """The attribute on `instance` that goes through the m2m table `through`."""
    for field in instance._meta.get_fields():
        if not field.many_to_many:
            continue
        if field.auto_created and not field.concrete and hasattr(field, "get_accessor_name"):
            if field.through is through:  # the reverse side (a ManyToManyRel)
                return field.get_accessor_name()
        elif field.remote_field.through is through:  # the ManyToManyField itself
            return field.name
    return None


def on_m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    """A link added or removed changes the documents on both ends (a publication's focus
    areas, a project's events): re-index whichever ends are registered."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    instance_registered = registration_for(instance) is not None
    other_registered = is_registered(model)
    if not (instance_registered or other_registered):
        return
    if action == "pre_clear":
        if other_registered:
            accessor = _accessor_for(instance, sender)
            if accessor:
                instance._search_cleared_pks = list(
                    getattr(instance, accessor).values_list("pk", flat=True)
                )
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_search_cleared_pks", []))
    if instance_registered:
        index_object(instance)
    if other_registered and pk_set:
        for other in model._default_manager.filter(pk__in=pk_set):
            index_object(other)
