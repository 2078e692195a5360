"""Who may do what: every access rule of the site, in one place.

The predicates say who a person is to a page; the permissions registered at
the end name what they may do with it, and ``user.has_perm`` answers for the
admin, the views, the templates and the services alike::

    user.has_perm("strategy.change_strategy", page)

Model-level rights (may this person use the measures' admin at all?) stay with
the groups' model permissions, which Django's ``ModelBackend`` answers. The
permissions below that share a name with a model permission answer only about
an object: asked without one they say no and leave the answer to the groups;
asked about a page they are the page rule. So in the admin
``has_change_permission(request)`` is what the groups give, and
``has_change_permission(request, measure)`` adds "and the measure's page is
theirs".

Django's ``User.has_perm`` says yes to every active superuser before any rule
is asked. A superuser is no reviewer, so whether someone may review a page is
asked of the rule itself: ``rules.has_perm("reviews.add_review", user, page)``.

The predicates read only the objects they are given (a page's
``page_manager_id``, its prefetched expert assignments, the user's groups and
related rows), so this module imports no other app of the site.
"""

import rules

from accounts import roles

# The model permission that makes an editor; superusers hold it too.
EDIT_EVERY_PAGE = "strategy.edit_all_strategies"


@rules.predicate
def is_signed_in(user) -> bool:
    """A signed-in, active account."""
    return user.is_authenticated and user.is_active


def role_names(user) -> set[str]:
    """The groups a signed-in user belongs to. One query."""
    if not is_signed_in(user):
        return set()
    return set(user.groups.values_list("name", flat=True))


@rules.predicate
def is_editor(user) -> bool:
    """Holds ``edit_all_strategies`` (Editors and superusers): changes every page."""
    return is_signed_in(user) and user.has_perm(EDIT_EVERY_PAGE)


@rules.predicate
def is_page_manager_of(user, page) -> bool:
    """Named as the page's manager. No query."""
    return page is not None and is_signed_in(user) and page.page_manager_id == user.pk


@rules.predicate
def is_reviewer(user) -> bool:
    """A member of the Reviewers group. One query for a signed-in user, none otherwise."""
    return roles.REVIEWERS in role_names(user)


@rules.predicate
def is_expert_on(user, page) -> bool:
    """Named as a subject-matter expert on the page; uses prefetched experts when there are any."""
    return (
        page is not None
        and is_signed_in(user)
        and any(assignment.expert_id == user.pk for assignment in page.expert_assignments.all())
    )


@rules.predicate
def may_read_drafts(user) -> bool:
    """Signed-in staff (page managers, editors) read every page, drafts and archived ones too.

    They preview pages on the site under a "not public" banner; what they may
    change is ``may_edit_page``.
    """
    return is_signed_in(user) and user.is_staff


# The page's manager changes it and what hangs off it; editors change every page.
may_edit_page = is_page_manager_of | is_editor


@rules.predicate
def is_owner_of(user, measure) -> bool:
    """Named as the measure's owner, who enters its values. No query."""
    return measure is not None and is_signed_in(user) and measure.owner_id == user.pk


@rules.predicate
def manages_page_of(user, measure) -> bool:
    """Manages the page the measure is on (read through ``measure.objective.strategy``)."""
    return measure is not None and is_page_manager_of(user, measure.objective.strategy)


@rules.predicate
def owns_a_measure_on(user, page) -> bool:
    """Named as the owner of one of the page's measures. One query."""
    return (
        page is not None
        and is_signed_in(user)
        and user.owned_measures.filter(objective__strategy=page).exists()
    )


# A measure's values are entered by its owner, as well as by whoever may edit its page.
may_enter_values_of = is_owner_of | manages_page_of | is_editor
# Someone who may enter the values of some of the page's measures (the API asks first).
may_enter_values_on = may_edit_page | owns_a_measure_on

# A revision can span several pages (a bulk action, an import) and reverting
# restores all of it, so only editors revert or recover deleted objects.
may_revert = is_editor

# Reviewers review every page they can read; an expert reviews the pages naming them.
may_review_page = is_expert_on | is_reviewer


@rules.predicate
def may_use_dashboard(user) -> bool:
    """Reviewers, experts, page managers and editors: everyone with a part in reviews."""
    if not is_signed_in(user):
        return False
    if role_names(user) & {roles.REVIEWERS, roles.PAGE_MANAGERS} or is_editor(user):
        return True
    return user.managed_strategies.exists() or user.expert_assignments.exists()


# Signed-in staff keep a queue of what is due for them (values, actions, reviews);
# editors, who answer for every page, may read anyone's.
may_use_updates = may_read_drafts
may_read_everyones_updates = is_editor

# An API token serves to post values, which page managers, editors and measures' owners
# enter: all staff (the admin offers only staff as a measure's owner).
may_use_api_token = may_read_drafts


@rules.predicate
def about_an_object(user, obj) -> bool:
    """The permission is asked about an object, not about the model as a whole."""
    return obj is not None


# Object permissions with a model permission of the same name.
rules.add_perm("strategy.change_strategy", about_an_object & may_edit_page)
rules.add_perm("reviews.add_review", about_an_object & may_review_page)
# Asked about a measure: may store its values (not about a page, which is the page rule).
rules.add_perm("scorecards.add_datapoint", about_an_object & may_enter_values_of)
# Rules of their own, with no model permission behind them.
rules.add_perm("strategy.view_draft", may_read_drafts)
rules.add_perm("scorecards.enter_values", about_an_object & may_enter_values_on)
rules.add_perm("reversion.revert_revision", may_revert)
rules.add_perm("reviews.view_dashboard", may_use_dashboard)
rules.add_perm("updates.view_queue", may_use_updates)
rules.add_perm("updates.view_everyones_queue", may_read_everyones_updates)
rules.add_perm("api.use_token", may_use_api_token)
