from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")

    def ready(self):
        from django.db.models.signals import post_delete

        from . import related
        from .models import PublicationFile
        from .services import stored_file_remove

        related.register_all()
        post_delete.connect(
            stored_file_remove, sender=PublicationFile, dispatch_uid="publications.file_remove"
        )
