"""Cells that a spreadsheet program would run as a formula (CSV/formula injection).

Every export the portal writes (the admin's import-export resources, the engagement report)
passes its cells through `cell_neutralise`: a text cell that begins with = + - @, a tab or a
carriage return, also after leading spaces, gets a leading apostrophe, so Excel, LibreOffice and
Numbers show it as text. django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only
strips one leading "=" and leaves "+", "-" and "@" formulas alone.
"""

from import_export import resources

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value):
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(" \t\r\n").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeResource(resources.ModelResource):
    """The base of every import-export resource: each exported cell is neutralised."""

    def export_field(self, field, instance, **kwargs):
        return cell_neutralise(super().export_field(field, instance, **kwargs))
