"""The shared cache on Redis, which is only ever a speed-up and a doorbell: when Redis is
unreachable a read is a miss and a write is dropped, never an error, so nothing that
stores (a send, an edit) fails because Redis is away. The database is the truth."""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an unreachable Redis raises (a refused or timed-out connection, a dropped socket).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# After a failure Redis is not asked again for this long: a dead Redis then costs one
# timeout per period instead of one per call.
RETRY_SECONDS = 5.0


class Outage:
    """Whether Redis was just found unreachable; logged once per outage."""

    def __init__(self):
        self._lock = threading.Lock()
        self._skip_until = 0.0
        self._down = False

    def skipping(self) -> bool:
        return self._down and time.monotonic() < self._skip_until

    def failed(self, error: Exception) -> None:
        with self._lock:
            self._skip_until = time.monotonic() + RETRY_SECONDS
            if self._down:
                return
            self._down = True
        logger.warning(
            "Redis is unreachable (%s): the cache misses and sends are limited per process "
            "until it is back",
            error,
        )

    def succeeded(self) -> None:
        if self._down:
            with self._lock:
                self._down = False
            logger.info("Redis is reachable again")

    def reset(self) -> None:
        with self._lock:
            self._down, self._skip_until = False, 0.0


outage = Outage()


def _tolerant(name: str, answer_when_away):
    method = getattr(DjangoRedisCache, name)

    def call(self, *args, **kwargs):
        if outage.skipping():
            return answer_when_away(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except UNREACHABLE as error:
            outage.failed(error)
            return answer_when_away(*args, **kwargs)
        outage.succeeded()
        return result

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


def _default(key, default=None, *args, **kwargs):
    return kwargs.get("default", default)


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty(*args, **kwargs):
    return {}


def _no_failed_keys(*args, **kwargs):
    return []


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, for which an unreachable Redis is a miss (see the module)."""

    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", _empty)
    has_key = _tolerant("has_key", _false)
    add = _tolerant("add", _false)
    set = _tolerant("set", _nothing)
    set_many = _tolerant("set_many", _no_failed_keys)
    touch = _tolerant("touch", _false)
    delete = _tolerant("delete", _false)
    delete_many = _tolerant("delete_many", _nothing)
