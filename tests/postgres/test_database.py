"""The suite runs on the database DATABASE_URL names; under `make test` that is PostgreSQL."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tests.postgres.conftest import postgres_required

pytestmark = pytest.mark.django_db


def test_the_suite_runs_on_the_database_database_url_names() -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"

    assert connection.vendor == expected


def test_postgresql_is_there_when_required() -> None:
    if not postgres_required():
        pytest.skip("REQUIRE_POSTGRES is not set")

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        (version,) = cursor.fetchone()
    assert version >= 140000  # the oldest PostgreSQL Django 5.2 supports
