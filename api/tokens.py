"""A person's API token, on their account page: create (or replace) it, or revoke it.

REST framework's ``Token`` (``rest_framework.authtoken``) holds one key per
person, in clear, which ``TokenAuthentication`` compares with the
``Authorization: Token <key>`` header of a write (``api/writes.py``). The page
shows the key once, in the answer to the post that created it, and never
again: it is a password for scripts, and a person who lost it replaces it.
``manage.py drf_create_token <username>`` makes one too (``-r`` replaces it).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from rest_framework.authtoken.models import Token


def replace_token(*, user) -> Token:
    """A new token for ``user``, in place of the one they had. The old key stops working."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def revoke_token(*, user) -> bool:
    """Delete ``user``'s token; whether they had one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


def _page(request, *, new_key: str | None = None):
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "api/token.html",
        {
            "token": token,
            "new_key": new_key,
            "values_url": request.build_absolute_uri(
                reverse("api:strategy-values", args=["SLUG"])
            ).replace("SLUG", "<slug>"),
        },
    )


@never_cache
@login_required
@require_safe
def token(request):
    """Whether the person has a token, with the forms to create, replace or revoke it."""
    return _page(request)


@never_cache
@login_required
@require_POST
def create(request):
    """Make a new token and show its key, this once (no redirect: it is not kept to show)."""
    return _page(request, new_key=replace_token(user=request.user).key)


@login_required
@require_POST
def revoke(request):
    if revoke_token(user=request.user):
        messages.success(request, "Your API token was revoked: it no longer works.")
    return redirect("api-token:index")
