"""Redis going away does not take the pages with it.

With ``REDIS_URL`` set, Redis holds the shared cache (organisation host map, login rate limits,
compiled forms, the session cache in front of the database) and the channel layer (live badges
and toasts across nodes). Django's ``RedisCache`` and channels-redis raise on every call while
Redis is unreachable, and a request would either fail or wait for a socket timeout on each of
its cache reads. Here:

- ``ResilientRedisCache``: while Redis is unreachable, the process's own memory stands in for
  it (a small ``LocMemCache``): pages are built as on a cache miss, the login rate limits keep
  counting (per process rather than across nodes), the host map and compiled forms stay cached.
  Sessions are the exception: their cached copy is skipped and they are read from the database,
  so a logout on one node holds on every node. After a failure the process does not try Redis
  again for ``RETRY_SECONDS`` (5): a dead Redis costs one short timeout per process every few
  seconds, not one per request. When it is back, the stand-in is emptied and the keys written
  or deleted meanwhile are deleted from Redis, so a session closed during the outage is not
  revived from the cache afterwards.
- ``ResilientRedisChannelLayer``: ``send``, ``group_send``, ``group_add`` and ``group_discard``
  fail quietly (live updates are best effort; the data is in the database and the next page
  shows it). An open WebSocket stays open without live updates and, once Redis answers again,
  is closed so that the page's script reconnects and joins its groups again.
- One log line (``maillon.core.resilient``, ERROR) when a process sees Redis go away, one
  (WARNING) when it is back: per process and per outage, never per request.
- ``ping()`` on both, for ``/readyz``: it asks Redis directly, whatever the state above.

Sessions stay ``cached_db``: during an outage they are read from the database, nobody is
logged out.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable

from channels_redis.core import RedisChannelLayer
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)
# A connection that takes longer than this is a dead Redis: requests carry on without it.
CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
RETRY_SECONDS = 5.0
LAYER_CALL_SECONDS = 1.0  # a send to a Redis that accepts connections but never answers
STALE_KEYS_KEPT = 10_000  # beyond that, every key of the cache's prefix is dropped on recovery
STAND_IN_ENTRIES = 5000  # the process's memory standing in for Redis during an outage
# Keys never kept in the stand-in: sessions (cached_db reads the database on a miss), so that a
# session closed on one node is closed on all of them during an outage too.
NOT_STOOD_IN = ("django.contrib.sessions.cached_db",)


class Outage:
    """Whether one Redis client of this process is usable: up, or down since a moment and
    tried again every ``retry_seconds``. Logs the start and the end of each outage once."""

    def __init__(self, part: str, retry_seconds: float = RETRY_SECONDS):
        self.part = part
        self.retry_seconds = retry_seconds
        self.since: float | None = None
        self.retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.since is not None

    def may_try(self) -> bool:
        return self.since is None or time.monotonic() >= self.retry_at

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            first = self.since is None
            if first:
                self.since = now
            self.retry_at = now + self.retry_seconds
        if first:
            logger.error("Redis unreachable for the %s (%s: %s): carrying on without it, trying again every %g s",
                         self.part, exc.__class__.__name__, str(exc) or "no answer", self.retry_seconds)

    def succeeded(self) -> bool:
        """Record a successful call; True when it ends an outage."""
        if self.since is None:
            return False
        with self._lock:
            if self.since is None:
                return False
            lasted, self.since = time.monotonic() - self.since, None
        logger.warning("Redis is back for the %s after %.1f s", self.part, lasted)
        return True


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering like a cache miss while Redis is unreachable.

    ``OPTIONS`` are redis-py's (``CACHE_OPTIONS`` by default) plus ``RETRY_SECONDS``."""

    def __init__(self, server, params):
        options = {**CACHE_OPTIONS, **params.get("OPTIONS", {})}
        self.outage = Outage("cache", float(options.pop("RETRY_SECONDS", RETRY_SECONDS)))
        super().__init__(server, {**params, "OPTIONS": options})
        self._stale: set[str] = set()
        self._stale_overflow = False
        self._stale_lock = threading.Lock()
        self._stand_in = LocMemCache(f"maillon-redis-outage-{id(self)}", {
            "TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": STAND_IN_ENTRIES}})
        self._nothing = DummyCache("", {})

    # The guard: one place decides whether Redis is tried and what a failure answers.

    def _guard(self, call: Callable, stand_in: Callable, written: Iterable[str] = ()):
        if self.outage.may_try():
            try:
                result = call()
            except REDIS_DOWN as exc:
                self.outage.failed(exc)
            else:
                if self.outage.succeeded():
                    self._recovered()
                return result
        self._remember(written)
        return stand_in()

    def _local(self, key):
        """The stand-in for one key during an outage: memory, or nothing at all for a session."""
        return self._nothing if str(key).startswith(NOT_STOOD_IN) else self._stand_in

    def _recovered(self) -> None:
        self._stand_in.clear()
        self._drop_stale()

    def _remember(self, keys: Iterable[str]) -> None:
        """Keys whose write (or delete) did not reach Redis: what Redis holds for them may be
        out of date, so they are deleted when it is back."""
        with self._stale_lock:
            for key in keys:
                if len(self._stale) >= STALE_KEYS_KEPT:
                    self._stale_overflow = True
                    return
                self._stale.add(key)

    def _drop_stale(self) -> None:
        with self._stale_lock:
            keys, overflow = list(self._stale), self._stale_overflow
            self._stale, self._stale_overflow = set(), False
        if not keys and not overflow:
            return
        client = self._cache.get_client(write=True)
        try:
            if overflow:
                keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start:start + 500])
        except REDIS_DOWN as exc:
            self.outage.failed(exc)
            self._remember(keys)
            return
        logger.warning("Redis cache: %d key(s) written during the outage dropped", len(keys))

    def _key(self, key, version) -> str:
        return self.make_and_validate_key(key, version=version)

    def ping(self) -> None:
        """Ask Redis directly (``/readyz``); raises when it does not answer."""
        self._cache.get_client(write=True).ping()
        if self.outage.succeeded():
            self._recovered()

    # Django's cache API.

    def get(self, key, default=None, version=None):
        return self._guard(lambda: RedisCache.get(self, key, default, version),
                           lambda: self._local(key).get(key, default, version))

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._guard(lambda: RedisCache.get_many(self, keys, version), lambda: self._stand_in.get_many(keys, version))

    def has_key(self, key, version=None):
        return self._guard(lambda: RedisCache.has_key(self, key, version), lambda: self._local(key).has_key(key, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: RedisCache.add(self, key, value, timeout, version),
                           lambda: self._local(key).add(key, value, timeout, version), [self._key(key, version)])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard(lambda: RedisCache.set(self, key, value, timeout, version),
                    lambda: self._local(key).set(key, value, timeout, version), [self._key(key, version)])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: RedisCache.touch(self, key, timeout, version),
                           lambda: self._local(key).touch(key, timeout, version), [self._key(key, version)])

    def delete(self, key, version=None):
        return self._guard(lambda: RedisCache.delete(self, key, version),
                           lambda: self._local(key).delete(key, version), [self._key(key, version)])

    def incr(self, key, delta=1, version=None):
        return self._guard(lambda: RedisCache.incr(self, key, delta, version),
                           lambda: self._local(key).incr(key, delta, version), [self._key(key, version)])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: RedisCache.set_many(self, data, timeout, version),
                           lambda: self._stand_in.set_many(data, timeout, version), [self._key(key, version) for key in data])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._guard(lambda: RedisCache.delete_many(self, keys, version), lambda: self._stand_in.delete_many(keys, version),
                    [self._key(key, version) for key in keys])

    def clear(self):
        def stand_in():
            self._stand_in.clear()
            with self._stale_lock:
                self._stale_overflow = True  # Redis is emptied of this prefix when it is back
            return False

        return bool(self._guard(lambda: RedisCache.clear(self), stand_in))


