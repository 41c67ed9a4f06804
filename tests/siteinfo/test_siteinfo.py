"""Site settings in every page's footer, the footer's pages, and both edited in the admin."""

import pytest
from django.urls import reverse

from siteinfo import selectors, services
from siteinfo.models import InfoPage, SiteSettings

pytestmark = pytest.mark.django_db


def _settings(**fields) -> SiteSettings:
    row = selectors.site_settings()
    for name, value in fields.items():
        setattr(row, name, value)
    return services.site_settings_save(site_settings=row)


# --- The footer ---------------------------------------------------------------------------


def test_the_migration_seeds_demo_settings_that_say_they_are_demo(client):
    row = SiteSettings.objects.get()
    assert row.is_demo and row.cvr == "00000000" and row.email.endswith(".example")
    html = client.get("/").content.decode()
    assert "Eksempelvej 1" in html
    assert "Kontaktoplysningerne er eksempler til demoen" in html


@pytest.mark.parametrize("path", ["/", "/events/", "/projects/", "/findes-ikke/"])
def test_every_page_shows_the_edited_contact_details_in_the_footer(client, path):
    _settings(
        address="Studiestræde 99\n1455 København K",
        email="kontakt@forening.dk",
        phone="+45 33 00 00 00",
        cvr="12345678",
        is_demo=False,
    )
    html = client.get(path).content.decode()
    footer = html[html.index("<footer") :]
    assert "Studiestræde 99<br>1455 København K" in footer
    assert 'href="mailto:kontakt@forening.dk"' in footer
    assert 'href="tel:+4533000000"' in footer
    assert "CVR 12345678" in footer
    assert "eksempler til demoen" not in footer
    for slug in ("privacy", "cookies", "accessibility"):
        assert f'href="/about/{slug}/"' in footer


