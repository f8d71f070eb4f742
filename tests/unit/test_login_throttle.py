"""Failed logins are throttled per account and per address (django-axes); successes never count."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from config.login_throttle import client_ip
from scripts.compose_check import REPO

pytestmark = pytest.mark.django_db

LIMIT = 5
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def attempt(username: str, password: str, address: str = HOME, **headers: str) -> Any:
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(times: int, username: str = "alice", address: str = HOME) -> list[int]:
    return [attempt(username, "wrong-password", address).status_code for _ in range(times)]


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and "sessionid" in response.cookies


@pytest.fixture(autouse=True)
def _limits(settings: Any, user: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def test_wrong_passwords_below_the_limit_get_the_usual_error() -> None:
    responses = [attempt("alice", "wrong-password") for _ in range(LIMIT - 1)]

    assert [response.status_code for response in responses] == [200] * (LIMIT - 1)
    assert "didn't match" in responses[-1].text


def test_thirty_wrong_passwords_in_a_row_are_refused_from_the_limit_on() -> None:
    assert fail(30) == [200] * (LIMIT - 1) + [429] * (30 - LIMIT + 1)


def test_a_locked_account_refuses_the_right_password() -> None:
    fail(LIMIT)

    response = attempt("alice", "alice-password")

    assert response.status_code == 429
    assert not logged_in(response)


def test_a_locked_account_stays_locked_from_another_address() -> None:
    fail(LIMIT, address=HOME)

    assert attempt("alice", "alice-password", ELSEWHERE).status_code == 429


def test_an_address_is_locked_across_usernames(other_user: Any) -> None:
    for number in range(LIMIT):
        fail(1, username=f"guess-{number}")

    assert attempt("mallory", "mallory-password", HOME).status_code == 429
    assert logged_in(attempt("mallory", "mallory-password", ELSEWHERE))


def test_the_lockout_page_says_when_to_try_again() -> None:
    fail(LIMIT - 1)

    response = attempt("alice", "wrong-password")

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed attempts; try again in 15 minutes." in response.text
    assert 'name="password"' in response.text  # the login page itself, not a bare error
    assert "Content-Security-Policy" in response


def test_the_lock_ends_after_the_cool_off() -> None:
    fail(LIMIT)

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert logged_in(attempt("alice", "alice-password"))


def test_a_successful_login_clears_the_count() -> None:
    fail(LIMIT - 1)

    assert logged_in(attempt("alice", "alice-password"))
    assert fail(LIMIT - 1) == [200] * (LIMIT - 1)
    assert logged_in(attempt("alice", "alice-password"))


def test_successful_logins_never_count(django_user_model: Any) -> None:
    for number in range(3 * LIMIT):
        django_user_model.objects.create_user(username=f"load-{number}", password="load-password")

    results = [logged_in(attempt(f"load-{n}", "load-password")) for n in range(3 * LIMIT)]

    assert all(results)
    assert not AccessAttempt.objects.exists()
    assert attempt("alice", "wrong-password").status_code == 200


def test_clients_behind_the_proxy_are_counted_apart(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(LIMIT):
        attempt(f"guess-{number}", "wrong", "192.0.2.9", HTTP_X_FORWARDED_FOR=HOME)

    response = attempt("alice", "alice-password", "192.0.2.9", HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert logged_in(response)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        pytest.param(0, "203.0.113.7", "192.0.2.9", id="no-proxy-ignores-the-header"),
        pytest.param(1, "203.0.113.7", "203.0.113.7", id="one-proxy"),
        pytest.param(1, "6.6.6.6, 203.0.113.7", "203.0.113.7", id="one-proxy-spoofed-left"),
        pytest.param(2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7", id="two-proxies"),
        pytest.param(2, "203.0.113.7", "192.0.2.9", id="header-shorter-than-the-chain"),
    ],
)
def test_the_counted_address_is_the_one_our_proxies_saw(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=forwarded
    )

    assert client_ip(request) == expected


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    own = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    code = (
        "from config import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.TRUSTED_PROXY_COUNT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO / "web",
        env={**own, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_limits_come_from_the_environment() -> None:
    result = load_settings(
        DJANGO_LOGIN_FAILURE_LIMIT="3",
        DJANGO_LOGIN_LOCKOUT_MINUTES="30",
        DJANGO_BEHIND_TLS_PROXY="true",
    )

    assert result.stdout.split() == ["3", "1800.0", "1"], result.stderr


@pytest.mark.parametrize("name", ["DJANGO_LOGIN_FAILURE_LIMIT", "DJANGO_LOGIN_LOCKOUT_MINUTES"])
def test_a_limit_or_lockout_of_zero_is_refused(name: str) -> None:
    result = load_settings(**{name: "0"})

    assert result.returncode != 0
    assert "must be at least 1" in result.stderr
