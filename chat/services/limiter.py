"""One send limiter for every socket and process: a token bucket per person.

The bucket holds ``CHAT_SEND_LIMIT`` messages and refills one every
``CHAT_SEND_REFILL_SECONDS``, as messaging apps do: a burst of short messages goes through
at once, a flood is held to about one a second. Each accepted new message takes a token;
a send that is then refused (a locked room, a blocked word) or turns out to be a retry
gives it back, so only accepted new messages count.

With Redis (the shared cache) the bucket lives there and one Lua script reads and writes
it in one round trip, so sockets on every process take from the same bucket exactly.
Without Redis, or while it is unreachable, each process keeps its own buckets under a
lock: sending never waits for Redis or fails because of it.
"""

import math
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from community.cache import UNREACHABLE, outage
from community.errors import RateLimited

# KEYS[1] the bucket; ARGV capacity, seconds per token, now (seconds), cost (1 take,
# -1 give back). Answers the seconds to wait for the cost, "0" when taken.
BUCKET_SCRIPT = """
local capacity = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now < at then now = at end
tokens = math.min(capacity, tokens + (now - at) / per)
if cost > 0 and tokens < cost then
  return tostring((cost - tokens) * per)
end
tokens = math.min(capacity, tokens - cost)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * per * 1000) + 1000)
return '0'
"""

clock = time.time  # wall time: the same on every process sharing a bucket
_script = None


class LocalBuckets:
    """The same buckets in this process's memory, under a lock (threads share them)."""

    PRUNE_ABOVE = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}

    def take(self, user_id: int, *, cost: int, capacity: int, per: float, now: float) -> float:
        with self._lock:
            tokens, at = self._buckets.get(user_id, (capacity, now))
            now = max(now, at)
            tokens = min(capacity, tokens + (now - at) / per)
            if cost > 0 and tokens < cost:
                return (cost - tokens) * per
            if len(self._buckets) > self.PRUNE_ABOVE:
                self._prune(capacity, per, now)
            self._buckets[user_id] = (min(capacity, tokens - cost), now)
            return 0.0

    def _prune(self, capacity: int, per: float, now: float) -> None:
        """Forget buckets that have refilled: they start full anyway. Caller holds the lock."""
        full = [k for k, (t, at) in self._buckets.items() if t + (now - at) / per >= capacity]
        for user_id in full:
            del self._buckets[user_id]

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


local = LocalBuckets()


def _in_redis(backend: RedisCache, user_id: int, cost: int, capacity: int, per: float) -> float:
    global _script
    key = backend.make_key(f"chat:send:{user_id}")
    # the cache's own client: its connection pool and short timeouts (settings.CACHES)
    client = backend._cache.get_client(key, write=True)
    if _script is None:
        _script = client.register_script(BUCKET_SCRIPT)
    wait = _script(keys=[key], args=[capacity, per, repr(clock()), cost], client=client)
    return float(wait)


def _bucket(user_id: int, cost: int) -> float:
    """Take ``cost`` tokens (or give them back); the seconds to wait when there are too few."""
    capacity, per = settings.CHAT_SEND_LIMIT, float(settings.CHAT_SEND_REFILL_SECONDS)
    backend = caches["default"]
    if isinstance(backend, RedisCache) and not outage.skipping():
        try:
            wait = _in_redis(backend, user_id, cost, capacity, per)
        except UNREACHABLE as error:
            outage.failed(error)
        else:
            outage.succeeded()
            return wait
    return local.take(user_id, cost=cost, capacity=capacity, per=per, now=clock())


def send_quota_take(*, user_id: int) -> None:
    """Take one new message from the person's bucket, or refuse with when to retry."""
    wait = _bucket(user_id, 1)
    if wait > 0:
        raise RateLimited(retry_after=max(1, math.ceil(wait - 1e-9)))


def send_quota_give_back(*, user_id: int) -> None:
    """Return the token of a send that was not accepted as a new message."""
    _bucket(user_id, -1)