def test_footer_escapes_what_staff_typed(client):
    _settings(address="<script>alert(1)</script>", description="<b>fed</b>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;fed&lt;/b&gt;" in html


def test_a_missing_settings_row_gives_defaults_not_an_error(client):
    SiteSettings.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    assert "AlmenNet" in response.content.decode()


def test_the_settings_stay_one_row():
    other = SiteSettings(name="Anden forening")
    other.save()  # save() always writes row 1
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.objects.get().name == "Anden forening"


# --- The footer's pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "title", "text"),
    [
        ("privacy", "Privatlivspolitik", "Få dine data eller slet dem"),
        ("cookies", "Cookies", "kun de cookies, der er nødvendige"),
        ("accessibility", "Tilgængelighedserklæring", "WCAG 2.1"),
    ],
)
def test_the_seeded_pages_are_public(client, slug, title, text):
    response = client.get(reverse("siteinfo:page", kwargs={"slug": slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="info-page-title" class="mb-3">{title}</h1>' in html
    assert text in html


def test_the_cookie_statement_names_every_cookie_the_portal_sets(client, settings):
    html = client.get("/about/cookies/").content.decode()
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f"<td>{name}</td>" in html
    assert "ingen cookies til statistik, markedsføring eller sporing" in html


def test_english_pages_show_the_english_text_or_the_danish_one(client):
    page = InfoPage.objects.get(slug="privacy")
    page.title_en = "Privacy policy"
    page.body_en = "<p>What the portal stores.</p>"
    services.info_page_save(page=page)
    html = client.get("/en/about/privacy/").content.decode()
    assert "What the portal stores." in html
    html = client.get("/en/about/cookies/").content.decode()
    assert "kun de cookies, der er nødvendige" in html


def test_an_unknown_page_is_a_404(client):
    assert client.get("/about/findes-ikke/").status_code == 404


def test_a_page_is_sanitised_before_it_is_stored():
    page = InfoPage.objects.get(slug="privacy")
    page.body = '<p onclick="x()">Tekst<script>alert(1)</script></p><img src=x>'
    services.info_page_save(page=page)
    page.refresh_from_db()
    assert page.body == "<p>Tekst</p>"


def test_a_page_of_only_markup_is_refused():
    from django.core.exceptions import ValidationError

    page = InfoPage.objects.get(slug="privacy")
    page.body = "<script>alert(1)</script><p> </p>"
    with pytest.raises(ValidationError) as error:
        services.info_page_save(page=page)
    assert "body" in error.value.message_dict


# --- The admin ----------------------------------------------------------------------------


def _form(row: SiteSettings, **changes) -> dict:
    data = {
        "name": row.name,
        "description": row.description,
        "address": row.address,
        "email": row.email,
        "phone": row.phone,
        "opening_hours": row.opening_hours,
        "cvr": row.cvr,
    }
    if row.is_demo:
        data["is_demo"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_change_the_settings_in_the_admin_and_the_footer_follows(staff_client):
    url = reverse("admin:siteinfo_sitesettings_change", args=[1])
    listing = staff_client.get(reverse("admin:siteinfo_sitesettings_changelist"))
    assert listing.status_code == 200 and url in listing.content.decode()
    assert staff_client.get(url).status_code == 200
    row = SiteSettings.objects.get()
    response = staff_client.post(
        url, _form(row, email="post@forening.dk", cvr="87654321", is_demo=None)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.email, row.cvr, row.is_demo) == ("post@forening.dk", "87654321", False)
    assert row.history.count() >= 1
    footer = staff_client.get("/").content.decode().split("<footer", 1)[1]
    assert "post@forening.dk" in footer and "CVR 87654321" in footer
    assert "eksempler til demoen" not in footer


def test_the_admin_refuses_a_bad_cvr_and_a_bad_email(staff_client):
    url = reverse("admin:siteinfo_sitesettings_change", args=[1])
    row = SiteSettings.objects.get()
    response = staff_client.post(url, _form(row, cvr="12 34", email="ikke-en-adresse"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Et CVR-nummer har otte cifre." in html
    assert "Indtast en gyldig e-mail-adresse." in html
    assert SiteSettings.objects.get().cvr == "00000000"


def test_the_admin_neither_adds_a_second_row_nor_deletes_the_one(staff_client):
    assert staff_client.get(reverse("admin:siteinfo_sitesettings_add")).status_code == 403
    response = staff_client.post(reverse("admin:siteinfo_sitesettings_delete", args=[1]))
    assert response.status_code == 403
    assert SiteSettings.objects.count() == 1


def test_staff_edit_a_page_in_the_admin_through_the_sanitiser(staff_client, client):
    page = InfoPage.objects.get(slug="cookies")
    url = reverse("admin:siteinfo_infopage_change", args=[page.pk])
    assert staff_client.get(reverse("admin:siteinfo_infopage_changelist")).status_code == 200
    response = staff_client.post(
        url,
        {
            "slug": "cookies",
            "title": "Cookies på portalen",
            "body": (
                "<h2>Kun nødvendige</h2><p>Ingen sporing.<script>x()</script></p>"
                '<a href="javascript:x()">x</a>'
            ),
            "title_en": "",
            "body_en": "",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (
        page.body
        == '<h2>Kun nødvendige</h2><p>Ingen sporing.</p><a rel="noopener noreferrer">x</a>'
    )
    html = client.get("/about/cookies/").content.decode()
    assert "Cookies på portalen" in html and "Ingen sporing." in html


def test_the_admin_refuses_an_empty_page(staff_client):
    page = InfoPage.objects.get(slug="cookies")
    url = reverse("admin:siteinfo_infopage_change", args=[page.pk])
    response = staff_client.post(
        url, {"slug": "cookies", "title": "Cookies", "body": "", "title_en": "", "body_en": ""}
    )
    assert response.status_code == 200
    assert InfoPage.objects.get(slug="cookies").body.startswith("<p>Portalen")


def test_visitors_and_members_cannot_open_the_site_settings_admin(client):
    from devtools.factories.members import member_user

    url = reverse("admin:siteinfo_sitesettings_change", args=[1])
    assert client.get(url).status_code == 302
    client.force_login(member_user())
    assert client.get(url).status_code == 302


def test_the_admin_wears_the_portal_look(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert 'class="admin-brand"' in html
    assert '<svg class="brand-mark"' in html
    assert "css/admin.css" in html and "css/theme.css" in html
