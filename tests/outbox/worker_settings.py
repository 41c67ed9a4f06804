"""Settings for the Celery worker the integration test starts: the project's settings with a
short lease and SMTP timeout, and beat every two seconds, so a crash is recovered in seconds."""

from almennet.settings import *  # noqa: F403
from almennet.settings import MAILERS

MAILINGS_LEASE_SECONDS = 8
MAILERS["default"].setdefault("OPTIONS", {})["timeout"] = 1
CELERY_BEAT_SCHEDULE = {
    "mailings-outbox-drain": {"task": "outbox.tasks.outbox_drain", "schedule": 2.0},
}
