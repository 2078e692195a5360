"""The site's settings, with the constant page of bench/urls.py added."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
