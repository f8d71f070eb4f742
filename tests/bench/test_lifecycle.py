"""What the bench starts is stopped however its `with` block is left, a failed start too."""

from __future__ import annotations

import pytest

from devtools.lifecycle import Started


class Recorded(Started):
    def __init__(self, fail_with: BaseException | None = None) -> None:
        self.fail_with = fail_with
        self.calls: list[str] = []

    def start(self) -> None:
        self.calls.append("start")
        if self.fail_with is not None:
            raise self.fail_with

    def stop(self) -> None:
        self.calls.append("stop")


def test_entering_starts_and_leaving_stops() -> None:
    with Recorded() as started:
        assert started.calls == ["start"]
    assert started.calls == ["start", "stop"]


def test_an_error_in_the_block_still_stops() -> None:
    started = Recorded()
    with pytest.raises(RuntimeError), started:
        raise RuntimeError("the run failed")
    assert started.calls == ["start", "stop"]


@pytest.mark.parametrize("interruption", [RuntimeError("no veth"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_start_stops_what_it_had_started(
    interruption: BaseException,
) -> None:
    started = Recorded(fail_with=interruption)
    with pytest.raises(type(interruption)), started:
        pytest.fail("the block runs only after a start that succeeded")
    assert started.calls == ["start", "stop"]