class ResilientRedisChannelLayer(RedisChannelLayer):
    """channels-redis' layer whose sends fail quietly (logged once) while Redis is unreachable.

    ``CONFIG`` takes channels-redis' options plus ``retry_seconds``."""

    def __init__(self, *args, retry_seconds: float = RETRY_SECONDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.outage = Outage("channel layer", retry_seconds)

    async def _guard(self, call):
        if not self.outage.may_try():
            return None
        try:
            async with asyncio.timeout(LAYER_CALL_SECONDS):
                result = await call()
        except REDIS_DOWN as exc:
            self.outage.failed(exc)
            return None
        self.outage.succeeded()
        return result

    async def send(self, channel, message):
        return await self._guard(lambda: super(ResilientRedisChannelLayer, self).send(channel, message))

    async def group_send(self, group, message):
        return await self._guard(lambda: super(ResilientRedisChannelLayer, self).group_send(group, message))

    async def group_add(self, group, channel):
        return await self._guard(lambda: super(ResilientRedisChannelLayer, self).group_add(group, channel))

    async def group_discard(self, group, channel):
        return await self._guard(lambda: super(ResilientRedisChannelLayer, self).group_discard(group, channel))

    async def receive(self, channel):
        """A consumer's next message. While Redis is unreachable its socket stays open, without
        live updates; once Redis answers again the consumer is told to disconnect (1012, « service
        restart »): the page's script reconnects and joins its groups again, which a restarted
        Redis has forgotten. No traceback per open socket."""
        try:
            return await super().receive(channel)
        except REDIS_DOWN as exc:
            self.outage.failed(exc)
        while True:
            await asyncio.sleep(self.outage.retry_seconds)
            try:
                await self.ping()
            except REDIS_DOWN:
                continue
            return {"type": "websocket.disconnect", "code": 1012}

    async def ping(self) -> None:
        """Ask Redis directly (``/readyz``); raises when it does not answer."""
        async with asyncio.timeout(LAYER_CALL_SECONDS):
            await self.connection(self.consistent_hash(self.prefix)).ping()
        self.outage.succeeded()
