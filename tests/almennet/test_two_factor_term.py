"""One Danish term for two-factor authentication throughout: "totrinsgodkendelse", in the
portal's own catalogues and in allauth's pages (locale_vendor/allauth)."""

import pathlib

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from devtools.factories.members import UserFactory

ROOT = pathlib.Path(__file__).resolve().parents[2]
OTHER_TERMS = ("to-faktor", "tofaktor", "totrinsbekræftelse", "autentificering")


def test_allauths_two_factor_strings_use_the_portals_term():
    with translation.override("da"):
        assert gettext("Two-Factor Authentication") == "Totrinsgodkendelse"
        assert "totrinsgodkendelse" in gettext("You cannot deactivate two-factor authentication.")
        assert gettext("Authenticator App") == "Godkendelsesapp"


def test_no_catalogue_of_the_portal_uses_another_term():
    catalogues = [
        p
        for p in ROOT.glob("**/locale*/**/da/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and "build" not in p.parts
    ]
    assert catalogues
    found = []
    for catalogue in catalogues:
        for line in catalogue.read_text(encoding="utf-8").splitlines():
            if line.startswith(("msgstr", '"')) and any(t in line.lower() for t in OTHER_TERMS):
                found.append(f"{catalogue.relative_to(ROOT)}: {line}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_two_factor_page_says_totrinsgodkendelse(client):
    from allauth.account.models import EmailAddress

    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Totrinsgodkendelse" in html
    assert "faktor" not in html.lower()
