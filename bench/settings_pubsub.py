"""Bredvid settings with channels_redis' pub/sub layer instead of the core (list) layer.

Only for ``make bench``: it compares the two layers without an env switch in config/.
"""

from config.settings import *  # noqa: F403
from config.settings import REDIS_URL

if not REDIS_URL:
    raise RuntimeError("bench.settings_pubsub needs REDIS_URL")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}
