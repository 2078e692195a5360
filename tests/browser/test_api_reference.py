"""The API reference as a browser draws it: Swagger UI under the site's content security policy."""

import pytest

from tests.browser.conftest import screenshot
from tests.strategy.factories import StrategyFactory

# The same database handling as the other browser tests, whose demo content is
# restored after each (a plain transactional test here would leave new content
# types behind that the restore then clashes with).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_swagger_ui_draws_every_endpoint_without_breaking_the_policy(live_server, page_in):
    StrategyFactory(title="Reduce Illegal Sales")
    tab = page_in(width=1280)
    refused = []
    tab.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    tab.goto(live_server.url + "/api-reference/")
    tab.wait_for_selector(".opblock-summary-path")
    tab.locator(".opblock-summary", has_text="/api/strategies/{slug}/").first.click()
    tab.wait_for_selector(".responses-wrapper")
    screenshot(tab, "api-reference")

    paths = tab.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/strategies/{slug}/scorecard/" in [path.replace("\u200b", "") for path in paths]
    assert tab.locator(".info .title").inner_text().startswith("Strategy maps and scorecards API")
    assert refused == []
