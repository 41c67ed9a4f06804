"""Which models are searchable and how: each app registers from its own search_index.py."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

FACETS = ("org", "focus")


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    to_document: Callable[[Any], dict | None]
    queryset: Callable[[], models.QuerySet] | None = None
    # "org" or "focus": this model's documents name the options of that facet.
    facet: str | None = None

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
        objects = self.queryset() if self.queryset else self.model._default_manager.all()
        prefetch = [name for extra in extras_for(self.model) for name in extra.prefetch]
        return objects.prefetch_related(*prefetch) if prefetch else objects


@dataclass(frozen=True)
class Extra:
    """What a higher app adds to a lower app's documents (strategy's focus areas on an
    event): the lower app's search_index.py never names the higher app's relation."""

    to_fields: Callable[[Any], dict]
    prefetch: tuple[str, ...] = ()


_registrations: dict[str, Registration] = {}
_extras: dict[str, list[Extra]] = {}
# model label -> functions giving the registered objects whose document a change touches
_dependents: dict[str, list[Callable[[Any], Iterable[models.Model]]]] = {}


def register(
    model: type[models.Model],
    to_document: Callable[[Any], dict | None],
    *,
    queryset: Callable[[], models.QuerySet] | None = None,
    facet: str | None = None,
) -> None:
    """Make `model` searchable. `to_document(obj)` returns the document dict (see the package
    docstring) or None to keep the object out of the index. `queryset`, used when the whole
    index is rebuilt, may prefetch what `to_document` reads. `facet` ("org" or "focus") says
    that this model's titles name the options of that facet."""
    from . import index

    if facet is not None and facet not in FACETS:
        raise ValueError(f"Unknown facet {facet!r}; one of {FACETS}.")
    registration = Registration(
        model=model, to_document=to_document, queryset=queryset, facet=facet
    )
    _registrations[model._meta.label_lower] = registration
    uid = f"search:{model._meta.label_lower}"
    post_save.connect(index.on_save, sender=model, dispatch_uid=uid + ":save")
    post_delete.connect(index.on_delete, sender=model, dispatch_uid=uid + ":delete")


def register_dependent(
    model: type[models.Model], parents: Callable[[Any], Iterable[models.Model]]
) -> None:
    """A model whose rows feed other objects' documents (a publication's files, an event's
    sessions): saving or deleting one re-indexes what `parents(row)` returns."""
    from . import index

    _dependents.setdefault(model._meta.label_lower, []).append(parents)
    uid = f"search.dependent:{model._meta.label_lower}"
    post_save.connect(index.on_dependent_change, sender=model, dispatch_uid=uid + ":save")
    post_delete.connect(index.on_dependent_change, sender=model, dispatch_uid=uid + ":delete")


def register_extra(
    model: type[models.Model],
    to_fields: Callable[[Any], dict],
    *,
    prefetch: Iterable[str] = (),
) -> None:
    """Add fields to `model`'s documents from another app: `to_fields(obj)` returns part of the
    document dict (e.g. ``{"focus_area_ids": [...]}``); `prefetch` names what it reads, for the
    whole-index rebuild."""
    _extras.setdefault(model._meta.label_lower, []).append(
        Extra(to_fields=to_fields, prefetch=tuple(prefetch))
    )


def extras_for(model_or_obj) -> list[Extra]:
    return _extras.get(model_or_obj._meta.label_lower, [])


def registrations() -> dict[str, Registration]:
    return {reg.kind: reg for reg in _registrations.values()}


def registration_for(model_or_obj) -> Registration | None:
    return _registrations.get(model_or_obj._meta.label_lower)


def is_registered(model) -> bool:
    return model._meta.label_lower in _registrations


def dependents_of(model) -> list[Callable[[Any], Iterable[models.Model]]]:
    return _dependents.get(model._meta.label_lower, [])


def facet_kind(facet: str) -> str | None:
    """The kind whose documents name the options of `facet`."""
    for registration in _registrations.values():
        if registration.facet == facet:
            return registration.kind
    return None


_member_only_check: Callable[[Any], bool] | None = None


def register_member_only_check(check: Callable[[Any], bool]) -> None:
    """`check(user)` says whether the viewer sees member-only documents (the members app
    knows who is a member; this app does not)."""
    global _member_only_check
    _member_only_check = check


def viewer_sees_member_only(*, user) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_staff:
        return True
    return bool(_member_only_check and _member_only_check(user))
