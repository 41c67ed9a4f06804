"""The search index: a registry of searchable models and the signal handlers that keep each
object's SearchDocument current."""

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models.functions import Left
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator

BODY_MAX_CHARS = 200_000
SUMMARY_MAX_CHARS = 4_000
# The characters that mark a hit in a highlighted snippet; never allowed in indexed text.
MARKERS = ("\u27e6", "\u27e7")
DOCUMENT_FIELDS = [
    "kind",
    "subkind",
    "title",
    "summary",
    "body",
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


RANK_BODY_CHARS = 2_000


def search_vector(body=None):
    return (
        SearchVector("title", weight="A", config="danish")
        + SearchVector("summary", weight="B", config="danish")
        + SearchVector(body or "body", weight="C", config="danish")
    )


def rank_vector():
    return search_vector(Left("body", RANK_BODY_CHARS))


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    to_document: Callable[[Any], dict | None]
    queryset: Callable[[], models.QuerySet] | None = None

    @property
    def kind(self) -> str:
        return self.model._meta.model_name

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def label_plural(self):
        return self.model._meta.verbose_name_plural

    def subkind_label(self, code: str) -> str:
        try:
            field = self.model._meta.get_field("kind")
        except Exception:  # noqa: BLE001 - a model without a kind field has no subkinds
            return ""
        return str(dict(field.flatchoices).get(code, "")) if code else ""

    def all_objects(self) -> models.QuerySet:
        return self.queryset() if self.queryset else self.model._default_manager.all()


_registrations: dict[str, Registration] = {}
# model label -> functions giving the registered objects whose document a change touches
_dependents: dict[str, list[Callable[[Any], Iterable[models.Model]]]] = {}


def register(
    model: type[models.Model],
    to_document: Callable[[Any], dict | None],
    *,
    queryset: Callable[[], models.QuerySet] | None = None,
) -> None:
    """Make `model` searchable. `to_document(obj)` returns the document dict (see the package
    docstring) or None to keep the object out of the index. `queryset`, used when the whole
    index is rebuilt, may prefetch what `to_document` reads."""
    registration = Registration(model=model, to_document=to_document, queryset=queryset)
    _registrations[model._meta.label_lower] = registration
    uid = f"publications.search:{model._meta.label_lower}"
    post_save.connect(_on_save, sender=model, dispatch_uid=uid + ":save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid + ":delete")


def register_dependent(
    model: type[models.Model], parents: Callable[[Any], Iterable[models.Model]]
) -> None:
    """A model whose rows feed other objects' documents (a publication's files, an event's
    sessions): saving or deleting one re-indexes what `parents(row)` returns."""
    _dependents.setdefault(model._meta.label_lower, []).append(parents)
    # One handler per model, which walks every `parents` registered for it.
    uid = f"publications.search.dependent:{model._meta.label_lower}"
    post_save.connect(_on_dependent_change, sender=model, dispatch_uid=uid + ":save")
    post_delete.connect(_on_dependent_change, sender=model, dispatch_uid=uid + ":delete")


def registrations() -> dict[str, Registration]:
    return {reg.kind: reg for reg in _registrations.values()}


def registration_for(model_or_obj) -> Registration | None:
    return _registrations.get(model_or_obj._meta.label_lower)


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
    if data is None:
        return None
    return {
        "kind": registration.kind,
        "subkind": str(data.get("subkind") or "")[:40],
        "title": Truncator(_clean(data.get("title"), 1000)).chars(300),
        "summary": _clean(data.get("summary"), SUMMARY_MAX_CHARS),
        "body": _clean(data.get("body"), BODY_MAX_CHARS),
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


def _upsert(content_type: ContentType, rows: list[tuple[int, dict]]) -> None:
    from publications.models import SearchDocument

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
    SearchDocument.objects.filter(
        content_type=content_type, object_id__in=[object_id for object_id, _ in rows]
    ).update(vector=search_vector(), rank_vector=rank_vector())


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
    from publications.models import SearchDocument

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
    from publications.models import SearchDocument

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


def _on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(instance)


def _on_delete(sender, instance, **kwargs):
    remove_object(instance)


def _on_dependent_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for parents in _dependents.get(sender._meta.label_lower, []):
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


def _on_m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    """A link added or removed changes the documents on both ends (a publication's focus
    areas, a project's events): re-index whichever ends are registered."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    instance_registered = registration_for(instance) is not None
    other_registered = model._meta.label_lower in _registrations
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


m2m_changed.connect(_on_m2m_changed, dispatch_uid="publications.search:m2m")
