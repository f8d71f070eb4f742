"""A token bucket per key in Django's cache: a burst at once, then a sustained rate.

Written as GCRA (the generic cell rate algorithm): one number per key, the "theoretical arrival
time" (TAT) at which the bucket would be full again. A request may go when the TAT is less than
`burst` emission intervals ahead of now, and pushes it one interval further. A request for
`tokens` at once (a batch of files) goes when all of them are free, and pushes it as many
intervals: one round trip to the cache per batch, not per file.

Several workers share the cache, and Django's cache API has no compare-and-set, so a worker
claims the TAT it read with `cache.add` (atomic on Redis, memcached, the database cache and,
within one process, locmem) before it writes the next one: of two workers that read the same
TAT only one moves it on, the other reads again. The price: one short-lived claim key per
request let through, and under heavy contention on one key a request may be answered "retry in
a second" although a token was free (clients wait that out). An evicted or culled key refills
that bucket early.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

ATTEMPTS = 8  # reads of a bucket other workers keep moving, before asking the client to retry
BUSY_RETRY_SECONDS = 1.0
# A claim only has to outlive the moment between another worker's read and its own add.
CLAIM_SECONDS = 5
# The bucket's key is kept a while after it is full again (then it means "full" by its absence).
KEEP_SECONDS = 60
SLACK = 1e-6  # float rounding must not refuse the last token of a burst


@dataclass(frozen=True)
class Rate:
    per_minute: int  # the sustained rate, > 0
    burst: int  # requests allowed at once from a full bucket; below 1 counts as 1

    @property
    def interval(self) -> float:
        """Seconds between two tokens."""
        return 60 / self.per_minute

    @property
    def tolerance(self) -> float:
        """How far ahead of now the TAT may be while a request still goes."""
        return self.interval * (max(1, self.burst) - 1)


def acquire(
    key: str,
    rate: Rate,
    *,
    tokens: int = 1,
    clock: Callable[[], float] = time.time,
    pause: Callable[[float], None] = time.sleep,
) -> float:
    """Take `tokens` from the bucket at `key`: 0 when taken, else the seconds until that many
    are free. More tokens than the burst are never free at once: callers keep batches within
    it (`limits.batch_limit`)."""
    tokens = max(1, tokens)
    for attempt in range(1, ATTEMPTS + 1):
        now = clock()
        tat = cache.get(key)
        start = now if tat is None else max(tat, now)
        ahead = start - now + (tokens - 1) * rate.interval
        if ahead > rate.tolerance + SLACK:
            return ahead - rate.tolerance
        new_tat = start + tokens * rate.interval
        # TATs only grow, so a claim names one state of the bucket; an empty bucket is named
        # by the second it was found empty in.
        version = f"empty:{int(now)}" if tat is None else repr(tat)
        if cache.add(f"{key}:claim:{version}", True, timeout=CLAIM_SECONDS):
            cache.set(key, new_tat, timeout=int(new_tat - now) + KEEP_SECONDS)
            return 0.0
        pause(0.002 * attempt)  # another worker is moving this bucket: read it again
    return BUSY_RETRY_SECONDS
