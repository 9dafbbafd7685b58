import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD, CoordinatorFactory, ModeratorFactory, UserFactory

pytest_plugins = ["tests.live"]


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings():
    from django.conf import settings

    # Set before any live server forks, so it inherits them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def municipalities(db):
    """Reference data; transactional tests flush it, so it is loaded again when missing."""
    from community import municipalities as data
    from community.models import Municipality

    data.load(Municipality)


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
