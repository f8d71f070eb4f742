"""Create (or reset) the demo login for local development. Refuses to run with DEBUG off.

The demo user is also a superuser, so `make dev` shows the Documents admin with its upload
widgets; that is why it never runs in production.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the dev-only demo user from DEMO_USER / DEMO_PASSWORD (default demo / demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo user is for local development only (DJANGO_DEBUG=true).")
        username = os.environ.get("DEMO_USER") or "demo"
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        user, created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        self.stdout.write(f"Demo user {username!r} {'created' if created else 'ready'}.")
