import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from base.page_cache import ContentVersionUnavailable


class BrowserPolicyMiddleware:
    """Add BROWSER_POLICY_HEADERS: no camera, microphone, location or payment; no XSS filter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in settings.BROWSER_POLICY_HEADERS.items():
            response.setdefault(name, value)
        return response


# -- The database or the cache is unreachable: a clean 503 instead of a 500 ---------------

# Raised when PostgreSQL is down, restarting or refusing connections, and when a
# connection breaks mid-request; psycopg also raises OperationalError for a
# deadlock or a cancelled statement, which a retry may cure as well. Other
# database errors (integrity, programming) are bugs and stay 500s.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_DETAIL = "The site is briefly unavailable; try again in a minute."
DATABASE_EXPLANATION = (
    "The site cannot reach its database just now, usually for a few seconds while it "
    "restarts. Please try again in a minute. If you were saving a change, check that it is "
    "there once the page loads again."
)
NOT_SAVED_DETAIL = (
    "Your change was not saved: the site cannot reach its cache just now. Try again in a minute."
)
NOT_SAVED_EXPLANATION = (
    "The site cannot reach its cache just now, so your change was not saved: nothing was "
    "changed. Go back to the form to keep what you entered, and save it again in a minute."
)
# Set on a request whose database error was turned into a 500 beneath this middleware.
_ERROR_ATTRIBUTE = "_database_unavailable_error"

logger = logging.getLogger(__name__)


def _remember_database_error(sender, request=None, **kwargs):
    """Note on the request a database error that Django is about to answer with a 500.

    Django sends ``got_request_exception`` from inside its ``except`` block, for
    errors that no ``process_exception`` handled: those raised by a middleware
    (a session saved after the view) or while rendering an error page (the 404
    page asks the session who is signed in).
    """
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_UNAVAILABLE):
        setattr(request, _ERROR_ATTRIBUTE, error)


def database_unavailable_response(request, error) -> HttpResponse:
    """The 503 answer: a page that needs no database (the API gets its JSON error)."""
    logger.error(
        "Database unavailable; answered %s %s with 503",
        request.method,
        request.path,
        exc_info=(type(error), error, error.__traceback__),
    )
    return _unavailable(request, detail=UNAVAILABLE_DETAIL, explanation=DATABASE_EXPLANATION)


def not_saved_response(request, error) -> HttpResponse:
    """The 503 answer to a save refused, and rolled back, because the cache cannot be reached."""
    logger.error(
        "Page cache unavailable; refused %s %s with 503, nothing saved",
        request.method,
        request.path,
        exc_info=(type(error), error, error.__traceback__),
    )
    return _unavailable(request, detail=NOT_SAVED_DETAIL, explanation=NOT_SAVED_EXPLANATION)


def _unavailable(request, *, detail: str, explanation: str) -> HttpResponse:
    if request.path.startswith(reverse("api:index")):
        response = JsonResponse({"detail": detail}, status=503)
        response["Access-Control-Allow-Origin"] = "*"
    else:
        # No request, so no context processors: they would ask the database who is signed in.
        page = render_to_string("503.html", {"explanation": explanation})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 "briefly unavailable", with Retry-After, while the database cannot be reached.

    A view's (or its template's) error arrives at ``process_exception``, and the
    answer then passes out through every middleware like any other. An error
    raised by a middleware beneath this one, or by an error page, has already
    become a 500 by the time it gets here: it is recognised by the note
    ``_remember_database_error`` left on the request, and the 500 is replaced;
    the header middlewares sit above this one, so the 503 gets their headers
    either way. Put this above SessionMiddleware: sessions, and so the signed-in
    user, are read from the database.

    A save refused because the page cache cannot be reached (the view's
    transaction rolled back, base/page_cache.py) gets the same 503, saying
    that the change was not saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(
            _remember_database_error, dispatch_uid="config.middleware.database_unavailable"
        )

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _ERROR_ATTRIBUTE, None)
        if error is not None and response.status_code == 500:
            response = database_unavailable_response(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request, exception)
        if isinstance(exception, ContentVersionUnavailable):
            return not_saved_response(request, exception)
        return None
