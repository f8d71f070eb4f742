from __future__ import annotations

import os

import pytest
from django.db import connection


def postgres_required() -> bool:
    """`make test` sets REQUIRE_POSTGRES=1: there, not being on PostgreSQL is a failure."""
    return os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        if postgres_required():
            pytest.fail(f"REQUIRE_POSTGRES=1 but the database is {connection.vendor}")
        pytest.skip("needs PostgreSQL: run through scripts/with_postgres.py")
