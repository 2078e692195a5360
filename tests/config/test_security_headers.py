"""Every response carries the browser protections the site relies on."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_forbid_framing_and_foreign_scripts(client):
    response = client.get(reverse("strategy:home"))

    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_site_uses_no_inline_script_or_style(client):
    call_command("load_demo")
    for url in [reverse("strategy:home"), "/strategies/reduce-access-to-opioids/", "/programs/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and ' style="' not in html, url


def test_every_kind_of_answer_turns_the_old_xss_filter_off(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    fresh = Client()  # WhiteNoise reads its settings when the middleware is built
    answers = {
        "page": client.get(reverse("strategy:home")),
        "not found": client.get("/no-such-page/"),
        "api": client.get("/api/"),
        "sign-in form": client.get(reverse("login")),
        "static file": fresh.get("/static/favicon.svg"),
    }
    for kind, response in answers.items():
        assert response["X-XSS-Protection"] == "0", kind
        assert "camera=()" in response["Permissions-Policy"], kind
    assert answers["static file"].status_code == 200


def test_the_csrf_cookie_is_out_of_reach_of_scripts(client):
    response = client.get(reverse("login"))

    assert response.cookies["csrftoken"]["httponly"]
