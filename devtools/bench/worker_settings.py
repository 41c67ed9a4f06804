"""Settings for the Celery workers `manage.py bench_mail` starts: the project's settings with
every Redis key of the run (queues, unacked messages, cache) under the run's private prefix
(BENCH_MAIL_KEY_PREFIX), so the benchmark shares a Redis database safely and its workers take
only its own tasks."""

import os

from almennet.settings import *  # noqa: F403
from almennet.settings import CACHES

_KEY_PREFIX = os.environ["BENCH_MAIL_KEY_PREFIX"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": _KEY_PREFIX}
CACHES["default"]["KEY_PREFIX"] = f"{_KEY_PREFIX}almennet"
MAILINGS_PARALLEL_DRAINS = 0  # the benchmark starts the drains itself
MAILINGS_ASYNC_SENT_MARKS = os.environ.get("MAILINGS_ASYNC_SENT_MARKS") == "on"
