"""Where private uploads live. By default on local disk outside MEDIA_ROOT, in
PRIVATE_MEDIA_ROOT (a project setting), so nothing serves them but a view that checks who may
have them (publications' download); with object storage configured, STORAGES["private"] is a
private S3 bucket (almennet/object_storage.py) handed out only as short-lived signed links."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


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


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up at first use (and again after the setting changes)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def private_storage():
    """For a FileField's `storage=`: a callable, so the field (and its migration) names this
    function rather than an instance."""
    return _private_storage
