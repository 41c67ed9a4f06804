"""Moving the test database between migrations, for the tests of data migrations
(tests/*/test_*migration*.py)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrates to `targets` ([(app, migration name)]) and returns the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture(autouse=True)
def today_afterwards():
    """Imported into a test module, it gives the tests after each of its tests today's schema,
    whatever the test did (going back in one app also takes back the later migrations of other
    apps that depend on it)."""
    yield
    migrate(latest())
