"""The demo's top-level map shows two themes, and a theme chosen since is kept."""

import pytest
from django.core.management import call_command

from demo.data import TOP_LEVEL_SLUG
from strategy.models import Strategy, Theme

pytestmark = pytest.mark.django_db


def test_the_top_map_has_two_themes_of_two_pages_each():
    call_command("load_demo")

    themed = Strategy.objects.filter(map__slug=TOP_LEVEL_SLUG, theme__isnull=False)
    assert themed.count() == 4
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
