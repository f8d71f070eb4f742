"""gunicorn's entry point in the benchmark stack: the app, its received bytes counted per worker."""

from __future__ import annotations

import os
from pathlib import Path

from config.wsgi import application as django_application
from devtools.meter import ByteMeter

application = ByteMeter(django_application, Path(os.environ["METER_DIR"]))
