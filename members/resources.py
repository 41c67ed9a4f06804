"""Import and export of organisations and people (django-import-export, CSV and Excel).

Every row goes through the model's full_clean(), so a bad CVR or EAN is reported on its row and
field; a file with unknown or missing columns is refused before any row is read. The admin
previews an import in a transaction that is rolled back, and nothing is saved while any row
has an error.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export import fields, widgets

from almennet.text import danish_slugify

from .models import Affiliation, Organisation, User
from .spreadsheets import FormulaSafeResource, header_fold


def _choice_code(choices, value):
    """The code for a choice given as its code or its label in either language ("housing",
    "Boligorganisation", "Region Syddanmark", "syddanmark"); anything else as given, for the
    model's validation to report on its row."""
    text = header_fold(value)
    for code, label in choices:
        if text == header_fold(code):
            return code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if text == header_fold(label):
                    return code
    return value


class _StrictColumnsMixin:
    """Refuse a file whose columns are not the ones this resource knows."""

    required_columns: tuple[str, ...] = ()
    optional_extra_columns: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        # Danish or English headers ("Kort navn", "Short name") or the field names
        # ("short_name"): each becomes the column name the resource reads.
        aliases = self.header_aliases()
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        headers = [aliases.get(header_fold(h), h) for h in headers]
        dataset.headers = headers
        known = {f.column_name for f in self.get_import_fields()} | set(self.optional_extra_columns)
        labels = {f.column_name: self.field_label(f) for f in self.get_import_fields()}
        unknown = [h for h in headers if h not in known]
        missing = [labels.get(c, c) for c in self.required_columns if c not in headers]
        problems = []
        if missing:
            problems.append(
                _("The file lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
        if unknown:
            problems.append(
                _("The file has column(s) we do not know: %(columns)s. Known columns: %(known)s.")
                % {"columns": ", ".join(unknown), "known": ", ".join(labels.values())}
            )
        if problems:
            raise ValidationError(" ".join(problems))
        super().before_import(dataset, **kwargs)

    def import_data(self, dataset, *args, **kwargs):
        # One bad row and nothing of the file is saved: no half-imported files.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, *args, **kwargs)


class _DigitsWidget(widgets.CharWidget):
    """Excel turns 12345678 into a number; read it back as the digits."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = super().clean(value, row=row, **kwargs)
        return (value or "").strip().replace(" ", "")


class OrganisationResource(_StrictColumnsMixin, FormulaSafeResource):
    required_columns = ("name",)
    cvr = fields.Field(attribute="cvr", column_name="cvr", widget=_DigitsWidget())
    ean = fields.Field(attribute="ean", column_name="ean", widget=_DigitsWidget())

    class Meta:
        model = Organisation
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "homes",
            "municipality",
            "region",
            "website",
            "cvr",
            "ean",
            "member_since",
            "member_until",
            "invoice_contact_name",
            "invoice_contact_email",
        )
        export_order = fields
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if "slug" not in dataset.headers:
            names = dataset.get_col(dataset.headers.index("name"))
            dataset.append_col([danish_slugify(name) for name in names], header="slug")

    # Kind and region are written as their names in the page's language ("Boligorganisation",
    # "Region Syddanmark") and read as names in either language or as codes.
    def dehydrate_kind(self, organisation):
        return str(organisation.get_kind_display()) if organisation.kind else ""

    def dehydrate_region(self, organisation):
        return str(organisation.get_region_display()) if organisation.region else ""

    def before_import_row(self, row, **kwargs):
        if not (row.get("slug") or "").strip():
            row["slug"] = danish_slugify(row.get("name"))
        for key in ("kind", "region"):
            if row.get(key):
                choices = Organisation._meta.get_field(key).choices
                row[key] = _choice_code(choices, row[key])
        for key in ("homes",):
            if row.get(key) in (None, ""):
                row[key] = 0
        for key in (
            "short_name",
            "kind",
            "municipality",
            "region",
            "website",
            "cvr",
            "ean",
            "invoice_contact_name",
            "invoice_contact_email",
        ):
            if key in row and row[key] is None:
                row[key] = ""
        if not row.get("kind"):
            row["kind"] = Organisation.Kind.HOUSING


class PersonResource(_StrictColumnsMixin, FormulaSafeResource):
    """People, with an optional organisation (slug or CVR) and role that becomes a confirmed
    affiliation from the day of import."""

    required_columns = ("email",)
    column_labels = {"organisation": _lazy("organisation"), "role": _lazy("role")}
    organisation = fields.Field(column_name="organisation", attribute=None, readonly=False)
    role = fields.Field(column_name="role", attribute=None, readonly=False)

    class Meta:
        model = User
        fields = (
            "email",
            "first_name",
            "last_name",
            "phone",
            "job_title",
            "language",
            "organisation",
            "role",
        )
        export_order = (
            "email",
            "first_name",
            "last_name",
            "phone",
            "job_title",
            "language",
            "organisation",
            "role",
        )
        import_id_fields = ("email",)
        clean_model_instances = True
        skip_unchanged = False
        use_transactions = True

    def get_queryset(self):
        return User.objects.prefetch_related("affiliations__organisation")

    def dehydrate_organisation(self, user):
        return ";".join(a.organisation.slug for a in user.affiliations.all() if a.is_current())

    def dehydrate_role(self, user):
        return ";".join(a.role for a in user.affiliations.all() if a.is_current())

    def before_import_row(self, row, **kwargs):
        row["email"] = str(row.get("email") or "").strip().lower()
        for key in ("first_name", "last_name", "phone", "job_title"):
            if key in row and row[key] is None:
                row[key] = ""
        if not row.get("language"):
            row["language"] = "da"

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name in ("organisation", "role"):
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        if not instance.pk and not instance.password:
            # New people log in after a password reset; no password travels in a file.
            instance.set_unusable_password()
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        reference = str(row.get("organisation") or "").strip()
        role = str(row.get("role") or "").strip() or Affiliation.Role.EMPLOYEE
        instance._import_affiliation = None
        if reference:
            organisation = Organisation.objects.filter(slug=reference).first() or (
                Organisation.objects.filter(cvr=reference).first() if reference.isdigit() else None
            )
            if organisation is None:
                errors["organisation"] = [
                    _("No organisation has the slug or CVR number “%(value)s”.")
                    % {"value": reference}
                ]
            if role not in Affiliation.Role.values:
                errors["role"] = [
                    _("“%(value)s” is not a role. Use one of: %(roles)s.")
                    % {"value": role, "roles": ", ".join(Affiliation.Role.values)}
                ]
            if organisation is not None and "role" not in errors:
                instance._import_affiliation = (organisation, role)
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        from .services import affiliation_create

        pending = getattr(instance, "_import_affiliation", None)
        if not pending:
            return
        organisation, role = pending
        exists = (
            Affiliation.objects.current()
            .filter(user=instance, organisation=organisation, role=role)
            .exists()
        )
        if not exists:
            affiliation_create(
                user=instance,
                organisation=organisation,
                role=role,
                confirmed=True,
                actor=kwargs.get("user"),
            )
