"""The review parts of the strategy page cost anonymous readers nothing, and others a fixed few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import Review
from tests.public.test_public_pages import fill_page

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def address_all(page, owner):
    page.reviews.update(
        addressed_at=timezone.now(), addressed_by=owner, addressed_by_name="Maria", reply="Done."
    )


def test_anonymous_page_with_answered_reviews_still_costs_thirteen_queries(client, page, owner):
    fill_page(page, 1)
    address_all(page, owner)
    small = queries_for(client, page.get_absolute_url())
    fill_page(page, 29)
    address_all(page, owner)
    large = queries_for(client, page.get_absolute_url())
    assert small == large == 13
    assert "Addressed</strong> by Maria" in client.get(page.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["reviewer", "owner", "editor"])
def test_signed_in_page_cost_does_not_grow_with_the_page(
    client, page, reviewer, owner, editor, who
):
    client.force_login({"reviewer": reviewer, "owner": owner, "editor": editor}[who])
    fill_page(page, 1)
    small = queries_for(client, page.get_absolute_url())
    fill_page(page, 29)
    large = queries_for(client, page.get_absolute_url())
    assert small == large
    assert Review.objects.filter(strategy=page).count() == 30
