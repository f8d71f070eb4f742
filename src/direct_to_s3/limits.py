"""Per-user abuse limits: request rates (Django's cache) and storage quotas (the database)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connections, models, router

from direct_to_s3 import ratelimit
from direct_to_s3.conf import AppSettings, app_settings
from direct_to_s3.errors import QuotaExceeded, RateLimited
from direct_to_s3.models import Upload
from direct_to_s3.validation import human_size

# Files started or completed by one batch request, at most (fewer when CREATE_BURST is lower).
MAX_BATCH = 100


def check_rate(
    *, scope: str, user_id: int, per_minute: int, burst: int | None = None, tokens: int = 1
) -> None:
    """A token bucket per user and scope: `burst` requests at once, then `per_minute` on
    average (0 = no limit); over → RateLimited. `burst` defaults to the <SCOPE>_BURST setting.
    A batch takes one token per file (`tokens`), all or none."""
    if per_minute <= 0:
        return
    if burst is None:
        burst = getattr(app_settings(), f"{scope}_burst", per_minute)
    wait = ratelimit.acquire(
        f"direct_to_s3:rate:{scope}:{user_id}",
        ratelimit.Rate(per_minute=per_minute, burst=burst),
        tokens=tokens,
    )
    if wait > 0:
        raise RateLimited(retry_after=max(1, math.ceil(wait)))


def batch_limit() -> int:
    """How many files one batch request may name: MAX_BATCH, or fewer so that a batch's
    tokens fit in a full CREATE bucket (a longer batch could never be let through)."""
    options = app_settings()
    if options.create_rate_per_minute <= 0:
        return MAX_BATCH
    return max(1, min(MAX_BATCH, options.create_burst))


@dataclass(frozen=True)
class Usage:
    stored: int  # bytes of complete uploads
    pending: int  # bytes of unfinished uploads
    pending_count: int


def usage(*, user_id: int) -> Usage:
    """What the user holds and has under way, in one query on every start.

    Written in SQL: the ORM took longer to build its filtered aggregates than the database
    takes to answer this one, which the (owner, status, size) index covers on its own.
    """
    connection = connections[router.db_for_read(Upload)]
    quote = connection.ops.quote_name
    status, size, owner = (quote(_column(name)) for name in ("status", "size", "owner"))
    table = quote(Upload._meta.db_table)
    complete, pending = Upload.Status.COMPLETE.value, Upload.Status.PENDING.value
    sums = {complete: (0, 0), pending: (0, 0)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {status}, SUM({size}), COUNT(*) FROM {table} "  # noqa: S608 (names only)
            f"WHERE {owner} = %s AND {status} IN (%s, %s) GROUP BY {status}",
            [user_id, complete, pending],
        )
        for found, total, count in cursor.fetchall():
            sums[found] = (int(total), int(count))
    return Usage(stored=sums[complete][0], pending=sums[pending][0], pending_count=sums[pending][1])


def _column(name: str) -> str:
    field = Upload._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"Upload.{name} is not a column.")
    return field.column


def check_quota(*, user_id: int, size: int) -> None:
    """Refuse a new upload of `size` bytes that would pass any of the user's quotas."""
    refusal = quota_refusals(user_id=user_id, sizes=[size])[0]
    if refusal is not None:
        raise refusal


def quota_refusals(*, user_id: int, sizes: list[int]) -> list[QuotaExceeded | None]:
    """For new uploads of these sizes, in order, why each would pass a quota (None: it fits,
    and counts as pending for those after it, as if each had been started on its own). One
    query, whatever the number."""
    options = app_settings()
    held = usage(user_id=user_id)
    pending, pending_count = held.pending, held.pending_count
    refusals: list[QuotaExceeded | None] = []
    for size in sizes:
        refusal = _quota_refusal(
            options, stored=held.stored, pending=pending, pending_count=pending_count, size=size
        )
        if refusal is None:
            pending, pending_count = pending + size, pending_count + 1
        refusals.append(refusal)
    return refusals


def _quota_refusal(
    options: AppSettings, *, stored: int, pending: int, pending_count: int, size: int
) -> QuotaExceeded | None:
    if pending_count + 1 > options.quota_pending_count:
        return QuotaExceeded(
            f"You have {pending_count} unfinished uploads, the most allowed. "
            "Let them finish or cancel some first."
        )
    if pending + size > options.quota_pending_bytes:
        return QuotaExceeded(
            f"Uploads in progress would exceed {human_size(options.quota_pending_bytes)}. "
            "Wait for some to finish, then try again."
        )
    if stored + size > options.quota_bytes:
        free = max(0, options.quota_bytes - stored)
        return QuotaExceeded(
            f"Not enough space: this file is {human_size(size)} and you have {human_size(free)} "
            f"left of {human_size(options.quota_bytes)}. Delete some files first."
        )
    return None
