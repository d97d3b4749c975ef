"""WSGI entry point that gunicorn loads (zsreplica.wsgi:application)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zsreplica.settings")
application = get_wsgi_application()
