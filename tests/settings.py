"""Test settings: the app's own settings, isolated from the developer's environment.

Unit tests talk to moto (AWS-style endpoint); integration and e2e fixtures point the S3 settings
at a real SeaweedFS they start themselves.
"""

import os

_OWN_PREFIXES = ("AWS_", "DJANGO_", "UPLOAD_", "S3_", "SIGNED_URL", "USE_S3")
for _name in list(os.environ):
    if _name.startswith(_OWN_PREFIXES):
        del os.environ[_name]
# Never read the developer's own AWS configuration or credentials.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

from config.settings import *  # noqa: E402, F403

# The S3 storages on AWS-style addresses (moto answers them), with throw-away keys.
TEST_S3_OPTIONS = {
    "bucket_name": "test-uploads",
    "endpoint_url": None,
    "addressing_style": "path",
    "access_key": "test-access-key",
    "secret_key": "test-secret-key",
}
STORAGES = {
    alias: {**config, "OPTIONS": {**config["OPTIONS"], **TEST_S3_OPTIONS}}
    if "OPTIONS" in config
    else config
    for alias, config in STORAGES.items()  # noqa: F405
}
DIRECT_TO_S3 = {**DIRECT_TO_S3, "BROWSER_ENDPOINT_URL": None}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A project's own model using the app's model fields (tests/testapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
