"""Minimal Django settings behind PgBouncer in transaction mode
(test/integration/clients.sh; docs/clients.md).  The connection comes from
the environment the script sets (WT_HOST, WT_PORT, WT_DB, WT_USER)."""
import os

SECRET_KEY = "test-only"
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = ["wtdjango"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ["WT_HOST"],
        "PORT": os.environ["WT_PORT"],
        "NAME": os.environ["WT_DB"],
        "USER": os.environ["WT_USER"],
        # A server-side cursor (DECLARE ... WITHOUT HOLD) lives in one
        # transaction, but Django's iterator() may fetch from it after the
        # pooler has handed the connection on: off, as Django's docs say for
        # transaction pooling.
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # Close the connection after each request (Django's default); the
        # pooler keeps the server connections.
        "CONN_MAX_AGE": 0,
        # The test database is a copy of a template that has the extension
        # (CREATE EXTENSION needs a superuser; Django's test runner does not
        # run it): see docs/clients.md.
        "TEST": {"TEMPLATE": os.environ.get("WT_TEST_TEMPLATE", "template1")},
    }
}
