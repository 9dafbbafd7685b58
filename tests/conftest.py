import gc

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    ModeratorFactory,
    UserFactory,
    give_second_factor,
)

pytest_plugins = ["tests.live"]


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings():
    from django.conf import settings

    # Set before any live server forks, so it inherits them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Presence told at every change; tests/chat/test_presence_announcer.py sets a window.
    settings.PRESENCE_ANNOUNCE_SECONDS = 0
    # Sockets are not refused for a late loop or a busy CPU (a busy test machine is no busy
    # server); tests/chat/test_admission.py sets limits.
    settings.SOCKET_ADMIT_LAG_MS = 60_000
    settings.SOCKET_ADMIT_CPU_PERCENT = 10_000
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _socket_connections_closed(django_db_setup):
    """Channels' test communicator turns off closing database connections, so each async
    test's database threads leave theirs open when the test's event loop ends. Collect
    them before the test database is dropped (PostgreSQL refuses while any is open)."""
    yield
    gc.collect()


def _clear_cache():
    """Only this app's cache keys: on Redis, FLUSHDB would also wipe the channel layer."""
    from django.conf import settings

    from chat.services import limiter
    from community.cache import outage

    limiter.local.clear()  # the send buckets kept in this process
    outage.reset()
    if not settings.REDIS_URL:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test gets its own layer: a Redis layer's receive lock belongs to one event loop,
    and every async test runs in a loop of its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; no test inherits another's."""
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture
def municipalities(db):
    """Reference data; transactional tests flush it, so it is loaded again when missing."""
    from community import municipalities as data
    from community.models import Municipality

    data.load(Municipality)


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the second factor the admin asks for."""
    give_second_factor(admin_user)
    return admin_user


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def member(municipalities):
    return UserFactory(display_name="Solros", birth_year=2000)


@pytest.fixture
def minor(municipalities):
    return UserFactory(display_name="Stjärnfall", birth_year=2011)


@pytest.fixture
def moderator(municipalities):
    return ModeratorFactory(display_name="Moderator Mika")


@pytest.fixture
def coordinator(municipalities):
    return CoordinatorFactory(display_name="Samordnare Sara")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def member_api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.fixture
def other_member(municipalities):
    return UserFactory(display_name="Havsörn", birth_year=1999)


@pytest.fixture
def topic_room(db):
    from tests.factories import RoomFactory

    return RoomFactory(name="Att vara ung anhörig", slug="att-vara-ung-anhorig")


@pytest.fixture
def group_room(municipalities):
    from tests.factories import GroupRoomFactory

    return GroupRoomFactory(name="Gruppens rum", slug="gruppens-rum")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Post through the real service, running its after-commit broadcasts."""
    from chat import services

    counter = iter(range(1, 1_000_000))

    def _send(user, room, body="Hej!", **kwargs):
        kwargs.setdefault("client_id", f"c-{next(counter)}")
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_send(user=user, room_id=room.pk, body=body, **kwargs)

    return _send
