"""Per-user abuse limits: request rates (Django's cache) and storage quotas (the database)."""

from __future__ import annotations

import math

from django.db.models import Count, Q, Sum

from direct_to_s3 import ratelimit
from direct_to_s3.conf import app_settings
from direct_to_s3.errors import QuotaExceeded, RateLimited
from direct_to_s3.models import Upload
from direct_to_s3.validation import human_size


def check_rate(*, scope: str, user_id: int, per_minute: int, burst: int | None = None) -> None:
    """A token bucket per user and scope: `burst` requests at once, then `per_minute` on
    average (0 = no limit); over → RateLimited. `burst` defaults to the <SCOPE>_BURST setting."""
    if per_minute <= 0:
        return
    if burst is None:
        burst = getattr(app_settings(), f"{scope}_burst", per_minute)
    wait = ratelimit.acquire(
        f"direct_to_s3:rate:{scope}:{user_id}", ratelimit.Rate(per_minute=per_minute, burst=burst)
    )
    if wait > 0:
        raise RateLimited(retry_after=max(1, math.ceil(wait)))


def check_quota(*, user_id: int, size: int) -> None:
    """Refuse a new upload of `size` bytes that would pass any of the user's quotas."""
    options = app_settings()
    usage = Upload.objects.filter(owner_id=user_id).aggregate(
        stored=Sum("size", filter=Q(status=Upload.Status.COMPLETE), default=0),
        pending=Sum("size", filter=Q(status=Upload.Status.PENDING), default=0),
        pending_count=Count("id", filter=Q(status=Upload.Status.PENDING)),
    )
    if usage["pending_count"] + 1 > options.quota_pending_count:
        raise QuotaExceeded(
            f"You have {usage['pending_count']} unfinished uploads, the most allowed. "
            "Let them finish or cancel some first."
        )
    if usage["pending"] + size > options.quota_pending_bytes:
        raise QuotaExceeded(
            f"Uploads in progress would exceed {human_size(options.quota_pending_bytes)}. "
            "Wait for some to finish, then try again."
        )
    if usage["stored"] + size > options.quota_bytes:
        free = max(0, options.quota_bytes - usage["stored"])
        raise QuotaExceeded(
            f"Not enough space: this file is {human_size(size)} and you have {human_size(free)} "
            f"left of {human_size(options.quota_bytes)}. Delete some files first."
        )
