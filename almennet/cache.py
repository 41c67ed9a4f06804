"""A Redis cache that never fails a request because Redis cannot be reached.

The cache holds nothing the portal cannot do without: visitors' pages (almennet/page_cache.py)
and allauth's rate-limit counters. Sessions live in the database. So when Redis is down or
slow, every operation answers as if the key were missing (``get`` gives the default, ``add``
and ``set`` store nothing) and the request goes on without the cache. After a failure the
cache is not asked again for ``RETRY_SECONDS``, so an outage costs one short timeout per
process, not one per request.

Rate limits stay on during an outage: allauth's counters (keys ``allauth:rl:...``) fall back to a
cache in the process's own memory, which limits per web process instead of site-wide.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("almennet.cache")

RETRY_SECONDS = 5.0
FALLBACK_PREFIXES = ("allauth:rl:",)
FALLBACK_NAME = "almennet-fallback"


class CacheUnavailable(ValueError):
    """Raised by ``incr``/``decr`` while the cache is down. A ValueError, as for a missing key,
    so callers that handle a missing counter go on; callers that must know (the page cache's
    content version) catch this class."""


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._outage_seen = False
        self._lock = threading.Lock()
        self._fallback = LocMemCache(FALLBACK_NAME, {"OPTIONS": {"MAX_ENTRIES": 10000}})

    # --- circuit ------------------------------------------------------------------------------
    @property
    def is_available(self) -> bool:
        return time.monotonic() >= self._down_until

    def recovered_from_outage(self) -> bool:
        """True once after an outage this process saw, when Redis is to be tried again: what
        was written meanwhile could not be recorded in the cache (the page cache then moves
        its content version)."""
        with self._lock:
            if self._outage_seen and self.is_available:
                self._outage_seen = False
                return True
        return False

    def _failed(self, error: Exception) -> None:
        with self._lock:
            was_up = self.is_available
            self._outage_seen = True
            self._down_until = time.monotonic() + RETRY_SECONDS
        if was_up:
            logger.warning(
                "Cache unreachable, serving without it for %ss: %s", RETRY_SECONDS, error
            )

    def _call(self, name: str, key, fallback_result, *args, **kwargs):
        if isinstance(key, str) and key.startswith(FALLBACK_PREFIXES):
            use_fallback = not self.is_available
            if not use_fallback:
                try:
                    return getattr(super(), name)(key, *args, **kwargs)
                except RedisError as error:
                    self._failed(error)
            return getattr(self._fallback, name)(key, *args, **kwargs)
        if not self.is_available:
            return fallback_result()
        try:
            return getattr(super(), name)(key, *args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return fallback_result()

    # --- the cache API ------------------------------------------------------------------------
    def get(self, key, default=None, version=None):
        return self._call("get", key, lambda: default, default, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, lambda: False, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, lambda: None, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, lambda: False, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, lambda: False, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, lambda: False, version)

    def incr(self, key, delta=1, version=None):
        def unavailable():
            raise CacheUnavailable("The cache is unavailable.")

        return self._call("incr", key, unavailable, delta, version)

    def incr_or_start(self, starts: dict[str, int]) -> None:
        """Add one to each counter, a missing one first set to its start, in one round trip
        (``incr`` followed by ``add`` costs two or three per counter). Raises CacheUnavailable
        while the cache is down, as ``incr`` does."""
        if not self.is_available:
            raise CacheUnavailable("The cache is unavailable.")
        try:
            pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
            for key, start in starts.items():
                key = self.make_and_validate_key(key)
                pipeline.set(key, start, nx=True)
                pipeline.incr(key)
            pipeline.execute()
        except RedisError as error:
            self._failed(error)
            raise CacheUnavailable("The cache is unavailable.") from error

    def get_many(self, keys, version=None):
        if not self.is_available:
            return {}
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._failed(error)
            return {}

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not self.is_available:
            return list(data)
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self._failed(error)
            return list(data)

    def delete_many(self, keys, version=None):
        if not self.is_available:
            return None
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            self._failed(error)
            return None

    def clear(self):
        self._fallback.clear()
        if not self.is_available:
            return False
        try:
            return super().clear()
        except RedisError as error:
            self._failed(error)
            return False
