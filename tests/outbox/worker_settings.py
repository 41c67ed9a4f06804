"""Settings for the Celery worker the integration test starts: the project's settings with a
short lease and SMTP timeout, and beat every two seconds, so a crash is recovered in seconds;
its Redis keys carry the run's private prefix (MAILINGS_TEST_KEY_PREFIX)."""

import os

from almennet.settings import *  # noqa: F403
from almennet.settings import CACHES, MAILERS

MAILINGS_LEASE_SECONDS = 8
MAILERS["default"].setdefault("OPTIONS", {})["timeout"] = 1
CELERY_BEAT_SCHEDULE = {
    "mailings-outbox-drain": {"task": "outbox.tasks.outbox_drain", "schedule": 2.0},
}

# Every Redis key of the run (queues, unacked messages, bindings, cache) under the run's prefix,
# so the test shares a Redis database safely and cleans up only what it made.
_KEY_PREFIX = os.environ["MAILINGS_TEST_KEY_PREFIX"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": _KEY_PREFIX}
CACHES["default"]["KEY_PREFIX"] = f"{_KEY_PREFIX}almennet"
