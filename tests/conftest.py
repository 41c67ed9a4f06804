import pytest

from almennet.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Unit tests run Celery tasks in-process; the integration tests start a real worker."""
    from celery._state import _set_task_join_will_block

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous
    # Celery marks "inside a task" in a process-wide flag that each eager run sets and then
    # restores to what it found. Threads running eager tasks at once (the concurrency tests)
    # can restore it in the wrong order and leave it set, and a later test in the same process
    # then gets "Never call result.get() within a task!" (seen under pytest-xdist).
    _set_task_join_will_block(False)


@pytest.fixture(scope="session")
def _media_dirs(tmp_path_factory):
    """Upload folders of this test process: under pytest-xdist each worker has its own
    (tmp_path_factory is per worker), so parallel tests never share or clear each other's
    files, and nothing is written into the worktree's var/."""
    return tmp_path_factory.mktemp("media"), tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _private_media(settings, _media_dirs):
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = (str(path) for path in _media_dirs)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Tests look at freshly rendered pages (response.context); the page cache has its own
    tests in tests/almennet/test_page_cache.py, which turn it on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _danish_by_default():
    """Each test starts in Danish, whatever language an earlier request left in the thread
    (a request to /en/... activates English and Django keeps it active afterwards)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- second factors (members/security.py) -------------------------------------------------------
@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """force_login stands for a full login: a user with a second factor gave it too. Tests of
    password-only sessions use tests.logins.login_password_only."""
    from django.test.client import ClientMixin

    from tests.logins import force_login_with_factors

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_factors)


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys the (local-memory) cache is asked for, in order; clear() to start afresh. The
    page cache's tests count with it which copies a view reads."""
    from django.core.cache.backends.locmem import LocMemCache

    asked = []
    real_get = LocMemCache.get

    def get(self, key, *args, **kwargs):
        asked.append(key)
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get", get)
    return asked
