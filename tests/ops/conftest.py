"""The cluster as ``make cluster`` runs it, for the tests of this package that need one."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from bench.cluster import Cluster
from tests.engines import other_sessions_ended, require_postgres, require_redis, skip_or_fail
from tests.ops.processes import database_url


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """nginx over two daphne processes on the test database, one per test module."""
    require_postgres()
    require_redis()
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        skip_or_fail("needs Debian's nginx: apt-get install nginx")
    state = tmp_path_factory.mktemp("cluster")
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "true",
        "CHAT_SEND_LIMIT": "1000",
    }
    running = Cluster(processes=2, env=env, state_dir=state, log=state / "cluster.log").start()
    yield running
    running.stop()
    with django_db_blocker.unblock():
        other_sessions_ended()
