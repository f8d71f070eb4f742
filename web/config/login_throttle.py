"""The site's side of login throttling (django-axes): whose address counts, and what people see."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address failed logins count against: the client's, not that of our own proxy.

    Each of the TRUSTED_PROXY_COUNT proxies in front of the app appends the address it saw to
    X-Forwarded-For, so the client's is that many entries from the end; anything further left
    was sent by the client and proves nothing.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, saying why and for how long, as a 429 with Retry-After."""
    seconds = int(get_cool_off(request).total_seconds())
    context = {
        "form": AuthenticationForm(request),
        "next": request.POST.get("next", ""),
        "lockout_minutes": math.ceil(seconds / 60),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
