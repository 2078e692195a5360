"""No two elements of a page share an id, whoever reads it (ids name anchors and labels)."""

import io
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.data import FEATURED_SLUG
from reviews.models import Review

pytestmark = pytest.mark.django_db


class IdReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def duplicate_ids(html: str) -> dict[str, int]:
    reader = IdReader()
    reader.feed(html)
    return {id_: count for id_, count in reader.ids.items() if count > 1}


@pytest.mark.parametrize("username", ["manager", "editor", "reviewer", None])
def test_the_strategy_page_has_no_duplicate_ids(client, username):
    call_command("load_demo", stdout=io.StringIO())
    page_url = f"/strategies/{FEATURED_SLUG}/"
    # More than one review waits for its manager's answer, each with its own form.
    assert Review.objects.filter(strategy__slug=FEATURED_SLUG, addressed_at=None).count() > 1
    if username:
        client.force_login(get_user_model().objects.get(username=username))

    html = client.get(page_url).content.decode()

    if username in ("manager", "editor"):
        assert html.count("Mark addressed") > 1
    assert duplicate_ids(html) == {}
