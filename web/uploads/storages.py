"""The three classic S3 storages: static files, public media and private media.

None sets object ACLs: public reading of `static/` and `media/` comes from the bucket policy
written by `manage.py s3_setup`, so they work on buckets with ACLs disabled.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from uploads import s3


class _PublicPrefixStorage(S3Storage):
    """Unsigned URLs on the public base (CDN, custom domain or the browser-facing endpoint)."""

    querystring_auth = False
    default_acl = None

    def url(self, name, parameters=None, expire=None, http_method=None):
        return s3.public_url(self._normalize_name(clean_name(name)))


class StaticStorage(_PublicPrefixStorage):
    location = "static"
    file_overwrite = True


class PublicMediaStorage(_PublicPrefixStorage):
    location = "media"
    file_overwrite = False


class PrivateMediaStorage(S3Storage):
    location = "private"
    default_acl = None
    file_overwrite = False
    querystring_auth = True
    custom_domain = False
