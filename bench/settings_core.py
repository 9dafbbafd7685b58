"""Bredvid settings with channels_redis' core (list) layer instead of the pub/sub layer.

Only for ``make bench``: it compares the two layers without an env switch in config/.
"""

from config.settings import *  # noqa: F403
from config.settings import REDIS_URL

if not REDIS_URL:
    raise RuntimeError("bench.settings_core needs REDIS_URL")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 30},
    }
}
