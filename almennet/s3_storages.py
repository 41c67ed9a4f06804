"""The S3 storage classes named in STORAGES when object storage is on (see
almennet/object_storage.py for the settings and why there are two buckets)."""

from urllib.parse import quote

from storages.backends.s3 import S3Storage


class PublicS3Storage(S3Storage):
    """Public media: plain, unsigned URLs; names are never overwritten."""

    querystring_auth = False
    file_overwrite = False


class PrivateS3Storage(S3Storage):
    """Publication files: no public URL at all, only signed links from `download_url`."""

    querystring_auth = True
    file_overwrite = False
    default_acl = None

    def download_url(self, name: str, *, filename: str, content_type: str) -> str:
        """A link that fetches the file as an attachment and stops working after
        `querystring_expire` seconds. Call it only after the access check."""
        disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
        return self.url(
            name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type or "application/octet-stream",
                "ResponseCacheControl": "private, no-store",
            },
            expire=self.querystring_expire,
        )
