"""Who may review a page, answer its reviews and see the review dashboard.

The rules are checked per object in Python so that the strategy page, which
has the page and its experts loaded already, costs an anonymous reader no
query to decide them.
"""

from reviews import roles
from strategy.models import can_edit_all_pages


def _signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def role_names(user) -> set[str]:
    """The groups a signed-in user belongs to. One query."""
    if not _signed_in(user):
        return set()
    return set(user.groups.values_list("name", flat=True))


def is_reviewer(user) -> bool:
    """A member of the Reviewers group. One query for a signed-in user, none otherwise."""
    return roles.REVIEWERS in role_names(user)


def is_expert_on(user, strategy) -> bool:
    """Named as a subject-matter expert on the page; uses prefetched experts when there are any."""
    return _signed_in(user) and any(
        assignment.expert_id == user.pk for assignment in strategy.expert_assignments.all()
    )


def can_review(user, strategy) -> bool:
    """Reviewers review every page they can read; an expert reviews the pages naming them."""
    return _signed_in(user) and (is_expert_on(user, strategy) or is_reviewer(user))


def can_edit(user, strategy) -> bool:
    """The page's manager and editors."""
    return strategy.is_editable_by(user)


def can_use_dashboard(user) -> bool:
    """Reviewers, experts, page managers and editors: everyone with a part in reviews."""
    if not _signed_in(user):
        return False
    if role_names(user) & {roles.REVIEWERS, roles.PAGE_MANAGERS} or can_edit_all_pages(user):
        return True
    return user.managed_strategies.exists() or user.expert_assignments.exists()
