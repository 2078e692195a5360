"""An editor previews a restore of the demo page from its history, then confirms it."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from reviews import services as review_services
from scorecards.models import DataPoint
from strategy.models import Strategy
from tests.browser.conftest import screenshot
from tests.browser.test_demo_site import sign_in_from_the_featured_page
from tests.revisions import page_change

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_previews_then_restores_the_oldest_revision(demo, page_in):
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    users = get_user_model().objects
    with page_change(page, user=users.get(username="manager"), comment="New introduction"):
        page.intro = "An introduction written after the demo."
        page.save()
    review_services.add_review(
        strategy=page,
        reviewer=users.get(username="reviewer"),
        reviewed_on=timezone.localdate(),
        comments="Read again today.",
    )
    points = DataPoint.objects.filter(measure__objective__strategy=page).count()
    tab = page_in()
    sign_in_from_the_featured_page(tab, demo, "editor")

    tab.goto(demo + f"/strategies/{FEATURED_SLUG}/history/")
    reviewed = tab.get_by_role("row").filter(has_text="Reviewed on")
    expect(reviewed.get_by_role("cell").nth(1)).to_have_text("Sam Okafor")
    tab.get_by_role("link", name="Restore this revision").last.click()

    expect(tab.get_by_role("heading", name="What the restore changes")).to_be_visible()
    expect(tab.get_by_text("An introduction written after the demo.")).to_be_visible()
    expect(tab.get_by_role("heading", name="What stays as it is")).to_be_visible()
    screenshot(tab, "restore-preview")
    tab.get_by_role("button", name="Restore this revision").click()

    expect(tab).to_have_url(f"{demo}/strategies/{FEATURED_SLUG}/")
    expect(tab.get_by_text("Data points and reviews were kept.")).to_be_visible()
    expect(tab.get_by_text("Last reviewed")).to_have_count(1)
    expect(tab.locator(".review-status")).to_contain_text("Sam Okafor")
    assert DataPoint.objects.filter(measure__objective__strategy=page).count() == points
