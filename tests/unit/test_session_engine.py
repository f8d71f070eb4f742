"""Sessions are cached only in a cache every process shares; else they live in the database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scripts.compose_check import REPO


def session_engine(cache_backend: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    if cache_backend:
        env["DJANGO_CACHE_BACKEND"] = cache_backend
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.SESSION_ENGINE)"],
        cwd=REPO / "web",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    "backend",
    [
        None,
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_sessions_live_in_the_database_with_a_process_local_cache(backend: str | None) -> None:
    assert session_engine(backend) == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache"],
)
def test_sessions_are_cached_in_a_shared_cache(backend: str) -> None:
    assert session_engine(backend) == "django.contrib.sessions.backends.cached_db"
