"""A person's API token, on their account page: create (or replace) it, or revoke it.

REST framework's ``Token`` (``rest_framework.authtoken``) holds one key per
person, in clear, which ``TokenAuthentication`` compares with the
``Authorization: Token <key>`` header of a write (``api/writes.py``). Creating
or replacing a token redirects to the page (post/redirect/get), which shows the
new key on the next visit only: the session keeps it until then, and reloading
the page neither shows it again nor makes another. It is a password for scripts,
and a person who lost it replaces it. ``manage.py drf_create_token <username>``
makes one too (``-r`` replaces it).

Only the people who may enter values (staff: page managers, editors and
measures' owners; the permission ``api.use_token``) have the page; others get
a 403 page saying why.
"""

import json
import shlex

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from rest_framework.authtoken.models import Token

from scorecards.models import Measure
from strategy.models import Strategy

# Where the session keeps a new key until the page shows it, once.
NEW_KEY = "api_token_new_key"
STAFF_ONLY = (
    "An API token is for posting values of measures, which page managers, editors and "
    "measures' owners enter. Your account is none of these: ask an editor if you should "
    "enter values."
)
EXAMPLE_PERIOD = "2026-Q4"


def replace_token(*, user) -> Token:
    """A new token for ``user``, in place of the one they had. The old key stops working."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def revoke_token(*, user) -> bool:
    """Delete ``user``'s token; whether they had one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


def example_measure(user) -> Measure | None:
    """A measure ``user`` may post values of, with its page, for the page's example: the
    first of the pages they manage or the measures they own, or for an editor with none, the
    site's first. One query (an editor with none of their own: four)."""
    measures = Measure.objects.select_related("objective__strategy").order_by(
        "objective__strategy__title", "objective__order", "order", "pk"
    )
    theirs = measures.filter(Q(owner=user) | Q(objective__strategy__page_manager=user)).first()
    if theirs is not None:
        return theirs
    return measures.filter(objective__strategy__in=Strategy.objects.editable_by(user)).first()


def _values_url(request, slug: str) -> str:
    return request.build_absolute_uri(reverse("api:strategy-values", args=["SLUG"])).replace(
        "SLUG", slug
    )


def _forbidden(request):
    return render(request, "api/token_forbidden.html", {"message": STAFF_ONLY}, status=403)


@never_cache
@login_required
@require_safe
def token(request):
    """Whether the person has a token, with the forms to create, replace or revoke it; a
    token just created, shown this once; and an example post to a page of theirs."""
    if not request.user.has_perm("api.use_token"):
        return _forbidden(request)
    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop(NEW_KEY, None)
    measure = example_measure(request.user)
    # A template, not a post to send as it is: the period may already have a value, which
    # the post would replace, so the period and the value are left for the reader to fill
    # in. Sent unchanged, it is refused and changes nothing.
    period = measure.latest_due_period(timezone.localdate()).label if measure else EXAMPLE_PERIOD
    example = {
        "measure": measure.name if measure else "<measure name or id>",
        "period": f"<period, e.g. {period}>",
        "value": "<number>",
        "note": "Provisional",
    }
    return render(
        request,
        "api/token.html",
        {
            "token": token,
            # A key revoked or replaced since (in another tab) is no longer worth showing.
            "new_key": new_key if token and token.key == new_key else None,
            "measure": measure,
            "values_url": _values_url(
                request, measure.objective.strategy.slug if measure else "<slug>"
            ),
            "example_body": shlex.quote(json.dumps([example], ensure_ascii=False)),
        },
    )


@login_required
@require_POST
def create(request):
    """Make a new token in place of any other, and show its key on the page, once."""
    if not request.user.has_perm("api.use_token"):
        return _forbidden(request)
    request.session[NEW_KEY] = replace_token(user=request.user).key
    return redirect("api-token:index")


@login_required
@require_POST
def revoke(request):
    if not request.user.has_perm("api.use_token"):
        return _forbidden(request)
    request.session.pop(NEW_KEY, None)
    if revoke_token(user=request.user):
        messages.success(request, "Your API token was revoked: it no longer works.")
    return redirect("api-token:index")
