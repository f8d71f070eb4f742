from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

from scripts.compose_check import THROWAWAY_SECRETS, compose


@pytest.fixture(scope="session")
def secret_values() -> dict[str, str]:
    """Fresh values for the stack's secrets, so any other value found is hard-coded."""
    return {name: f"sentinel-{secrets.token_hex(8)}" for name in THROWAWAY_SECRETS}


@pytest.fixture(scope="session")
def stack(secret_values: dict[str, str]) -> dict[str, Any]:
    """compose.yaml as Docker Compose resolves it with .env.example and those secrets."""
    result = compose("config", "--format", "json", secrets=secret_values)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def services(stack: dict[str, Any]) -> dict[str, Any]:
    return stack["services"]
