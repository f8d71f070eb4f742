from __future__ import annotations

import os
import threading
from collections.abc import Callable

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


def run_in_threads(
    target: Callable[[], None], count: int, timeout: float = 60
) -> list[BaseException]:
    """Run `target` in `count` threads, each with its own database connection, and answer the
    exceptions they raised (none: an empty list)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:  # handed to the test, which asserts on it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
