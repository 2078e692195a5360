"""Every response carries the browser protections the site relies on."""

import pytest
from django.core.management import call_command
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
