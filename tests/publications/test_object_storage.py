"""Uploads on S3-compatible object storage (almennet/object_storage.py) against real S3 APIs on
this machine: moto's server, and s3rver for the expiry of a signed link."""

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from almennet.object_storage import object_storage_from_env
from almennet.storage import PrivateFileStorage
from devtools.factories.members import UserFactory, member_user
from devtools.factories.publications import PublicationFactory, pdf_bytes
from publications.models import PublicationFile
from publications.services import publication_file_add
from tests import s3

pytestmark = pytest.mark.django_db


def _env(monkeypatch, values: dict[str, str]) -> environ.Env:
    for name in [
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_PRIVATE_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_CUSTOM_DOMAIN",
        "AWS_PRIVATE_URL_SECONDS",
    ]:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


def _use_buckets(settings, monkeypatch, endpoint: str, **extra) -> None:
    values = s3.storage_env(endpoint, **extra)
    storages, origins = object_storage_from_env(_env(monkeypatch, values))
    settings.STORAGES = {**settings.STORAGES, **storages}
    assert origins == [endpoint]


@pytest.fixture
def moto(settings, monkeypatch):
    with s3.moto_server() as endpoint:
        s3.buckets_create(endpoint)
        _use_buckets(settings, monkeypatch, endpoint)
        yield endpoint


