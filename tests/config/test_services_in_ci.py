"""In CI the suite must run against the real PostgreSQL and Redis: if they are not configured or not
reachable, these tests fail rather than skip."""

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import running_in_ci

pytestmark = pytest.mark.services


def test_database_is_postgresql_in_ci(db):
    if not running_in_ci():
        pytest.skip("outside CI the suite may run on SQLite")
    assert connection.vendor == "postgresql", "CI must run with DATABASE_URL pointing at PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_broker_is_redis_in_ci():
    if not running_in_ci():
        pytest.skip("outside CI the filesystem broker is fine")
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "CI must set CELERY_BROKER_URL to Redis"
    import redis

    assert redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=3).ping()
