import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
)
from members.groups import GROUP_PERMISSIONS, groups_sync
from members.models import Affiliation, Organisation, Seat

pytestmark = pytest.mark.django_db


def _staff_in(group_name: str) -> Client:
    groups_sync()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    return client


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_staff_groups_data_migration_creates_the_groups_with_members_permissions():
    """members/0003 run on its own historical registry (as `migrate` runs it on a fresh
    database) creates the three groups with members' permissions."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("members.migrations.0003_staff_groups")
    state = MigrationLoader(connection).project_state(("members", "0003_staff_groups"))
    Group.objects.filter(name__in=GROUP_PERMISSIONS).delete()
    migration.create_groups(state.apps, None)
    assert set(GROUP_PERMISSIONS) <= set(Group.objects.values_list("name", flat=True))
    editors = _codenames("Editors")
    assert "members.view_organisation" in editors
    assert "members.change_organisation" not in editors
    assert {
        "members.add_organisation",
        "members.change_seat",
        "members.delete_affiliation",
    } <= _codenames("Secretariat")


def test_groups_sync_gives_each_group_its_permissions_by_app():
    groups_sync()
    event_managers = _codenames("Event managers")
    assert "members.view_organisation" in event_managers
    assert "members.change_organisation" not in event_managers
    editors = _codenames("Editors")
    assert "members.view_organisation" in editors and "members.change_organisation" not in editors
    assert {
        "members.add_organisation",
        "members.change_seat",
        "members.delete_affiliation",
    } <= _codenames("Secretariat")


def test_groups_sync_adds_a_missing_permission_and_is_idempotent():
    groups_sync()
    group = Group.objects.get(name="Editors")
    before = group.permissions.count()
    group.permissions.remove(Permission.objects.get(codename="change_project"))
    assert groups_sync()["Editors"] == 1
    assert "projects.change_project" in _codenames("Editors")
    assert groups_sync() == dict.fromkeys(GROUP_PERMISSIONS, 0)
    assert Group.objects.filter(name="Editors").count() == 1
    assert group.permissions.count() == before


def test_a_permission_added_by_hand_survives_migrate_and_the_command(capsys):
    """The secretariat gave Editors a right the table does not list; neither `migrate` (which
    used to reset every group in a post_migrate hook) nor `staff_groups --sync` takes it away,
    and the command adds a listed one that was missing."""
    groups_sync()
    editors = Group.objects.get(name="Editors")
    by_hand = Permission.objects.get(content_type__app_label="members", codename="add_seat")
    editors.permissions.add(by_hand)
    editors.permissions.remove(Permission.objects.get(codename="change_publication"))

    call_command("migrate", verbosity=0)
    assert "members.add_seat" in _codenames("Editors")
    assert "publications.change_publication" not in _codenames("Editors")

    call_command("staff_groups")
    out = capsys.readouterr().out
    assert "publications.change_publication" in out
    assert "publications.change_publication" not in _codenames("Editors")

    call_command("staff_groups", "--sync")
    assert "Editors: 1 permissions added" in capsys.readouterr().out
    assert "members.add_seat" in _codenames("Editors")
    assert "publications.change_publication" in _codenames("Editors")


def test_event_managers_by_app_label_get_every_events_permission():
    groups_sync()
    events = Permission.objects.filter(content_type__app_label="events")
    group = Group.objects.get(name="Event managers")
    assert set(events) <= set(group.permissions.all())


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_organisation_changelist",
        "admin:members_organisation_add",
        "admin:members_affiliation_changelist",
        "admin:members_seat_changelist",
        "admin:members_user_changelist",
        "admin:members_organisation_import",
        "admin:members_organisation_export",
        "admin:members_user_import",
    ],
)
def test_admin_pages_load_for_the_secretariat(url_name):
    OrganisationFactory()
    AffiliationFactory()
    SeatFactory()
    client = _staff_in("Secretariat")
    assert client.get(reverse(url_name)).status_code == 200


def test_admin_search_filters_and_history(staff_client):
    organisation = OrganisationFactory(name="Boligselskabet Søgbar", cvr="10150817")
    affiliation = AffiliationFactory(organisation=organisation)
    seat = SeatFactory(organisation=organisation)
    changelist = reverse("admin:members_organisation_changelist")
    response = staff_client.get(changelist, {"q": "10150817"})
    assert "Boligselskabet Søgbar" in response.content.decode()
    response = staff_client.get(changelist, {"membership": "active", "region": "hovedstaden"})
    assert response.status_code == 200
    for model, obj in ((Organisation, organisation), (Affiliation, affiliation), (Seat, seat)):
        name = model._meta.model_name
        assert (
            staff_client.get(reverse(f"admin:members_{name}_change", args=[obj.pk])).status_code
            == 200
        )
        assert (
            staff_client.get(reverse(f"admin:members_{name}_history", args=[obj.pk])).status_code
            == 200
        )
    response = staff_client.get(
        reverse("admin:members_affiliation_changelist"), {"confirmed": "no", "period": "current"}
    )
    assert response.status_code == 200


def test_admin_autocomplete_for_organisations(staff_client):
    OrganisationFactory(name="Boligforeningen Autocomplete")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Autocomp",
            "app_label": "members",
            "model_name": "affiliation",
            "field_name": "organisation",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Boligforeningen Autocomplete"


def test_admin_change_records_the_staff_user_in_history(staff_client):
    organisation = OrganisationFactory(name="Før", slug="foer")
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = {
        "name": "Efter",
        "slug": "foer",
        "kind": "housing",
        "homes": "10",
        "member_since": "2010-01-01",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Organisation.history.filter(id=organisation.pk).latest("history_date")
    assert latest.name == "Efter"
    assert latest.history_user == staff_client.user


def test_admin_seat_form_refuses_a_second_chair(staff_client):
    SeatFactory(role="chair")
    other = UserFactory()
    response = staff_client.post(
        reverse("admin:members_seat_add"),
        {"user": other.pk, "body": "board", "role": "chair", "starts_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"]
    assert Seat.objects.count() == 1


def test_editors_may_view_but_not_change_organisations():
    organisation = OrganisationFactory()
    client = _staff_in("Editors")
    assert client.get(reverse("admin:members_organisation_changelist")).status_code == 200
    response = client.post(
        reverse("admin:members_organisation_change", args=[organisation.pk]), {"name": "X"}
    )
    assert response.status_code == 403


def test_staff_without_a_group_cannot_open_members_admin():
    user = UserFactory(is_staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:members_organisation_changelist")).status_code == 403


def test_seats_and_affiliations_are_not_added_around_the_services_by_inlines(staff_client):
    """The organisation's and the person's pages list seats and affiliations; a POST that
    smuggles inline rows past seat_save's lock and rules adds nothing."""
    organisation = OrganisationFactory(slug="to-formaend")
    first, second = UserFactory(), UserFactory()
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    page = staff_client.get(url).content.decode()
    assert reverse("admin:members_seat_add") + f"?organisation={organisation.pk}" in page
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": "housing",
        "homes": "10",
        "member_since": "2010-01-01",
        "affiliations-TOTAL_FORMS": "1",
        "affiliations-INITIAL_FORMS": "0",
        "affiliations-0-user": first.pk,
        "affiliations-0-role": "representative",
        "affiliations-0-starts_on": "1990-01-01",
        "seats-TOTAL_FORMS": "2",
        "seats-INITIAL_FORMS": "0",
    }
    for index, user in enumerate((first, second)):
        data |= {
            f"seats-{index}-user": user.pk,
            f"seats-{index}-body": "board",
            f"seats-{index}-role": "chair",
            f"seats-{index}-starts_on": "2025-01-01",
        }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert not Seat.objects.exists()
    assert not Affiliation.objects.filter(organisation=organisation).exists()


