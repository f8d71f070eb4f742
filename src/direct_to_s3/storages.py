"""The three classic S3 storages: static files, public media and private media.

None sets object ACLs: public reading of `static/` and `media/` comes from the bucket policy
written by `manage.py s3_setup`, so they work on buckets with ACLs disabled.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.contrib.staticfiles.storage import ManifestFilesMixin
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from direct_to_s3 import s3

# A name collectstatic gave a content hash: `app.1a2b3c4d5e6f.css`. Its bytes never change.
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}(\.[^./]+)?$")
CACHE_FOREVER = "public, max-age=31536000, immutable"
# Unhashed copies and the manifest change in place: caches must check before reusing them.
CACHE_REVALIDATE = "no-cache"


class _PublicPrefixStorage(S3Storage):
    """Unsigned URLs on the public base (CDN, custom domain or the browser-facing endpoint)."""

    querystring_auth = False
    default_acl = None

    def url(
        self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        return s3.public_url(self._normalize_name(clean_name(name)))


# ManifestFilesMixin.url (hashed names) and the S3 storage's url differ in signature; the
# mixin's comes first and is the one used.
class StaticStorage(ManifestFilesMixin, _PublicPrefixStorage):  # type: ignore[misc]
    """collectstatic's files under `static/`, pages linking to their hashed names.

    Hashed names are cached for a year by browsers and the CDN. The manifest (hashed name of
    each file) is read from the bucket on first use rather than on construction, so building
    the storage never touches the network and DEBUG pages (unhashed names) never need it.
    """

    location = "static"
    file_overwrite = True
    # The upload page's ES modules import each other: rewrite those imports to hashed names
    # too, or a year-cached module could import a stale sibling after a deploy.
    support_js_module_import_aggregation = True

    def __init__(self, **settings: Any) -> None:
        # Skips ManifestFilesMixin.__init__, whose only extra is reading the manifest right away.
        super(ManifestFilesMixin, self).__init__(**settings)
        self.manifest_storage = self
        self._hashed_files: dict[str, str] | None = None
        self._manifest_hash: str | None = None

    def _ensure_manifest(self) -> None:
        if self._hashed_files is None:
            files, manifest_hash = cast(tuple[dict[str, str], str], self.load_manifest())
            self._hashed_files, self._manifest_hash = files, manifest_hash

    @property
    def hashed_files(self) -> dict[str, str]:
        self._ensure_manifest()
        return cast(dict[str, str], self._hashed_files)  # the same dict: collectstatic fills it

    @hashed_files.setter
    def hashed_files(self, value: dict[str, str]) -> None:
        self._hashed_files = value

    @property
    def manifest_hash(self) -> str:
        self._ensure_manifest()
        return cast(str, self._manifest_hash)

    @manifest_hash.setter
    def manifest_hash(self, value: str) -> None:
        self._manifest_hash = value

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = super().get_object_parameters(name)
        params.setdefault(
            "CacheControl", CACHE_FOREVER if HASHED_NAME.search(name) else CACHE_REVALIDATE
        )
        return params


class PublicMediaStorage(_PublicPrefixStorage):
    location = "media"
    file_overwrite = False


class PrivateMediaStorage(S3Storage):
    location = "private"
    default_acl = None
    file_overwrite = False
    querystring_auth = True
    custom_domain = False
