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

AWS_STORAGE_BUCKET_NAME = "test-uploads"
AWS_S3_ENDPOINT_URL = None
AWS_S3_PUBLIC_ENDPOINT_URL = None
AWS_S3_ADDRESSING_STYLE = "path"
AWS_ACCESS_KEY_ID = "test-access-key"
AWS_SECRET_ACCESS_KEY = "test-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
