"""Where each item of the updates queue is done: one function per kind of item.

The queue page and the weekly e-mail both link through these, so a better
place to do one kind of update is changed here once.
"""

from django.urls import reverse


def value_entry_url(measure) -> str:
    """Where a measure's values are entered: the data-entry grid of its objective."""
    page_grid = reverse(
        "admin:strategy_strategy_enter_values", args=[measure.objective.strategy_id]
    )
    return f"{page_grid}?objective={measure.objective_id}"


def action_update_url(action) -> str:
    """Where an action's status and dates are changed: its objective's admin form."""
    return reverse("admin:scorecards_objective_change", args=[action.objective_id])


def review_answer_url(review) -> str:
    """Where a review is answered: the comment on its page, with the form to mark it addressed."""
    return review.get_absolute_url()


def mark_reviewed_url(page) -> str:
    """The admin's list of pages showing this one page, whose action "Mark the selected
    pages reviewed today" restarts its review cycle."""
    return f"{reverse('admin:strategy_strategy_changelist')}?id__exact={page.pk}"


def page_manager_url(page) -> str:
    """Where a page's manager is named, who answers for what nobody else on it is named for:
    the page's admin form."""
    return reverse("admin:strategy_strategy_change", args=[page.pk])
