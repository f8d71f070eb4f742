"""The demo site's `demo_user` command: the dev login, never in production."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_demo_user_creates_the_login_from_the_environment(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_USER", "ada")
    monkeypatch.setenv("DEMO_PASSWORD", "lovelace")

    call_command("demo_user", verbosity=0)

    assert get_user_model().objects.get(username="ada").check_password("lovelace")


def test_demo_user_may_use_the_admin(settings: Any) -> None:
    settings.DEBUG = True

    call_command("demo_user", verbosity=0)

    user = get_user_model().objects.get(username="demo")
    assert user.is_staff
    assert user.has_perm("demo.add_document")


def test_demo_user_refuses_to_run_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="local development only"):
        call_command("demo_user", verbosity=0)
