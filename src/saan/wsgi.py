"""WSGI entry point for gunicorn or granian: ``gunicorn saan.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saan.settings")
application = get_wsgi_application()
