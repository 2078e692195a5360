"""The demo manager adds an objective with a measure, a value and an action on the page's form."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from demo.data import FEATURED_SLUG
from scorecards.models import Action, DataPoint, Measure, Objective
from strategy.models import Strategy
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_demo_site import sign_in_from_the_featured_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_manager_adds_an_objective_with_its_measure_value_and_action_on_the_page_form(
    demo, page_in
):
    page = Strategy.objects.get(slug=FEATURED_SLUG)
    index = page.objectives.count()
    tab = page_in(width=1280)
    # Script errors and refusals by the content security policy reach the console.
    problems = []
    tab.on("console", lambda message: message.type == "error" and problems.append(message.text))
    tab.on("pageerror", lambda error: problems.append(str(error)))
    sign_in_from_the_featured_page(tab, demo, "manager")

    tab.goto(demo + reverse("admin:strategy_strategy_change", args=[page.pk]))
    first_measure = tab.locator("#objectives-0-measures-0")
    # A measure's baseline, target and tolerance start folded away.
    folded = first_measure.locator("details").filter(has_text="Baseline, target and tolerance")
    expect(folded).not_to_have_attribute("open", "")
    expect(tab.locator("#id_objectives-0-measures-0-baseline_value")).to_be_hidden()
    screenshot(tab, "admin-page-form-scorecard")

    tab.locator("a.djn-add-handler.djn-model-scorecards-objective").click()
    objective = tab.locator(f"#objectives-{index}")
    new = f"#id_objectives-{index}"
    tab.locator(f"{new}-title").fill("Keep young people in school")
    objective.locator("a.djn-add-handler.djn-model-scorecards-measure").click()
    tab.locator(f"{new}-measures-0-name").fill("Graduation rate")
    tab.locator(f"{new}-measures-0-unit").fill("%")
    measure = tab.locator(f"#objectives-{index}-measures-0")
    measure.locator("summary").filter(has_text="Baseline, target and tolerance").click()
    tab.locator(f"{new}-measures-0-target_value").fill("90")
    # A new measure comes with an empty row for its first value.
    # A graduation rate is counted by the school year: its value is a year's.
    tab.locator(f"{new}-measures-0-frequency").select_option("yearly")
    tab.locator(f"{new}-measures-0-data_points-0-period").fill("2025")
    tab.locator(f"{new}-measures-0-data_points-0-value").fill("81.5")
    objective.locator("a.djn-add-handler.djn-model-scorecards-action").click()
    tab.locator(f"{new}-actions-0-title").fill("Mentor ninth graders")
    objective.screenshot(path=SCREENSHOTS / "admin-page-form-new-objective.png")

    tab.get_by_role("button", name="Save", exact=True).click()

    expect(tab.locator(".messagelist")).to_contain_text("was changed successfully")
    added = Objective.objects.get(strategy=page, title="Keep young people in school")
    assert Measure.objects.get(objective=added).target_value == 90
    assert DataPoint.objects.get(measure__objective=added).period == "2025"
    assert Action.objects.get(objective=added).title == "Mentor ninth graders"
    assert problems == []
