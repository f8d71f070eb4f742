"""Multipart arithmetic (pure functions): how a file is cut into S3 parts.

S3 allows at most 10,000 parts of at most 5 GiB each (all but the last at least 5 MiB), and
objects up to 5 TiB. Parts of max(8 MiB, ceil(size / 10,000)) stay within all three limits.
The plan's numbers live here (and the threshold's default in `conf`, from here).
"""

from __future__ import annotations

import math

from direct_to_s3.contract import PartPlan

MiB = 1024**2
GiB = 1024**3
TiB = 1024**4

MIN_PART_SIZE = 8 * MiB
MAX_PARTS = 10_000
MAX_PART_SIZE = 5 * GiB
MAX_OBJECT_SIZE = 5 * TiB
# Parts a client sends at once: the page's PART_PARALLEL, the CLI's default --parallel.
PARALLEL_PARTS = 4
# The default MULTIPART_THRESHOLD: a larger file fills every parallel slot. Measured on
# SeaweedFS (README, "Large files"): at 64 MiB, 8 parts 4 at a time beat one form POST;
# at 16-32 MiB the two were within the noise of each other.
DEFAULT_MULTIPART_THRESHOLD = PARALLEL_PARTS * MIN_PART_SIZE


def part_size_for(size: int) -> int:
    if not 0 < size <= MAX_OBJECT_SIZE:
        raise ValueError(f"An S3 object holds 1 byte to 5 TiB, not {size}.")
    return max(MIN_PART_SIZE, math.ceil(size / MAX_PARTS))


def part_count_for(size: int, part_size: int) -> int:
    return math.ceil(size / part_size)


def part_length(*, number: int, part_size: int, size: int) -> int:
    """Bytes in part `number` (1-based): the last part holds the remainder."""
    count = part_count_for(size, part_size)
    if not 1 <= number <= count:
        raise ValueError(f"Part {number} is outside 1..{count}.")
    return size - part_size * (count - 1) if number == count else part_size


def part_plan(*, multipart_threshold: int, max_size: int) -> PartPlan:
    """The rule above, for clients that must cut files as the app does before they start."""
    return {
        "multipart_threshold": multipart_threshold,
        "min_part_size": MIN_PART_SIZE,
        "max_parts": MAX_PARTS,
        "max_size": max_size,
    }
