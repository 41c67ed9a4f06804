"""The page cache's versions on the real Redis: every version a transaction touched moves in
one round trip, and a missing one starts as reading it would have started it."""

import pytest
from django.core.cache import cache

from almennet import page_cache
from almennet.cache import CacheUnavailable
from tests.almennet.test_redis_down import _redis_settings, _stop, private_redis  # noqa: F401


def _round_trips(monkeypatch):
    """Counts the commands and pipelines the cache's Redis client sends."""
    import redis.client

    sent = []
    real_command = redis.client.Redis.execute_command
    real_pipeline = redis.client.Pipeline.execute

    def command(self, *args, **kwargs):
        sent.append(args[0])
        return real_command(self, *args, **kwargs)

    def pipeline(self, *args, **kwargs):
        sent.append("pipeline")
        return real_pipeline(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline)
    return sent


@pytest.fixture
def redis_process(private_redis, settings):  # noqa: F811 - the fixture, imported above
    """The cache on a private redis-server of its own; its process, to stop it."""
    process, url = private_redis
    _redis_settings(settings, url)
    return process


def test_counters_move_together_and_a_missing_one_starts_at_its_start(redis_process, monkeypatch):
    cache.set("seen", 5, timeout=None)
    sent = _round_trips(monkeypatch)
    cache.incr_or_start({"seen": 100, "new": 7})
    assert sent == ["pipeline"]
    assert cache.get("seen") == 6
    assert cache.get("new") == 8


def test_a_move_starts_an_evicted_version_afresh_in_one_round_trip(redis_process, monkeypatch):
    page_cache._move([page_cache.VERSION_KEY, page_cache.SCOPE_KEY + "user:1"])
    # As if read (1, the clock) and then moved by one.
    assert page_cache.content_version() == 2
    scope = page_cache.version("user:1")
    sent = _round_trips(monkeypatch)
    page_cache._move([page_cache.VERSION_KEY, page_cache.SCOPE_KEY + "user:1"])
    assert sent == ["pipeline"]
    assert page_cache.content_version() == 3
    assert page_cache.version("user:1") == scope + 1


def test_a_move_while_redis_is_down_is_given_up(redis_process):
    _stop(redis_process)
    with pytest.raises(CacheUnavailable):
        cache.incr_or_start({"seen": 1})
    page_cache._move([page_cache.VERSION_KEY])  # no error: nothing is served from it now
