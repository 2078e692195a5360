import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from demo.data import FEATURED_SLUG, TOP_LEVEL_SLUG
from programs.models import Program
from strategy.models import Strategy, StrategyMap

pytestmark = pytest.mark.django_db


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_twice_leaves_identical_row_counts():
    call_command("load_demo", stdout=None)
    first = row_counts()

    call_command("load_demo")

    assert row_counts() == first
    pages_and_programs = first["strategy.Strategy"] + first["programs.Program"]
    assert first["reversion.Revision"] == pages_and_programs


def test_load_demo_builds_the_maps_and_the_worked_page():
    call_command("load_demo")

    top = StrategyMap.objects.get(slug=TOP_LEVEL_SLUG)
    assert top.parent is None
    assert top.bands.count() >= 3
    zoom_maps = StrategyMap.objects.filter(parent=top)
    assert zoom_maps.count() >= 3
    assert Strategy.objects.filter(map__in=zoom_maps).exclude(slug=FEATURED_SLUG).count() >= 6
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    assert page.map.title == "Reduce Access to Opioids"
    assert page.map.zooms_into.map == top
    assert page.page_manager.username == "manager"
    assert page.expert_assignments.count() == 1
    assert page.reviews.count() == 2
    assert page.objectives.get().measures.count() >= 3
    assert page.objectives.get().actions.count() == 3

    program = Program.objects.get(slug="drug-market-intervention")
    assert program.origin == "High Point, NC, 2004"
    rutland = program.implementations.get(place="Rutland, VT")
    assert rutland.start_year == 2014
    outcomes = {o.indicator: str(o) for o in rutland.outcomes.all()}
    assert outcomes["Burglaries"] == "Burglaries -53 % (since 2013)"
    assert outcomes["Vandalism"] == "Vandalism -49 % (since 2013)"
    assert all(o.source for o in rutland.outcomes.all())


def test_demo_users_can_sign_in_with_the_printed_passwords(client, capsys):
    call_command("load_demo")
    printed = capsys.readouterr().out
    for username, password in [
        ("admin", "demo-admin-2026"),
        ("editor", "demo-editor-2026"),
        ("manager", "demo-manager-2026"),
        ("reviewer", "demo-reviewer-2026"),
    ]:
        assert f"{username:<9} {password}" in printed
        client.post(reverse("login"), {"username": username, "password": password})
        assert client.session.get("_auth_user_id"), username
        client.post(reverse("logout"))


def test_demo_page_admin_form_opens_for_its_manager(client):
    call_command("load_demo")
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    client.force_login(page.page_manager)

    response = client.get(reverse("admin:strategy_strategy_change", args=[page.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    sections = [
        "Promising programs",
        "Tools &amp; resources",
        "Scorecard: objectives",
        "Resources to investigate",
        "Page manager and review cycle",
        "Subject-matter experts",
    ]
    positions = [html.index(section) for section in sections]
    assert positions == sorted(positions), "the form follows the page's order"


def test_load_demo_if_empty_leaves_an_existing_site_alone(capsys):
    StrategyMap.objects.create(title="Our own map", slug="our-own-map")

    call_command("load_demo", "--if-empty")

    assert "already has content" in capsys.readouterr().out
    assert StrategyMap.objects.count() == 1


@override_settings(PRODUCTION=True)
def test_load_demo_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("load_demo")
    assert not StrategyMap.objects.exists()


def test_demo_reviewer_signs_in_on_the_site(client):
    call_command("load_demo")

    response = client.post(
        reverse("login"),
        {"username": "reviewer", "password": "demo-reviewer-2026"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("strategy:home")
    assert response.context["user"].username == "reviewer"
    assert "Sign out" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client):
    call_command("load_demo")

    response = client.post(reverse("login"), {"username": "reviewer", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_demo_pages_were_created_before_their_reviews_so_a_reviewer_may_back_date(client):
    call_command("load_demo")
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    earliest = page.reviews.order_by("reviewed_on").values_list("reviewed_on", flat=True)[0]
    created_on = timezone.localdate(page.created_at)
    assert all(p.created_at == page.created_at for p in Strategy.objects.all())
    assert created_on < earliest
    client.force_login(get_user_model().objects.get(username="reviewer"))
    back_dated = datetime.date(2025, 6, 2)

    response = client.post(
        reverse("reviews:add", args=[page.slug]),
        {"reviewed_on": back_dated.isoformat(), "comments": "Read the 2025 figures again."},
    )

    assert response.status_code == 302
    assert page.reviews.filter(reviewed_on=back_dated, reviewer__username="reviewer").exists()
    # The rule itself is unchanged: not before the page was created.
    too_early = created_on - datetime.timedelta(days=1)
    response = client.post(
        reverse("reviews:add", args=[page.slug]),
        {"reviewed_on": too_early.isoformat(), "comments": "Before the page existed."},
    )
    assert not page.reviews.filter(reviewed_on=too_early).exists()


def test_the_demo_manager_has_values_to_enter_and_an_overdue_action(client):
    call_command("load_demo")
    client.force_login(get_user_model().objects.get(username="manager"))

    html = client.get(reverse("updates:queue")).content.decode()

    assert "Call-in participants who accepted services: the value for" in html
    assert "Put a permanent drop box in every pharmacy in the county" in html
    assert "past its due date, Sep 30, 2026" in html
