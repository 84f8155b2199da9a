"""A minimal Django project for test/integration/clients.sh: settings and one unmanaged model."""
