import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    SeatFactory,
    UserFactory,
    member_user,
    staff_with_totp,
)
from members.models import Affiliation, Organisation, User
from members.registry import (
    EngagementMetric,
    Panel,
    PersonalData,
    register_engagement_metric,
    register_my_page_panel,
    register_organisation_panel,
    register_personal_data,
)
from tests.logins import login_a_while_ago

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(name="Boligselskabet Nordhavn", slug="nordhavn", homes=4321)
    AffiliationFactory(
        organisation=organisation,
        user__first_name="Karen",
        user__last_name="Kontakt",
        user__email="karen@nordhavn.example",
        user__phone="+45 70 11 22 33",
        role=Affiliation.Role.CONTACT,
    )
    return organisation


# --- directory ---------------------------------------------------------------------------


def test_directory_lists_members_with_totals(client, organisation, yesterday):
    OrganisationFactory(name="Former Member", member_until=yesterday)
    OrganisationFactory(name="Fonden X", kind="financial", member_since=None)
    response = client.get(reverse("members:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Boligselskabet Nordhavn" in content
    assert "Former Member" not in content
    assert [o.name for o in response.context["organisations"]] == ["Boligselskabet Nordhavn"]
    # Partners are listed apart, not counted as members.
    assert [o.name for o in response.context["partners"]] == ["Fonden X"]
    assert response.context["totals"] == {"count": 1, "homes": 4321}


def test_directory_search_and_filters(client):
    OrganisationFactory(name="Alfa Bolig", region="hovedstaden", homes=1000, municipality="Køge")
    OrganisationFactory(name="Beta Bolig", region="nordjylland", homes=30000)
    OrganisationFactory(name="Gamma Bolig", region="nordjylland", homes=5000)

    def names(**params):
        response = client.get(reverse("members:list"), params)
        assert response.status_code == 200
        return [o.name for o in response.context["organisations"]]

    assert names(q="alfa") == ["Alfa Bolig"]
    assert names(q="køge") == ["Alfa Bolig"]
    assert names(region="nordjylland") == ["Beta Bolig", "Gamma Bolig"]
    assert names(size="largest") == ["Beta Bolig"]
    assert names(size="small") == ["Alfa Bolig"]
    assert names(region="nordjylland", size="medium") == ["Gamma Bolig"]


def test_directory_with_an_unknown_filter_value_shows_an_error_not_a_crash(client):
    OrganisationFactory()
    response = client.get(reverse("members:list"), {"region": "atlantis"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_directory_of_54_organisations_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    def render_with(count):
        OrganisationFactory.create_batch(count)
        # With the footer's member figures and site settings.
        with django_assert_max_num_queries(5) as captured:
            response = client.get(reverse("members:list"))
        assert response.status_code == 200
        return len(captured)

    few = render_with(3)
    Organisation.objects.all().delete()
    many = render_with(54)
    assert many == few


def test_directory_query_count_is_also_constant_for_a_logged_in_member(
    client, django_assert_max_num_queries
):
    client.force_login(member_user())
    OrganisationFactory.create_batch(54)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("members:list"), {"region": "hovedstaden"})
    assert len(response.context["organisations"]) == 55


# --- organisation page: who sees contact details ---------------------------------------


def _detail(client, organisation):
    response = client.get(reverse("members:detail", kwargs={"slug": organisation.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_visitor_sees_the_people_but_not_their_contact_details(client, organisation):
    content = _detail(client, organisation)
    assert "Karen Kontakt" in content
    assert "karen@nordhavn.example" not in content
    assert "+45 70 11 22 33" not in content


def test_logged_in_non_member_does_not_see_contact_details(client, organisation):
    client.force_login(UserFactory())
    content = _detail(client, organisation)
    assert "karen@nordhavn.example" not in content


def test_member_sees_contact_details(client, organisation):
    client.force_login(member_user())
    content = _detail(client, organisation)
    assert "karen@nordhavn.example" in content
    assert "+45 70 11 22 33" in content


def test_staff_sees_contact_details(client, organisation):
    client.force_login(staff_with_totp())
    assert "karen@nordhavn.example" in _detail(client, organisation)


def test_unconfirmed_and_former_people_are_not_listed(client, organisation, yesterday):
    AffiliationFactory(organisation=organisation, user__first_name="Ulla", confirmed_at=None)
    AffiliationFactory(organisation=organisation, user__first_name="Erik", ends_on=yesterday)
    content = _detail(client, organisation)
    assert "Ulla" not in content
    assert "Erik" not in content


def test_partner_page_is_public_too(client):
    partner = OrganisationFactory(name="Institut X", kind="knowledge", member_since=None)
    assert "Institut X" in _detail(client, partner)


def test_unknown_organisation_is_404(client):
    assert client.get("/members/no-such-organisation/").status_code == 404


def test_registered_organisation_panels_are_rendered(client, organisation, clean_registry):
    seen = {}

    def context(*, organisation, user):
        seen["args"] = (organisation, user)
        return {"items": ["Projekt Grønne Gårde"]}

    register_organisation_panel(
        Panel(
            key="projects.organisation",
            title="Its projects",
            template="members/tests/panel.html",
            context=context,
        )
    )
    register_organisation_panel(
        Panel(key="hidden", title="Hidden", template="x.html", context=lambda **kw: None)
    )
    content = _detail(client, organisation)
    assert "Its projects" in content
    assert "Projekt Grønne Gårde" in content
    assert "Hidden" not in content
    assert seen["args"][0] == organisation


# --- board page --------------------------------------------------------------------------


def test_board_page_shows_current_seats(client, yesterday):
    SeatFactory(role="chair", user__first_name="Birthe", user__last_name="Formand")
    SeatFactory(role="member", user__first_name="Gammel", ends_on=yesterday)
    content = client.get(reverse("members:board")).content.decode()
    assert "Birthe Formand" in content
    assert "Gammel" not in content


# --- my page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["members:me", "members:data_export", "members:account_delete", "members:engagement"],
)
def test_pages_that_need_login_send_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_my_page_shows_profile_affiliations_and_panels(client, clean_registry):
    register_my_page_panel(
        Panel(
            key="events.mine",
            title="My registrations",
            template="members/tests/panel.html",
            context=lambda *, user: {"items": [f"Årsmøde for {user.first_name}"]},
        )
    )
    affiliation = AffiliationFactory(user__first_name="Mona")
    client.force_login(affiliation.user)
    response = client.get(reverse("members:me"))
    content = response.content.decode()
    assert response.status_code == 200
    assert affiliation.organisation.name in content
    assert "My registrations" in content
    assert "Årsmøde for Mona" in content


def test_profile_edit(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("members:me"),
        {
            "first_name": "Ny",
            "last_name": "Navn",
            "phone": "+45 12",
            "job_title": "Chef",
            "language": "en",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.job_title, user.language) == ("Ny", "Chef", "en")


def test_profile_edit_with_bad_input_shows_the_error(client):
    user = UserFactory(first_name="Gammel")
    client.force_login(user)
    response = client.post(reverse("members:me"), {"first_name": "x" * 200, "language": "xx"})
    assert response.status_code == 400
    assert response.context["profile_form"].errors.keys() >= {"first_name", "language"}
    user.refresh_from_db()
    assert user.first_name == "Gammel"


def test_affiliation_request_then_confirmation_makes_a_member(client, staff_client):
    organisation = OrganisationFactory(name="Boligforeningen Egelund")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("members:affiliation_request"),
        {
            "organisation": organisation.pk,
            "role": "employee",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(user=user)
    assert affiliation.confirmed_at is None
    from members.selectors import user_is_member

    assert not user_is_member(user=user)
    response = staff_client.post(
        reverse("admin:members_affiliation_changelist"),
        {"action": "confirm_affiliations", "_selected_action": [affiliation.pk]},
    )
    assert response.status_code == 302
    assert user_is_member(user=user)


def test_affiliation_request_with_bad_input(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("members:affiliation_request"),
        {"organisation": "999999", "role": "king", "starts_on": "not a date"},
    )
    assert response.status_code == 400
    assert set(response.context["affiliation_form"].errors) == {"organisation", "role", "starts_on"}
    assert not Affiliation.objects.exists()


def test_withdrawing_a_request(client):
    affiliation = AffiliationFactory(confirmed_at=None)
    client.force_login(affiliation.user)
    response = client.post(reverse("members:affiliation_withdraw", args=[affiliation.pk]))
    assert response.status_code == 302
    assert not Affiliation.objects.exists()


def test_cannot_withdraw_someone_elses_request(client):
    affiliation = AffiliationFactory(confirmed_at=None)
    client.force_login(UserFactory())
    response = client.post(reverse("members:affiliation_withdraw", args=[affiliation.pk]))
    assert response.status_code == 404
    assert Affiliation.objects.exists()


def test_data_export_is_json_with_every_source(client, clean_registry):
    register_personal_data(
        PersonalData(key="events", export=lambda user: [{"registration": "Årsmøde"}])
    )
    affiliation = AffiliationFactory(user__email="mig@example.dk")
    client.force_login(affiliation.user)
    response = client.get(reverse("members:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["members"]["profile"]["email"] == "mig@example.dk"
    assert data["events"] == [{"registration": "Årsmøde"}]


def _reauthenticated(client, user):
    """Deleting the account asks for the password again (issue 12, finding 7)."""
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": "correct horse battery staple"})


def test_account_delete_needs_the_confirmation(client):
    user = UserFactory()
    _reauthenticated(client, user)
    page = client.get(reverse("members:account_delete"))
    assert "anonymiseret statistik om arrangementer" in page.content.decode()
    response = client.post(reverse("members:account_delete"), {})
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_account_delete_removes_the_user_and_logs_out(client, clean_registry):
    erased = []
    register_personal_data(
        PersonalData(key="events", export=lambda u: None, erase=lambda u: erased.append(u.email))
    )
    user = AffiliationFactory(user__email="bye@example.dk").user
    _reauthenticated(client, user)
    response = client.post(reverse("members:account_delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert erased == ["bye@example.dk"]
    assert not User.objects.filter(email="bye@example.dk").exists()
    assert client.get(reverse("members:me")).status_code == 302


def test_account_delete_asks_for_the_password_first(client):
    """Without a recent login or re-authentication the page and the POST go to allauth's password
    step; a wrong password deletes nothing, the right one resumes the deletion."""
    user = UserFactory(email="stay@example.dk")
    login_a_while_ago(client, user)
    response = client.get(reverse("members:account_delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("members:account_delete"), {"confirm": "on"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=user.pk).exists()
    client.post(reverse("account_reauthenticate"), {"password": "wrong password"})
    assert User.objects.filter(pk=user.pk).exists()
    assert client.get(reverse("members:account_delete")).status_code == 302


def test_account_delete_without_a_password_is_refused_not_a_server_error(client):
    """An imported person has no password until they reset it: nothing to re-authenticate
    with, so the page is refused (403) rather than failing."""
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    login_a_while_ago(client, user)  # (a mail link, say: not a fresh password login)
    assert client.get(reverse("members:account_delete")).status_code == 403
    assert client.post(reverse("members:account_delete"), {"confirm": "on"}).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_account_delete_by_get_deletes_nothing(client):
    user = UserFactory()
    _reauthenticated(client, user)
    client.get(reverse("members:account_delete"), {"confirm": "on"})
    assert User.objects.filter(pk=user.pk).exists()


# --- engagement report -------------------------------------------------------------------


@pytest.fixture
def metric(clean_registry):
    def compute(ids, starts_on, ends_on):
        return dict.fromkeys(ids, 7)

    register_engagement_metric(
        EngagementMetric(key="events.signups", label="Sign-ups", compute=compute)
    )


@pytest.fixture
def representative():
    return member_user(role=Affiliation.Role.REPRESENTATIVE)


def test_engagement_report_is_forbidden_for_ordinary_members(client):
    client.force_login(member_user())
    assert client.get(reverse("members:engagement")).status_code == 403
    export = reverse("members:engagement_export", args=["csv"])
    assert client.get(export).status_code == 403


def test_engagement_report_for_representatives(client, representative, metric):
    OrganisationFactory(name="=HYPERLINK(evil)")
    client.force_login(representative)
    response = client.get(reverse("members:engagement"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sign-ups" in content
    assert "<svg" in content
    assert "style=" not in content.split("<svg", 1)[1].split("</svg>")[0]


def test_engagement_report_with_bad_dates_says_so(client, representative, metric):
    client.force_login(representative)
    response = client.get(
        reverse("members:engagement"), {"starts_on": "2025-01-01", "ends_on": "2024-01-01"}
    )
    assert response.status_code == 400
    assert "ends_on" in response.context["form"].errors
    response = client.get(reverse("members:engagement"), {"starts_on": "yesterday"})
    assert response.status_code == 400
    assert response.context["report"] is None
    export = client.get(
        reverse("members:engagement_export", args=["csv"]), {"starts_on": "garbage"}
    )
    assert export.status_code == 400


def test_engagement_csv_export(client, metric):
    OrganisationFactory(name="=HYPERLINK(evil)", homes=10)
    OrganisationFactory(name="Boligselskabet Ø", homes=20)
    client.force_login(staff_with_totp())
    response = client.get(
        reverse("members:engagement_export", args=["csv"]),
        {"starts_on": "2024-01-01", "ends_on": "2024-12-31"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "2024-01-01-2024-12-31.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith("Sign-ups")
    assert "'=HYPERLINK(evil);10;7" in lines
    assert "Boligselskabet Ø;20;7" in lines
    assert lines[-1].endswith(";30;14")


def test_engagement_excel_export(client, metric):
    OrganisationFactory(name="Boligselskabet Ø", homes=20)
    client.force_login(staff_with_totp())
    response = client.get(reverse("members:engagement_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Boligselskabet Ø", 20, 7)


def test_engagement_export_unknown_format_is_404(client):
    client.force_login(staff_with_totp())
    assert client.get("/members/engagement/export.pdf").status_code == 404


def test_directory_speaks_danish_by_default_and_english_under_en(client):
    OrganisationFactory(homes=1234)
    danish = client.get("/members/").content.decode()
    assert "1 medlemsorganisation med i alt 1.234 almene boliger." in danish
    english = client.get("/en/members/").content.decode()
    assert "1 member organisation representing 1,234 social homes." in english


def test_organisation_page_queries_do_not_grow_with_its_people(
    client, django_assert_max_num_queries
):
    client.force_login(member_user())
    organisation = OrganisationFactory(slug="many-people")
    url = reverse("members:detail", kwargs={"slug": organisation.slug})

    def count_with(people):
        AffiliationFactory.create_batch(people, organisation=organisation)
        SeatFactory(organisation=organisation)
        # 14 with the footer's member figures (members.context_processors) and site settings.
        with django_assert_max_num_queries(14) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert count_with(2) == count_with(30)


def test_engagement_report_queries_do_not_grow_with_organisations(
    client, metric, django_assert_max_num_queries
):
    client.force_login(staff_with_totp())

    def count_with(organisations):
        OrganisationFactory.create_batch(organisations)
        with django_assert_max_num_queries(8) as captured:
            assert client.get(reverse("members:engagement")).status_code == 200
        return len(captured)

    assert count_with(3) == count_with(54)
