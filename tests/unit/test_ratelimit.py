"""The per-user token bucket: a burst at once, then the sustained rate, shared by workers."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.cache import cache

from direct_to_s3 import limits, ratelimit
from direct_to_s3.errors import RateLimited
from direct_to_s3.ratelimit import Rate, acquire
from tests.conftest import change_app_settings

KEY = "test:bucket"
ONE_A_SECOND = Rate(per_minute=60, burst=5)


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def take(clock: Clock, rate: Rate = ONE_A_SECOND, key: str = KEY) -> float:
    return acquire(key, rate, clock=clock, pause=lambda seconds: None)


def test_a_full_bucket_lets_the_whole_burst_through_at_once(clock: Clock) -> None:
    assert [take(clock) for _ in range(5)] == [0.0] * 5


def test_the_request_after_the_burst_is_told_how_long_to_wait(clock: Clock) -> None:
    for _ in range(5):
        take(clock)

    assert take(clock) == pytest.approx(1.0)


def test_the_bucket_refills_one_token_per_interval(clock: Clock) -> None:
    for _ in range(5):
        take(clock)

    clock.advance(1.0)

    assert take(clock) == 0.0
    assert take(clock) == pytest.approx(1.0)


def test_an_idle_bucket_refills_up_to_the_burst_and_no_further(clock: Clock) -> None:
    for _ in range(5):
        take(clock)

    clock.advance(3600)

    assert [take(clock) for _ in range(6)] == [0.0] * 5 + [pytest.approx(1.0)]


def test_refused_requests_take_no_token(clock: Clock) -> None:
    for _ in range(5):
        take(clock)
    for _ in range(10):
        take(clock)

    clock.advance(1.0)

    assert take(clock) == 0.0


def test_each_key_has_its_own_bucket(clock: Clock) -> None:
    for _ in range(5):
        take(clock, key="alice")

    assert take(clock, key="bob") == 0.0


def test_a_burst_of_one_spaces_requests_by_the_interval(clock: Clock) -> None:
    rate = Rate(per_minute=6, burst=1)

    assert take(clock, rate) == 0.0
    assert take(clock, rate) == pytest.approx(10.0)
    clock.advance(10.0)
    assert take(clock, rate) == 0.0


def test_a_lost_race_reads_the_bucket_again_and_counts_the_other_workers_token(
    clock: Clock,
) -> None:
    take(clock)
    tat = cache.get(KEY)
    # Another worker claimed this state of the bucket and is about to write its own TAT.
    cache.add(f"{KEY}:claim:{tat!r}", True)

    def other_worker_writes(seconds: float) -> None:
        cache.set(KEY, tat + 1.0)

    assert acquire(KEY, ONE_A_SECOND, clock=clock, pause=other_worker_writes) == 0.0
    assert cache.get(KEY) == tat + 2.0


def test_a_bucket_that_cannot_be_claimed_asks_to_retry_in_a_second(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    pauses: list[float] = []

    wait = acquire(KEY, ONE_A_SECOND, clock=clock, pause=pauses.append)

    assert wait == ratelimit.BUSY_RETRY_SECONDS
    assert len(pauses) == ratelimit.ATTEMPTS


def test_concurrent_takers_never_get_more_than_the_burst(clock: Clock) -> None:
    rate = Rate(per_minute=1, burst=100)
    granted: list[float] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        for _ in range(40):
            if acquire(KEY, rate, clock=clock) == 0.0:
                granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(granted) == 100


def test_check_rate_takes_the_burst_from_the_scope_setting(settings: Any) -> None:
    change_app_settings(settings, CREATE_BURST=3)
    for _ in range(3):
        limits.check_rate(scope="create", user_id=1, per_minute=60)

    with pytest.raises(RateLimited):
        limits.check_rate(scope="create", user_id=1, per_minute=60)


def test_check_rate_asks_for_whole_seconds_rounded_up() -> None:
    limits.check_rate(scope="create", user_id=1, per_minute=1, burst=1)

    with pytest.raises(RateLimited) as refused:
        limits.check_rate(scope="create", user_id=1, per_minute=1, burst=1)

    assert refused.value.retry_after == 60


def test_check_rate_with_no_rate_never_limits() -> None:
    for _ in range(50):
        limits.check_rate(scope="create", user_id=1, per_minute=0, burst=1)
