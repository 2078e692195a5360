"""The job queue's work for briefing books (django-tasks; the backend is chosen by
``DJANGO_TASKS_BACKEND``, see config/settings.py)."""

from django_tasks import task

from books.services import build_map_book_now


@task()
def build_map_book(book_id: int) -> None:
    """Build a map's briefing book, queued by ``books.services.map_book``."""
    build_map_book_now(book_id)
