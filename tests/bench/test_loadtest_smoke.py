"""The load test at toy size: every flow succeeds and the bucket matches the database."""

from __future__ import annotations

import pytest

from devtools import loadtest

pytestmark = [pytest.mark.harness_smoke, pytest.mark.integration]


@pytest.fixture(scope="module")
def result() -> loadtest.Result:
    return loadtest.run(users=5, seconds=10, workers=2, out_dir=None, log=lambda message: None)


def test_every_flow_completes_without_an_error(result: loadtest.Result) -> None:
    assert result.flows > 0
    assert result.error_count == 0, result.errors
    assert result.other_rows == {}


def test_complete_rows_are_exactly_the_objects_in_the_bucket(result: loadtest.Result) -> None:
    assert result.missing_count == 0, result.missing_objects
    assert result.orphaned_count == 0, result.orphaned_objects
    assert result.complete_rows == result.bucket_objects == result.flows
    assert result.passed
