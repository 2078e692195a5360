"""The job queue's rows stay out of the authoring admin: they are the operators' to read,
in the worker's log (`journalctl -u strategy-maps-worker`), and a failed book tells its
reader so itself."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)
