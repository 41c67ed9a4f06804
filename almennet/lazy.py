"""A field's validator or upload path named by its import path and imported only when called.

Migrations store a field's validators and `upload_to` with the field. Given a function, the
migration file imports the app's module that holds it, so moving the function breaks every
migration that names it (and the migration runs the app's current code, not the code of its
day). `ByPath("publications.uploads.validate_publication_file")` is stored as that text:
the migration imports only this module, `migrate` never calls it, and if the function moves,
`makemigrations` writes a new migration with the new path.
"""

from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string


@deconstructible
class ByPath:
    def __init__(self, path: str):
        self.path = path

    def __call__(self, *args, **kwargs):
        return import_string(self.path)(*args, **kwargs)

    def __eq__(self, other):
        return isinstance(other, ByPath) and other.path == self.path

    def __hash__(self):
        return hash(self.path)

    def __repr__(self):
        return f"ByPath({self.path!r})"