def test_local_disk_is_the_default(monkeypatch, settings, tmp_path):
    storages, origins = object_storage_from_env(_env(monkeypatch, {}))
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "almennet.storage.PrivateFileStorage"
    assert origins == []
    row = publication_file_add(
        publication=PublicationFactory(), upload=SimpleUploadedFile("r.pdf", pdf_bytes())
    )
    assert isinstance(row.file.storage._wrapped, PrivateFileStorage)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / row.file.name).is_file()


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"AWS_STORAGE_BUCKET_NAME": "media"}, "AWS_PRIVATE_STORAGE_BUCKET_NAME is not set"),
        ({"AWS_PRIVATE_STORAGE_BUCKET_NAME": "files"}, "AWS_STORAGE_BUCKET_NAME is not set"),
        (
            {"AWS_STORAGE_BUCKET_NAME": "same", "AWS_PRIVATE_STORAGE_BUCKET_NAME": "same"},
            "must differ",
        ),
    ],
)
def test_half_configured_object_storage_refuses_with_a_sentence(monkeypatch, values, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        object_storage_from_env(_env(monkeypatch, values))


def test_media_origins_for_the_content_security_policy(monkeypatch):
    values = {"AWS_STORAGE_BUCKET_NAME": "m", "AWS_PRIVATE_STORAGE_BUCKET_NAME": "p"}
    _storages, origins = object_storage_from_env(
        _env(monkeypatch, values | {"AWS_S3_CUSTOM_DOMAIN": "media.almennet.dk"})
    )
    assert origins == ["https://media.almennet.dk"]
    _storages, origins = object_storage_from_env(
        _env(monkeypatch, values | {"AWS_S3_REGION_NAME": "eu-north-1"})
    )
    assert origins[0] == "https://m.s3.eu-north-1.amazonaws.com"


def test_a_member_only_file_is_stored_privately_and_only_members_get_a_signed_link(
    client, moto, settings
):
    publication = PublicationFactory(title="Analyse af boligområder")
    row = publication_file_add(
        publication=publication,
        upload=SimpleUploadedFile("analyse.pdf", pdf_bytes("Tryghed")),
        is_member_only=True,
    )
    row = PublicationFile.objects.get(pk=row.pk)
    # In the private bucket, not on this host's disk, and not readable without a signature.
    head = s3.client(moto).head_object(Bucket=s3.PRIVATE_BUCKET, Key=row.file.name)
    assert head["ContentLength"] == row.size
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / row.file.name).exists()
    status, _headers, _body = s3.http_get(f"{moto}/{s3.PRIVATE_BUCKET}/{row.file.name}")
    assert status == 403

    url = reverse("publications:download", args=[publication.slug, row.pk])
    visitor = client.get(url)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    assert moto not in client.get(publication.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    refused = client.get(url)
    assert refused.status_code == 403 and moto not in refused.content.decode()
    row.refresh_from_db()
    assert row.download_count == 0

    client.force_login(member_user())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    link = response["Location"]
    assert link.startswith(f"{moto}/{s3.PRIVATE_BUCKET}/")
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["60"]
    status, headers, body = s3.http_get(link)
    assert status == 200
    assert body.startswith(b"%PDF-")
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == "attachment; filename*=UTF-8''analyse.pdf"
    row.refresh_from_db()
    assert row.download_count == 1


def test_public_media_goes_to_the_public_bucket_with_a_plain_url(moto):
    name = default_storage.save("publications/covers/forside.png", SimpleUploadedFile("f", b"x"))
    url = default_storage.url(name)
    assert url == f"{moto}/{s3.PUBLIC_BUCKET}/{name}"
    assert "X-Amz-Signature" not in url
    status, _headers, body = s3.http_get(url)
    assert (status, body) == (200, b"x")
    # Names are never overwritten: a second upload of the same name gets its own key.
    assert default_storage.save(name, SimpleUploadedFile("f", b"y")) != name


def test_deleting_a_file_row_removes_the_object_after_commit(
    moto, django_capture_on_commit_callbacks
):
    row = publication_file_add(
        publication=PublicationFactory(), upload=SimpleUploadedFile("r.pdf", pdf_bytes())
    )
    name = row.file.name
    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
    listed = s3.client(moto).list_objects_v2(Bucket=s3.PRIVATE_BUCKET)
    assert name not in [item["Key"] for item in listed.get("Contents", [])]


def test_a_signed_link_stops_working_when_it_expires(client, settings, monkeypatch, tmp_path):
    """moto does not enforce expiry; s3rver does, as S3 does."""
    if reason := s3.s3rver_available():
        pytest.skip(reason)
    with s3.s3rver_server(tmp_path) as endpoint:
        keys = {"access_key": "S3RVER", "secret_key": "S3RVER"}
        s3.buckets_create(endpoint, **keys)
        _use_buckets(
            settings,
            monkeypatch,
            endpoint,
            AWS_ACCESS_KEY_ID="S3RVER",
            AWS_SECRET_ACCESS_KEY="S3RVER",
            AWS_PRIVATE_URL_SECONDS="2",
        )
        publication = PublicationFactory()
        row = publication_file_add(
            publication=publication, upload=SimpleUploadedFile("r.pdf", pdf_bytes())
        )
        response = client.get(reverse("publications:download", args=[publication.slug, row.pk]))
        link = response["Location"]
        assert parse_qs(urlsplit(link).query)["X-Amz-Expires"] == ["2"]
        status, _headers, body = s3.http_get(link)
        assert status == 200 and body.startswith(b"%PDF-")
        time.sleep(3.2)
        status, _headers, body = s3.http_get(link)
        assert status == 403
        assert b"Request has expired" in body


def test_cover_sizes_are_made_into_the_public_bucket(moto, client):
    """sorl-thumbnail writes the responsive sizes of a cover to the same storage as the
    uploads: with S3 the pages link to the bucket, and the sizes are there."""
    from django.utils.functional import empty
    from sorl.thumbnail import default as sorl_default

    from tests.almennet.test_covers import _covers, image_upload

    sorl_default.storage._wrapped = empty  # the storage of this test's settings
    try:
        publication = PublicationFactory(
            is_published=True, cover_image=image_upload(), cover_alt_text="Rapportens forside"
        )
        html = client.get(publication.get_absolute_url()).content.decode()
    finally:
        sorl_default.storage._wrapped = empty
    [(_src, sizes)] = _covers(html)
    assert sorted(sizes) == [480, 800, 1200]
    for url in sizes.values():
        assert url.startswith(f"{moto}/{s3.PUBLIC_BUCKET}/cache/"), url
        status, headers, body = s3.http_get(url)
        assert status == 200
        assert body[:4] == b"RIFF" and body[8:12] == b"WEBP"
