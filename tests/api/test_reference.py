"""The interactive API reference: Swagger UI from the site's own files, under its own policy."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_reference_reads_the_schema_with_the_sites_own_scripts(client):
    response = client.get(reverse("api-reference:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-schema-url="{reverse("api:schema")}"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attributes.strip() for attributes, _ in scripts] == [
        'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"',
        'src="/static/api/reference.js"',
    ]
    assert all(body.strip() == "" for _, body in scripts), "no inline script"
    assert "style=" not in html


def test_the_reference_keeps_the_sites_content_security_policy(client):
    policy = client.get(reverse("api-reference:index"))["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe" not in policy


def test_swagger_ui_is_a_static_file_of_the_site():
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert finders.find(path), path


def test_the_reference_is_read_only(client):
    assert client.post(reverse("api-reference:index")).status_code == 405
