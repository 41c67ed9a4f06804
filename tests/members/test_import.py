"""Import of organisations and people from CSV and Excel (django-import-export)."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from devtools.factories.members import OrganisationFactory, UserFactory
from members.models import Affiliation, Organisation, User
from members.resources import OrganisationResource, PersonResource

pytestmark = pytest.mark.django_db

GOOD_ORGANISATIONS = (
    "name,kind,homes,municipality,region,cvr,ean,member_since\n"
    "Boligselskabet Nordhavn,housing,4200,København,hovedstaden,10150817,4006381333931,2010-01-01\n"
    "Boligforeningen Egelund,housing,1800,Aarhus,midtjylland,,,2015-05-01\n"
)


def _dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def _errors_by_row(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


def test_good_organisation_file_imports_every_row():
    result = OrganisationResource().import_data(_dataset(GOOD_ORGANISATIONS), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    nordhavn = Organisation.objects.get(slug="boligselskabet-nordhavn")
    assert (nordhavn.cvr, nordhavn.ean, nordhavn.homes) == ("10150817", "4006381333931", 4200)
    assert Organisation.objects.count() == 2


def test_import_again_updates_by_slug_without_doubling():
    OrganisationResource().import_data(_dataset(GOOD_ORGANISATIONS), dry_run=False)
    changed = GOOD_ORGANISATIONS.replace(",4200,", ",4300,")
    result = OrganisationResource().import_data(_dataset(changed), dry_run=False)
    assert not result.has_validation_errors()
    assert Organisation.objects.count() == 2
    assert Organisation.objects.get(slug="boligselskabet-nordhavn").homes == 4300


def test_bad_cvr_and_ean_are_reported_on_their_row_and_field_and_nothing_is_saved():
    text = (
        "name,kind,homes,cvr,ean\n"
        "Good Bolig,housing,100,10150817,\n"
        "Bad Cvr Bolig,housing,100,10150818,\n"
        "Bad Ean Bolig,housing,100,,4006381333932\n"
        "Bad Kind Bolig,castle,100,,\n"
    )
    result = OrganisationResource().import_data(_dataset(text), dry_run=False)
    assert result.has_validation_errors()
    errors = _errors_by_row(result)
    assert list(errors) == [2, 3, 4]
    # The message is translated (Danish is the default language) and names the value.
    assert list(errors[2]) == ["cvr"]
    assert "10150818" in errors[2]["cvr"][0] and "kontrolcifferet" in errors[2]["cvr"][0]
    assert list(errors[3]) == ["ean"]
    assert list(errors[4]) == ["kind"]
    # One invalid row rolls the whole file back: the good row is not saved either.
    assert Organisation.objects.count() == 0


def test_duplicate_cvr_in_the_file_or_database_is_a_row_error():
    OrganisationFactory(name="Existing", slug="existing", cvr="10150817")
    text = "name,cvr\nNew One,10150817\n"
    result = OrganisationResource().import_data(_dataset(text), dry_run=True)
    errors = _errors_by_row(result)
    assert "Existing" in errors[1]["cvr"][0]


def test_wrong_columns_are_refused_before_any_row():
    text = "nme,kvm,cvr\nBoligselskabet,12,10150817\n"
    result = OrganisationResource().import_data(_dataset(text), dry_run=True)
    assert result.has_errors()
    message = str(result.base_errors[0].error)
    # The missing and the known columns are named as headed in Danish.
    assert "mangler kolonnen/kolonnerne: Navn." in message
    assert "nme, kvm" in message and "Kort navn" in message
    assert Organisation.objects.count() == 0


def test_excel_file_with_numbers_as_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "cvr", "ean", "homes"])
    sheet.append(["Excel Bolig", 10150817, 4006381333931, 900])
    buffer = io.BytesIO()
    workbook.save(buffer)
    dataset = tablib.Dataset().load(buffer.getvalue(), format="xlsx")
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), _errors_by_row(result)
    organisation = Organisation.objects.get(name="Excel Bolig")
    assert (organisation.cvr, organisation.ean) == ("10150817", "4006381333931")


def test_export_round_trips():
    OrganisationFactory(name="Round Trip", slug="round-trip", cvr="10150817")
    exported = OrganisationResource().export()
    assert exported.headers[:2] == ["Kortnavn (URL)", "Navn"]
    Organisation.objects.all().delete()
    result = OrganisationResource().import_data(exported, dry_run=False)
    assert not result.has_validation_errors()
    assert Organisation.objects.get(slug="round-trip").cvr == "10150817"


class TestPeople:
    def test_good_people_file_creates_users_and_confirmed_affiliations(self):
        organisation = OrganisationFactory(slug="nordhavn", cvr="10150817")
        text = (
            "email,first_name,last_name,organisation,role\n"
            "Anna@Example.dk,Anna,Andersen,nordhavn,representative\n"
            "bo@example.dk,Bo,Berg,10150817,\n"
            "carl@example.dk,Carl,Clausen,,\n"
        )
        result = PersonResource().import_data(_dataset(text), dry_run=False)
        assert not result.has_validation_errors(), _errors_by_row(result)
        anna = User.objects.get(email="anna@example.dk")
        assert not anna.has_usable_password()
        assert Affiliation.objects.current().get(user=anna).role == "representative"
        assert Affiliation.objects.get(user__email="bo@example.dk").organisation == organisation
        assert not Affiliation.objects.filter(user__email="carl@example.dk").exists()

    def test_unknown_organisation_role_or_bad_email_name_the_row(self):
        OrganisationFactory(slug="nordhavn")
        text = (
            "email,first_name,organisation,role\n"
            "ok@example.dk,Ok,nordhavn,employee\n"
            "x@example.dk,X,atlantis,employee\n"
            "y@example.dk,Y,nordhavn,king\n"
            "not-an-email,Z,,\n"
        )
        result = PersonResource().import_data(_dataset(text), dry_run=False)
        errors = _errors_by_row(result)
        assert list(errors) == [2, 3, 4]
        assert "atlantis" in errors[2]["organisation"][0]
        assert "king" in errors[3]["role"][0]
        assert "email" in errors[4]
        assert not User.objects.filter(email="ok@example.dk").exists()

    def test_existing_person_is_updated_not_doubled(self):
        UserFactory(email="anna@example.dk", first_name="Old")
        result = PersonResource().import_data(
            _dataset("email,first_name\nanna@example.dk,New\n"), dry_run=False
        )
        assert not result.has_validation_errors()
        assert User.objects.get(email="anna@example.dk").first_name == "New"

    def test_people_file_without_email_column_is_refused(self):
        result = PersonResource().import_data(_dataset("name\nAnna\n"), dry_run=True)
        assert result.has_errors()
        assert "E-mail-adresse" in str(result.base_errors[0].error)

    def test_export_has_no_passwords(self):
        UserFactory(email="anna@example.dk")
        exported = PersonResource().export()
        assert "password" not in exported.headers
        assert "anna@example.dk" in exported.get_col(exported.headers.index("E-mail-adresse"))


class TestAdminImport:
    def _post(self, client, text, name="organisations.csv"):
        return client.post(
            reverse("admin:members_organisation_import"),
            {
                "resource": "0",
                "format": "0",
                "import_file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
            },
        )

    def test_preview_of_a_good_file_offers_confirmation_and_saves_nothing_yet(self, staff_client):
        response = self._post(staff_client, GOOD_ORGANISATIONS)
        assert response.status_code == 200
        assert "confirm_form" in response.context
        assert "Boligselskabet Nordhavn" in response.content.decode()
        assert Organisation.objects.count() == 0

    def test_preview_of_a_bad_file_shows_row_errors_and_no_confirmation(self, staff_client):
        text = "name,cvr\nGood,10150817\nBad,10150818\n"
        response = self._post(staff_client, text)
        content = response.content.decode()
        assert response.status_code == 200
        assert "confirm_form" not in response.context
        assert "10150818" in content
        assert "check digit" in content or "kontrolciffer" in content
        assert Organisation.objects.count() == 0

    def test_wrong_columns_show_a_clear_message(self, staff_client):
        response = self._post(staff_client, "kvm\nX\n")
        content = response.content.decode()
        assert "kvm" in content and "Navn" in content
        assert "confirm_form" not in response.context
