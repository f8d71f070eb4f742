"""Settings for `make bench` and `make loadtest`: the site's, plus the benchmark-only views.

Never used in production: the proxy view reads file bytes through Django on purpose.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "devtools.urls"
