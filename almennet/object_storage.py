"""Where uploaded files live: the local disk by default, S3-compatible buckets when configured.

Two storages (Django's STORAGES): "default" for public media (cover images, logos, project
images), readable by anyone at a plain URL; "private" for publication files, never public:
the download view checks who may have a file and only then hands out a link signed for a
short time (`almennet.s3_storages.PrivateS3Storage.download_url`). Two buckets, because a
public media bucket is usually made readable by a bucket policy that would expose anything
else put in it.

Settings (environment), django-storages' own names where it has them:
AWS_STORAGE_BUCKET_NAME (public media; turns object storage on), AWS_PRIVATE_STORAGE_BUCKET_NAME
(publication files), AWS_S3_ENDPOINT_URL (any S3-compatible service), AWS_S3_REGION_NAME,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_S3_CUSTOM_DOMAIN (a CDN in front of the public
bucket), AWS_S3_ADDRESSING_STYLE (path or virtual), AWS_DEFAULT_ACL (public-read for providers
that use ACLs instead of a bucket policy), AWS_PRIVATE_URL_SECONDS (life of a signed link).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Imported by settings: boto3 loads only when a bucket is configured (almennet/s3_storages.py).
LOCAL_PRIVATE_BACKEND = "almennet.storage.PrivateFileStorage"
DEFAULT_PRIVATE_URL_SECONDS = 60


def object_storage_from_env(env) -> tuple[dict, list[str]]:
    """STORAGES entries for "default" and "private", and the origins public media is served
    from (for the Content Security Policy's img-src). Local disk unless a bucket is named."""
    public_bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    private_bucket = env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default="")
    if not public_bucket and not private_bucket:
        return (
            {
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "private": {"BACKEND": LOCAL_PRIVATE_BACKEND},
            },
            [],
        )
    if not (public_bucket and private_bucket):
        missing = "AWS_PRIVATE_STORAGE_BUCKET_NAME" if public_bucket else "AWS_STORAGE_BUCKET_NAME"
        raise ImproperlyConfigured(
            f"{missing} is not set. Object storage needs two buckets: AWS_STORAGE_BUCKET_NAME "
            "for public media and AWS_PRIVATE_STORAGE_BUCKET_NAME for publication files (never "
            "the same bucket: the public one is readable by anyone)."
        )
    if public_bucket == private_bucket:
        raise ImproperlyConfigured(
            "AWS_PRIVATE_STORAGE_BUCKET_NAME must differ from AWS_STORAGE_BUCKET_NAME: files in "
            "the public media bucket are readable by anyone."
        )
    common = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "signature_version": "s3v4",
    }
    custom_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    storages = {
        "default": {
            "BACKEND": "almennet.s3_storages.PublicS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": public_bucket,
                "custom_domain": custom_domain,
                "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
            },
        },
        "private": {
            "BACKEND": "almennet.s3_storages.PrivateS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": private_bucket,
                "querystring_expire": env.int(
                    "AWS_PRIVATE_URL_SECONDS", default=DEFAULT_PRIVATE_URL_SECONDS
                ),
            },
        },
    }
    return storages, _media_origins(
        bucket=public_bucket,
        custom_domain=custom_domain,
        endpoint_url=common["endpoint_url"],
        region=common["region_name"],
        addressing_style=common["addressing_style"],
    )


def _media_origins(*, bucket, custom_domain, endpoint_url, region, addressing_style) -> list[str]:
    if custom_domain:
        return [f"https://{custom_domain}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        origins = [f"{parts.scheme}://{parts.netloc}"]
        if addressing_style == "virtual":
            origins.append(f"{parts.scheme}://{bucket}.{parts.netloc}")
        return origins
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return [f"https://{bucket}.{host}", f"https://{host}"]
