"""Where private uploads live: outside MEDIA_ROOT, in PRIVATE_MEDIA_ROOT (a project setting),
so nothing serves them but a view that checks who may have them (publications' download)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    # Read from the settings on every use (not cached) so that a changed setting applies.
    @property
    def base_location(self):
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private-media")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage():
    """For a FileField's `storage=`: a callable, so the field (and its migration) names this
    function rather than an instance."""
    return PrivateFileStorage()
