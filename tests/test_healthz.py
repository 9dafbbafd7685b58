import pytest
from django.db import connection

from frontend.health import _channel_layer_ok
from tests.engines import require_redis

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_checks_database_and_channel_layer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
        "failed": [],
    }


def test_healthz_names_an_unreachable_channel_layer(client, settings):
    from channels.layers import channel_layers

    # a real channels_redis layer pointed at a port where nothing listens
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()

    assert response.status_code == 503
    assert response.json()["failed"] == ["channel_layer"]
    assert response.json()["checks"]["database"] == "ok"


@pytest.fixture
def unreachable_database():
    """Point the default connection at a database that cannot be opened, then restore."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)


def test_healthz_names_an_unreachable_database(client, unreachable_database):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["channel_layer"] == "ok"


async def test_health_checks_leave_no_channel_subscribed(settings):
    require_redis()
    import redis.asyncio as redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    ours = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] + "*"  # not other installs'
    before = len(await client.pubsub_channels(ours))

    assert all([await _channel_layer_ok() for _ in range(3)])

    assert len(await client.pubsub_channels(ours)) == before
    await client.aclose()
