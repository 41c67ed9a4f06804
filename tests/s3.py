"""Real S3 APIs on this machine for the object-storage tests.

- moto's server (PyPI, `moto[server]`): buckets, uploads, private objects refused without a
  signature, public objects readable through a bucket policy. It does not enforce the expiry
  of a signed link.
- s3rver (npm), for that one check: it refuses a signed link once `X-Amz-Expires` has passed,
  as AWS S3 and other S3-compatible services do. Installed into var/test-tools/ on first use;
  the test is skipped when node/npm are not available.
"""

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_BUCKET = "almennet-media"
PRIVATE_BUCKET = "almennet-private"
ACCESS_KEY = "testing-key"
SECRET_KEY = "testing-secret"  # noqa: S105 - a fake server's fake key
S3RVER_VERSION = "3.7.1"


def storage_env(endpoint: str, **extra) -> dict[str, str]:
    """The environment a web process needs to use the buckets at `endpoint`."""
    return {
        "AWS_STORAGE_BUCKET_NAME": PUBLIC_BUCKET,
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": PRIVATE_BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_ADDRESSING_STYLE": "path",
        **extra,
    }


def client(endpoint: str, *, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def buckets_create(endpoint: str, **keys) -> None:
    """A private bucket for publication files and a public-read media bucket (by a bucket
    policy, as the README tells deployers to set up)."""
    s3 = client(endpoint, **keys)
    s3.create_bucket(Bucket=PUBLIC_BUCKET)
    s3.create_bucket(Bucket=PRIVATE_BUCKET)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
            }
        ],
    }
    with contextlib.suppress(Exception):  # s3rver has no bucket policies
        s3.put_bucket_policy(Bucket=PUBLIC_BUCKET, Policy=json.dumps(policy))


def http_get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - test URLs
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


@contextlib.contextmanager
def moto_server():
    """moto's S3 server on a free port in a thread; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3rver_available() -> str | None:
    """Why s3rver cannot run here, or None when it can."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are needed for s3rver"
    return None


@contextlib.contextmanager
def s3rver_server(tmp_path: Path):
    """s3rver (npm) on a free port; yields its endpoint. Its keys are S3RVER/S3RVER."""
    tools = ROOT / "var" / "test-tools" / "s3rver"
    if not (tools / "node_modules" / "s3rver").is_dir():
        tools.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(  # noqa: S603
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(tools),
             f"s3rver@{S3RVER_VERSION}"],
            check=False, timeout=300, capture_output=True,
        )  # fmt: skip
        if installed.returncode != 0:
            import pytest

            pytest.skip(f"npm could not install s3rver: {installed.stderr.decode()[-300:]}")
    port = free_port()
    script = (
        "const S3rver = require('s3rver');"
        f"new S3rver({{port: {port}, address: '127.0.0.1', silent: true,"
        f" directory: {json.dumps(str(tmp_path / 's3rver'))}}})"
        ".run().then(() => console.log('ready'));"
    )
    process = subprocess.Popen(  # noqa: S603
        ["node", "-e", script],  # noqa: S607
        cwd=tools,
        env={**os.environ, "NODE_PATH": str(tools / "node_modules")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.stdout.readline().strip() == b"ready":
                break
            if process.poll() is not None:
                raise RuntimeError("s3rver did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
