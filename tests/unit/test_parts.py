"""Part-size arithmetic at the edges: tiny, at the threshold, 10,000 parts, 5 TiB."""

import pytest

from direct_to_s3.conf import AppSettings
from direct_to_s3.parts import (
    DEFAULT_MULTIPART_THRESHOLD,
    MAX_OBJECT_SIZE,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIN_PART_SIZE,
    PARALLEL_PARTS,
    MiB,
    TiB,
    part_count_for,
    part_length,
    part_size_for,
)


def test_tiny_file_is_one_part_of_the_minimum_size() -> None:
    assert part_size_for(1) == MIN_PART_SIZE
    assert part_count_for(1, MIN_PART_SIZE) == 1
    assert part_length(number=1, part_size=MIN_PART_SIZE, size=1) == 1


def test_file_at_the_64_mib_threshold_is_eight_parts_of_8_mib() -> None:
    size = 64 * MiB

    assert part_size_for(size) == 8 * MiB
    assert part_count_for(size, part_size_for(size)) == 8


def test_one_byte_over_a_part_boundary_adds_a_one_byte_last_part() -> None:
    size = 64 * MiB + 1
    part_size = part_size_for(size)

    assert part_count_for(size, part_size) == 9
    assert part_length(number=9, part_size=part_size, size=size) == 1


def test_largest_size_with_minimum_parts_uses_exactly_10000_parts() -> None:
    size = MIN_PART_SIZE * MAX_PARTS

    assert part_size_for(size) == MIN_PART_SIZE
    assert part_count_for(size, part_size_for(size)) == MAX_PARTS


def test_one_byte_more_grows_the_parts_instead_of_their_number() -> None:
    size = MIN_PART_SIZE * MAX_PARTS + 1
    part_size = part_size_for(size)

    assert part_size == MIN_PART_SIZE + 1
    assert part_count_for(size, part_size) == MAX_PARTS


def test_five_tib_fits_in_10000_parts_each_within_s3_limits() -> None:
    part_size = part_size_for(MAX_OBJECT_SIZE)

    assert part_count_for(MAX_OBJECT_SIZE, part_size) <= MAX_PARTS
    assert part_size <= MAX_PART_SIZE
    assert part_size == -(-5 * TiB // MAX_PARTS)


def test_part_lengths_add_up_to_the_file_size() -> None:
    size = 1_000 * MiB + 12_345
    part_size = part_size_for(size)
    count = part_count_for(size, part_size)

    total = sum(part_length(number=n, part_size=part_size, size=size) for n in range(1, count + 1))

    assert total == size


@pytest.mark.parametrize("size", [0, -1, MAX_OBJECT_SIZE + 1])
def test_sizes_s3_cannot_hold_are_refused(size: int) -> None:
    with pytest.raises(ValueError, match="5 TiB"):
        part_size_for(size)


@pytest.mark.parametrize("number", [0, 9])
def test_part_numbers_outside_the_plan_are_refused(number: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        part_length(number=number, part_size=8 * MiB, size=64 * MiB)


def test_the_default_threshold_is_where_a_file_fills_every_parallel_part_slot() -> None:
    threshold = AppSettings().multipart_threshold

    assert threshold == DEFAULT_MULTIPART_THRESHOLD
    assert part_count_for(threshold, part_size_for(threshold)) == PARALLEL_PARTS
    assert part_count_for(threshold + 1, part_size_for(threshold + 1)) == PARALLEL_PARTS + 1
