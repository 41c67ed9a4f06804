"""Import and export in Danish: columns headed as the model's Danish field names, kind and
region written as their Danish names; an import reads Danish or English headers, names or codes;
the admin's column checkboxes and import preview read correctly."""

from pathlib import Path

import pytest
import tablib
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from devtools.factories.events import RegistrationFactory
from devtools.factories.members import OrganisationFactory
from members.models import Organisation
from members.resources import OrganisationResource

pytestmark = pytest.mark.django_db


def _dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def test_export_heads_columns_and_writes_kind_and_region_in_danish():
    OrganisationFactory(name="Ærø Bolig", slug="aeroe-bolig", region="syddanmark", cvr="10150817")
    exported = OrganisationResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row["Navn"] == "Ærø Bolig"
    assert row["Kort navn"] == ""
    assert row["Type"] == "Boligorganisation"
    assert row["Region"] == "Region Syddanmark"
    assert row["CVR-nummer"] == "10150817"
    assert "name" not in exported.headers and "short_name" not in exported.headers


def test_export_under_en_is_in_english():
    OrganisationFactory(region="syddanmark")
    with translation.override("en"):
        exported = OrganisationResource().export()
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert row["Region"] == "Region of Southern Denmark"
    assert "Name" in exported.headers and "Short name" in exported.headers


@pytest.mark.parametrize(
    "text",
    [
        # Danish headers and names, as the Danish export writes them
        "Navn,Kort navn,Type,Almene boliger,Region\n"
        "Kærholm Bolig,KB,Boligorganisation,1200,Region Syddanmark\n",
        # the field names and codes (older files), any case
        "name,short_name,kind,homes,region\nKærholm Bolig,KB,housing,1200,syddanmark\n",
        "NAME,Short Name,Kind,Homes,Region\nKærholm Bolig,KB,HOUSING,1200,Syddanmark\n",
        # English headers and names, as the English export writes them
        "Name,Short name,Kind,Social homes,Region\n"
        "Kærholm Bolig,KB,Housing organisation,1200,Region of Southern Denmark\n",
    ],
)
def test_import_reads_danish_and_english_headers_names_and_codes(text):
    result = OrganisationResource().import_data(_dataset(text), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    organisation = Organisation.objects.get()
    assert organisation.slug == "kaerholm-bolig"  # Danish letters spelled out in the address
    assert (organisation.short_name, organisation.kind) == ("KB", Organisation.Kind.HOUSING)
    assert (organisation.homes, organisation.region) == (1200, "syddanmark")


def test_a_danish_export_imports_again_unchanged():
    OrganisationFactory(name="Rundtur", slug="rundtur", region="nordjylland", cvr="10150817")
    exported = OrganisationResource().export()
    Organisation.objects.all().delete()
    result = OrganisationResource().import_data(exported, dry_run=False)
    assert not result.has_validation_errors()
    organisation = Organisation.objects.get(slug="rundtur")
    assert (organisation.region, organisation.cvr) == ("nordjylland", "10150817")


def test_an_unknown_region_is_reported_on_its_row():
    text = "Navn,Region\nGod,Region Syddanmark\nForkert,Atlantis\n"
    result = OrganisationResource().import_data(_dataset(text), dry_run=True)
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2 and "region" in invalid.field_specific_errors


def test_admin_export_checkboxes_are_named_as_the_columns(staff_client):
    html = staff_client.get(reverse("admin:members_organisation_export")).content.decode()
    assert ">CVR-nummer<" in html and ">Kort navn<" in html
    assert "Cvr (" not in html and "Short Name" not in html


def test_participant_export_checkboxes_read_in_danish(staff_client):
    registration = RegistrationFactory()
    response = staff_client.post(
        reverse("admin:events_registration_changelist"),
        {
            "action": "export_admin_action",
            "_selected_action": [registration.pk],
            "format": "0",
            "resource": "0",
        },
    )
    labels = [str(field.label) for field in response.context["form"].fields.values()]
    assert "Arrangement" in labels and "Priskategori" in labels and "CVR" in labels
    for english in ("Event (Arrangement)", "Cvr (CVR)", "Price Category", "Price Category ("):
        assert not [label for label in labels if label.startswith(english)]


def test_admin_import_preview_shows_errors_in_the_row_and_scrolls_inside(staff_client):
    text = "Navn,CVR-nummer\nGod,10150817\nForkert,10150818\n"
    response = staff_client.post(
        reverse("admin:members_organisation_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("o.csv", text.encode(), content_type="text/csv"),
        },
    )
    html = response.content.decode()
    assert "/static/css/admin-import.css" in html
    assert "<th>CVR-nummer</th>" in html  # the preview's headers in Danish
    css = Path(finders.find("css/admin-import.css")).read_text()
    assert "overflow-x: auto" in css and "position: static" in css and "opacity: 1" in css
