"""Admin phrases read correctly in Danish: the "Add another …" link under an inline keeps the
noun as written ("Tilføj endnu en session", not "… en Session") and uses "et" where Danish
does; every model is named in Danish."""

import html
import json
import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devtools.factories.events import EventFactory
from devtools.factories.projects import ProjectFactory

PORTAL_APPS = {
    "members", "events", "projects", "publications", "strategy", "newsletters", "outbox",
    "invoicing", "activity", "search",
}  # fmt: skip
# Words that are the same in both languages.
SAME_IN_DANISH = {"organisation", "session", "ambition", "trend", "trends"}


@pytest.fixture
def staff_client(django_user_model):
    user = django_user_model.objects.create_superuser(email="staff@example.dk", password="x")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    return client


def _add_texts(page: str) -> dict[str, str]:
    found = re.findall(r'data-inline-formset="([^"]+)"', page)
    return {
        json.loads(html.unescape(data))["options"]["prefix"]: json.loads(html.unescape(data))[
            "options"
        ]["addText"]
        for data in found
    }


@pytest.mark.django_db
def test_add_another_session_reads_as_danish(staff_client):
    event = EventFactory()
    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert _add_texts(page.content.decode())["sessions"] == "Tilføj endnu en session"


@pytest.mark.django_db
def test_neuter_nouns_take_et(staff_client):
    project = ProjectFactory()
    page = staff_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    texts = _add_texts(page.content.decode())
    assert "Tilføj endnu et billede" in texts.values()
    assert "Tilføj endnu en milepæl" in texts.values()


@pytest.mark.django_db
def test_in_english_the_sentence_is_english(staff_client):
    event = EventFactory()
    with translation.override("en"):
        url = reverse("admin:events_event_change", args=[event.pk])
    assert _add_texts(staff_client.get(url).content.decode())["sessions"] == ("Add another session")


def _admin_models():
    """The models the admin shows: registered ones and those of their inlines."""
    for model, model_admin in admin.site._registry.items():
        yield model
        for inline in model_admin.inlines:
            yield inline.model


def test_every_model_the_admin_shows_is_named_in_danish():
    untranslated = []
    for model in set(_admin_models()):
        meta = model._meta
        if meta.app_label not in PORTAL_APPS:
            continue
        for attribute in ("verbose_name", "verbose_name_plural"):
            with translation.override("en"):
                english = str(getattr(meta, attribute))
            with translation.override("da"):
                danish = str(getattr(meta, attribute))
            if english == danish and english not in SAME_IN_DANISH:
                untranslated.append(f"{meta.label}.{attribute}: {english}")
    assert untranslated == []
