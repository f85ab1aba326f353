"""Settings for the test suite: production-like (DEBUG off) but fast and self-contained."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("LOCALSAFETY_DEBUG", "0")
os.environ.setdefault(
    "LOCALSAFETY_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef"
)
os.environ.setdefault("LOCALSAFETY_SSL_REDIRECT", "0")
os.environ.setdefault("LOCALSAFETY_SECURE_COOKIES", "0")
os.environ.setdefault("LOCALSAFETY_HSTS_SECONDS", "0")
# Each test worker keeps fragments in memory, so pinned query counts do not include cache
# reads; test_fragments.py checks the database cache production uses by default.
os.environ.setdefault("LOCALSAFETY_CACHE_URL", "locmem://")

from localsafety.settings import *  # noqa: E402, F403
from localsafety.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="localsafety-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
