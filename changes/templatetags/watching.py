"""What the strategy page shows of watching, for the page's template (the public site's).

``{% watch_state strategy as watch %}`` then ``{% include "changes/includes/_watch.html" %}``:
the button is the signed-in reader's own, rendered outside the page's shared
parts, and anonymous readers (whose pages are cached) get only a sign-in link.
"""

from dataclasses import dataclass

from django import template

from changes.selectors import is_watching

register = template.Library()


@dataclass(frozen=True)
class WatchState:
    watching: bool
    # Watching because they manage the page, not by a choice of their own.
    as_manager: bool


@register.simple_tag(takes_context=True)
def watch_state(context, strategy) -> WatchState:
    """Whether the reader watches ``strategy``. One query for a signed-in reader."""
    user = context["request"].user
    watching = is_watching(user, strategy)
    return WatchState(
        watching=watching,
        as_manager=watching and strategy.page_manager_id == user.pk,
    )
