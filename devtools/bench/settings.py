"""The portal's own production settings, plus two things only the benchmark needs.

`make bench` starts gunicorn with DJANGO_SETTINGS_MODULE=devtools.bench.settings: everything
below comes from `almennet.settings` read from the environment (DEBUG off, a generated
SECRET_KEY), except the URLconf, which adds the bare view used as the ceiling, and STATIC_ROOT,
a temporary folder so the benchmark never touches var/static.
"""

import os

from almennet.settings import *  # noqa: F403

ROOT_URLCONF = "devtools.bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
# Its own cache keys, which `make bench` empties before a run (the Redis database may be shared).
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "almennet-bench"  # noqa: F405
