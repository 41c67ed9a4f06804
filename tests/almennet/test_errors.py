import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_page_is_a_danish_404_in_the_portals_look(client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden findes ikke" in html
    assert '<nav class="navbar' in html


def test_access_denied_page_says_why(client):
    # The views give a reason ("only members can propose ..."); the 403 page used to drop it.
    from devtools.factories.members import UserFactory

    client.force_login(UserFactory())  # logged in, but not at a member organisation
    response = client.get("/strategy/focus-areas/propose/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Adgang nægtet" in html
    assert "Medlemmer, Advisory Board og bestyrelsen kan foreslå fokusområder." in html


def test_database_unavailable_is_a_503_with_retry_after(monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    response = Client(raise_request_exception=False).get("/events/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Portalen er kortvarigt utilgængelig" in html


def test_other_errors_get_the_portals_own_500_page(monkeypatch):
    import almennet.views

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(almennet.views.selectors, "front_page", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Noget gik galt" in html
    assert "a bug" not in html


def test_a_form_without_csrf_token_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/newsletter/", {"email": "a@example.dk"})
    assert response.status_code == 403
    assert "Formularen er udløbet" in response.content.decode()
