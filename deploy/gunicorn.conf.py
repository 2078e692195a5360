"""gunicorn settings for the load and fault drill (bench/soak.py, docs/deploy.md).

gunicorn -c deploy/gunicorn.conf.py config.wsgi

Production serves with granian (deploy/granian.env).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core is gunicorn's usual starting point for a mostly I/O-bound site.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
timeout = 30
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# nginx in front terminates TLS and sets X-Forwarded-Proto (trusted via
# DJANGO_SECURE_PROXY_SSL_HEADER=true); only it may talk to gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
