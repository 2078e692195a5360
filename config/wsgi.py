import os

from django.core.wsgi import get_wsgi_application

from config.early_hits import CacheHitsFirst

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Page-cache hits are answered before Django handles the request (config/early_hits.py).
application = CacheHitsFirst(get_wsgi_application())
