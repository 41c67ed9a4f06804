"""Cells that a spreadsheet program would run as a formula (CSV/formula injection).

Every export the portal writes (the admin's import-export resources, the engagement report)
passes its cells through `cell_neutralise`: a text cell that begins with = + - @, a tab or a
carriage return, also after leading spaces, gets a leading apostrophe, so Excel, LibreOffice and
Numbers show it as text. django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only
strips one leading "=" and leaves "+", "-" and "@" formulas alone.
"""

from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from import_export import resources
from import_export.forms import SelectableFieldsExportForm

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value):
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(" \t\r\n").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header_fold(text) -> str:
    """A column header as compared on import: case, spaces and underscores do not matter."""
    return " ".join(str(text or "").replace("_", " ").split()).casefold()


class FormulaSafeResource(resources.ModelResource):
    """The base of every import-export resource: each exported cell is neutralised, and the
    columns are headed in the page's language (the model field's verbose name, or the field's
    translated column name): "Kort navn", not "short_name". An import reads the headers of
    either language and the plain field names (`header_aliases`)."""

    # Headers of columns that are no model field: column name -> translated header.
    column_labels: dict = {}

    @classmethod
    def field_label(cls, field) -> str:
        name = field.column_name
        if name in cls.column_labels:
            return capfirst(str(cls.column_labels[name]))
        if isinstance(name, Promise):  # a translated column name
            return capfirst(str(name))
        attribute = field.attribute or name
        if "__" not in attribute:
            try:
                model_field = cls._meta.model._meta.get_field(attribute)
            except FieldDoesNotExist:
                pass
            else:
                return capfirst(str(model_field.verbose_name))
        return str(name)

    def header_aliases(self) -> dict[str, str]:
        """Every header an import accepts for a column (its name, its attribute, its header in
        each language), folded, -> the column name the resource reads."""
        aliases = {}
        for field in self.get_import_fields():
            column = str(field.column_name)
            names = {column, field.attribute or column}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names.add(self.field_label(field))
            aliases.update({header_fold(name): column for name in names})
        return aliases

    def get_export_headers(self, selected_fields=None):
        return [self.field_label(field) for field in self.get_export_fields(selected_fields)]

    def get_diff_headers(self):
        return [self.field_label(field) for field in self.get_import_fields()]

    def get_user_visible_fields(self):
        # Only the admin's import and export pages read these: the columns as headed.
        return [
            SimpleNamespace(column_name=self.field_label(field))
            for field in self.get_import_fields()
        ]

    def export_field(self, field, instance, **kwargs):
        return cell_neutralise(super().export_field(field, instance, **kwargs))


class LabelledExportForm(SelectableFieldsExportForm):
    """The admin's "which columns" checkboxes named as the columns are headed ("Arrangement",
    "CVR-nummer"), not "Event (Arrangement)" or "Price Category"."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and issubclass(resource, FormulaSafeResource):
            return resource.field_label(field)
        return super()._get_field_label(resource, field_name)
