"""The demo's top-level map shows its two themes, and a theme chosen since is kept."""

import pytest
from django.core.management import call_command

from demo.data import TOP_LEVEL_SLUG
from strategy.models import Strategy, Theme

pytestmark = pytest.mark.django_db


def test_every_page_of_the_top_map_belongs_to_a_theme():
    call_command("load_demo")

    top_pages = Strategy.objects.filter(map__slug=TOP_LEVEL_SLUG)
    assert not top_pages.filter(theme__isnull=True).exists()
    assert set(Theme.objects.values_list("name", flat=True)) == {
        "Prevention",
        "Rescue and recovery",
    }


def test_loading_again_keeps_a_theme_chosen_since():
    call_command("load_demo")
    own = Theme.objects.create(name="Our own", colour="#123456")
    page = Strategy.objects.get(slug="reduce-access-to-opioids")
    page.theme = own
    page.save()

    call_command("load_demo")

    page.refresh_from_db()
    assert page.theme == own
