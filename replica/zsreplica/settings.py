"""Settings of the staging replica: DRF + djoser + simplejwt configured as the
Zonesmart authentication page describes. Everything that matters for the
conformance suite is here, so the libraries do the auth work unchanged."""
import os
import tempfile
from datetime import timedelta

# Test replica only: both keys are public on purpose.
SECRET_KEY = "replica-django-secret-key-not-secret"
SIGNING_KEY = os.environ.get("REPLICA_SIGNING_KEY", "replica-test-signing-key-not-secret")

# "upstream": the stock stack; "doc-literal": refresh also answers GET, as the page shows.
REPLICA_MODE = os.environ.get("REPLICA_MODE", "upstream")
if REPLICA_MODE not in ("upstream", "doc-literal"):
    raise RuntimeError("REPLICA_MODE must be 'upstream' or 'doc-literal', not %r" % REPLICA_MODE)

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "djoser",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "zsreplica.urls"
WSGI_APPLICATION = "zsreplica.wsgi.application"

# Needed only so DRF's browsable API renders if a browser asks for text/html.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
STATIC_URL = "/static/"

# The start script points this at a fresh temporary directory outside the
# repository; the default is only for running manage.py by hand.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get(
            "REPLICA_DB_PATH", os.path.join(tempfile.gettempdir(), "zs-replica.sqlite3")
        ),
    }
}

AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    # JWT first: DRF takes the WWW-Authenticate header from the first class,
    # which is what turns an unauthenticated answer into 401 + `JWT realm="api"`.
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=2),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=90),
    "AUTH_HEADER_TYPES": ("JWT",),
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SIGNING_KEY,
    # Adds the page's custom claims (email, phone, username, access_until, has_access).
    "TOKEN_OBTAIN_SERIALIZER": "accounts.serializers.TokenObtainPairSerializer",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
