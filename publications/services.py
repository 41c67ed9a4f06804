from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from .models import Publication, PublicationFile


def file_download_record(*, file: PublicationFile) -> None:
    """Count one download, in the database, so that concurrent downloads are all counted."""
    PublicationFile.objects.filter(pk=file.pk).update(download_count=F("download_count") + 1)


@transaction.atomic
def publication_file_add(
    *, publication: Publication, upload, title: str = "", is_member_only: bool = False
) -> PublicationFile:
    """Attach an uploaded file after checking its content (type, size, readability); raises
    ValidationError with a translated message when it is refused."""
    row = PublicationFile(
        publication=publication, title=title, file=upload, is_member_only=is_member_only
    )
    try:
        row.full_clean()
    except ValidationError as error:
        if hasattr(error, "error_dict") and "file" in error.error_dict:
            raise ValidationError(error.error_dict["file"]) from error
        raise
    row.save()
    return row


@transaction.atomic
def publication_publish(*, publication: Publication, is_published: bool = True) -> Publication:
    publication.is_published = is_published
    publication.save(update_fields=["is_published", "updated_at"])
    return publication


def stored_file_remove(sender, instance: PublicationFile, **kwargs) -> None:
    """When a file row is deleted, its stored file goes too, once the deletion is committed
    (a rolled-back delete keeps both)."""
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name
    transaction.on_commit(lambda: storage.delete(name))