def test_seat_admin_action_ends_seats_through_the_service(staff_client):
    seat = SeatFactory(body="board", role="member", starts_on=datetime.date(2024, 1, 1))
    response = staff_client.post(
        reverse("admin:members_seat_changelist"),
        {"action": "end_seats", "_selected_action": [seat.pk]},
        follow=True,
    )
    assert response.status_code == 200
    seat.refresh_from_db()
    assert seat.ends_on == timezone.localdate()
    assert seat.history.first().history_change_reason == "updated"


def test_affiliation_admin_action_ends_affiliations_through_the_service(staff_client):
    affiliation = AffiliationFactory(starts_on=datetime.date(2024, 1, 1))
    response = staff_client.post(
        reverse("admin:members_affiliation_changelist"),
        {"action": "end_affiliations", "_selected_action": [affiliation.pk]},
        follow=True,
    )
    assert response.status_code == 200
    affiliation.refresh_from_db()
    assert affiliation.ends_on == timezone.localdate()
    assert affiliation.history.first().history_change_reason == "ended"


def test_membership_change_in_the_admin_goes_through_the_membership_service(staff_client):
    organisation = OrganisationFactory(slug="medlem-til", member_since=datetime.date(2010, 1, 1))
    url = reverse("admin:members_organisation_change", args=[organisation.pk])
    data = {
        "name": "Nyt navn",
        "slug": organisation.slug,
        "kind": organisation.kind,
        "homes": str(organisation.homes),
        "member_since": "2010-01-01",
        "member_until": "2026-12-31",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.name == "Nyt navn"
    assert organisation.member_until == datetime.date(2026, 12, 31)
    reasons = [h.history_change_reason for h in organisation.history.all()[:2]]
    assert reasons == ["membership changed", "updated"]


def test_editors_cannot_import_organisations_or_people():
    client = _staff_in("Editors")
    assert client.get(reverse("admin:members_organisation_import")).status_code == 403
    assert client.get(reverse("admin:members_user_import")).status_code == 403
    # Viewing is allowed, so is exporting what they can see.
    assert client.get(reverse("admin:members_organisation_export")).status_code == 200


def test_secretariat_cannot_make_anyone_superuser():
    client = _staff_in("Secretariat")
    target = UserFactory(email="target@example.dk")
    url = reverse("admin:members_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    data = {
        "email": target.email,
        "first_name": "T",
        "last_name": "",
        "phone": "",
        "job_title": "",
        "language": "da",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "10:00:00",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
    }
    client.post(url, data)
    target.refresh_from_db()
    assert not target.is_superuser


def _organisation_form(**extra):
    return {
        "name": "Boligselskabet Logo",
        "slug": "logo",
        "kind": "housing",
        "homes": "10",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
        **extra,
    }


def test_logo_upload_is_checked_by_content(staff_client, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    url = reverse("admin:members_organisation_add")
    fake = SimpleUploadedFile("logo.png", b"<svg><script>alert(1)</script></svg>", "image/png")
    response = staff_client.post(url, _organisation_form(logo=fake))
    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
    assert not Organisation.objects.exists()

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(buffer, format="PNG")
    real = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    response = staff_client.post(url, _organisation_form(logo=real))
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="logo")
    assert organisation.logo.name.startswith("organisations/logos/")


def test_admin_form_refuses_bad_cvr_and_names_the_field(staff_client):
    response = staff_client.post(
        reverse("admin:members_organisation_add"), _organisation_form(cvr="12345678")
    )
    assert response.status_code == 200
    assert "kontrolcifferet" in str(response.context["adminform"].form.errors["cvr"])


def test_import_and_export_pages_speak_danish_to_the_secretariat():
    """django-import-export ships no Danish: the secretariat's import, its preview and the export
    page were English until the portal supplied the catalogue."""
    client = _staff_in("Secretariat")
    export = client.get(reverse("admin:members_organisation_export"), HTTP_ACCEPT_LANGUAGE="da")
    text = export.content.decode()
    assert "Eksporten indeholder disse felter" in text and "Vælg alle" in text
    assert "This exporter will export" not in text

    importer = client.get(reverse("admin:members_organisation_import"))
    assert "Fil, der skal importeres" in importer.content.decode()
    upload = SimpleUploadedFile(
        "organisationer.csv",
        b"name,kind,homes,member_since\nBoligselskabet Nordhavn,housing,4200,2010-01-01\n",
        content_type="text/csv",
    )
    preview = client.post(
        reverse("admin:members_organisation_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    text = preview.content.decode()
    assert "Bekræft import" in text and "Confirm import" not in text
    assert "Ny" in text


def test_history_pages_speak_danish(staff_client):
    """django-simple-history ships no Danish: an organisation's history (who changed what,
    revert) was English until the portal supplied the catalogue."""
    organisation = OrganisationFactory()
    url = reverse("admin:members_organisation_history", args=[organisation.pk])
    text = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Vælg et tidspunkt i listen herunder" in text and "Ændret af" in text
    assert "Choose a date from the list below" not in text
    # The admin's own breadcrumbs keep Django's Danish.
    changelist = staff_client.get(reverse("admin:members_organisation_changelist"))
    assert "Hjem" in changelist.content.decode()
