"""Settings come from the environment: engines, production checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_ENGINES = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), "
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'cache': s.CACHES['default']['BACKEND']}))"
)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3P!x9#qL2@vN7$wR4^tY8&uI1*oP6(aS5)dF0-gH3+jK9=zX2~cV7",
    "ALLOWED_HOSTS": "bredvid.example.se",
    "CSRF_TRUSTED_ORIGINS": "https://bredvid.example.se",
}


def run(code_or_args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_overrides)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_embedded_defaults_are_sqlite_and_the_in_memory_layer():
    result = run(PRINT_ENGINES)

    engines = json.loads(result.stdout)
    assert engines["db"] == "django.db.backends.sqlite3"
    assert engines["name"].endswith("db.sqlite3")
    assert engines["layer"] == "channels.layers.InMemoryChannelLayer"
    assert engines["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_urls_select_postgresql_and_redis():
    result = run(
        PRINT_ENGINES,
        DATABASE_URL="postgres://postgres@db.example:5432/bredvid",
        REDIS_URL="redis://cache.example:6379/0",
    )

    engines = json.loads(result.stdout)
    assert engines["db"] == "django.db.backends.postgresql"
    assert engines["name"] == "bredvid"
    assert engines["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert engines["cache"] == "community.cache.RedisCache"  # Django's, an outage a miss


def test_production_settings_pass_check_deploy():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        **PRODUCTION,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = run(PRINT_ENGINES, **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_seed_demo_is_refused_when_debug_is_off():
    result = run(["manage.py", "seed_demo"], **PRODUCTION)

    assert result.returncode != 0
    assert "only runs with DEBUG on" in result.stderr
