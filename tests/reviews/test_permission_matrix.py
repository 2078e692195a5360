"""Who may do what, role by role: every cell of the table below is asserted.

                          anonymous reviewer expert owner other_manager editor superuser
read a draft                  -        -       -     yes      yes        yes     yes
read a published page        yes      yes     yes    yes      yes        yes     yes
add a review                  -       yes     yes     -        -          -       -
mark a review addressed       -        -       -     yes       -         yes     yes
edit the page                 -        -       -     yes       -         yes     yes
enter measure data            -        -       -     yes       -         yes     yes
post values with a token      -        -       -     yes       -         yes     yes
create an API token           -        -       -     yes      yes        yes     yes
add a partner                 -        -       -     yes      yes        yes     yes
rename a partner              -        -       -      -        -         yes     yes
publish                       -        -       -     yes       -         yes     yes
revert                        -        -       -      -        -         yes     yes
manage users                  -        -       -      -        -         yes     yes
see my updates queue          -        -       -     yes      yes        yes     yes
see everyone's updates        -        -       -      -        -         yes     yes

"expert" is an account named as subject-matter expert on the page and in no group;
"other_manager" manages another page. Signed-in staff read drafts to preview them,
and each has a queue of what is due for them; editors may read anyone's. Staff are who enter
values, so they alone create an API token (a reviewer's could only be refused).
A measure's owner, in no role, also posts that measure's values (tests/api/test_write_values.py).
Partners are shared by every page: any page manager adds one, only editors rename it.

Each cell is asserted twice: by doing the action on the site, and by asking the
permission the site asks for it (accounts/rules.py), which must give the same answer.
"""

import datetime

import pytest
import rules
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.authtoken.models import Token
from reversion.models import Version

from base.revisions import recorded_change
from reviews import services as review_services
from reviews.models import Review
from scorecards.models import DataPoint, Partner
from strategy.models import Strategy
from tests.admin_forms import admin_form_data
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.revisions import confirm_restore
from tests.scorecards.factories import MeasureFactory, PartnerFactory
from tests.strategy.factories import (
    EditorFactory,
    PageManagerFactory,
    ReviewerFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reviewer", "expert", "owner", "other_manager", "editor", "superuser"]
TABLE = __doc__.split("\n\n")[1].splitlines()[1:]
MATRIX = {
    " ".join(line.split()[: -len(ROLES)]): dict(
        zip(ROLES, [cell == "yes" for cell in line.split()[-len(ROLES) :]], strict=True)
    )
    for line in TABLE
}


@pytest.fixture
def world():
    owner = PageManagerFactory(username="owner")
    page = StrategyFactory(page_manager=owner, title="Published page", slug="published")
    draft = StrategyFactory(
        page_manager=owner, band=page.band, status=Strategy.Status.DRAFT, slug="draft"
    )
    expert = UserFactory(username="expert")
    ExpertAssignmentFactory(strategy=page, expert=expert)
    editor = EditorFactory(username="editor")
    people = {
        "anonymous": None,
        "reviewer": ReviewerFactory(username="reviewer"),
        "expert": expert,
        "owner": owner,
        "other_manager": StrategyFactory(page_manager=PageManagerFactory()).page_manager,
        "editor": editor,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    review_services.mark_reviewed(user=editor, strategies=Strategy.objects.filter(pk=page.pk))
    first_version = Version.objects.get_for_object(page).first()
    with recorded_change(user=editor, comment="Renamed"):
        page.title = "Renamed page"
        page.save()
    return {
        "page": page,
        "draft": draft,
        "people": people,
        "first_version": first_version,
        "review": ReviewFactory(strategy=page),
        "measure": MeasureFactory(objective__strategy=page),
        "partner": PartnerFactory(name="County Health Department"),
    }


def read_draft(client, world):
    return client.get(world["draft"].get_absolute_url()).status_code == 200


def read_published(client, world):
    return client.get(world["page"].get_absolute_url()).status_code == 200


def add_review(client, world):
    before = Review.objects.count()
    client.post(
        reverse("reviews:add", args=[world["page"].slug]),
        {"reviewed_on": datetime.date.today().isoformat(), "comments": "Looks current."},
    )
    return Review.objects.count() == before + 1


def mark_addressed(client, world):
    review = world["review"]
    client.post(reverse("reviews:address", args=[review.pk]), {"reply": "Done, thanks."})
    review.refresh_from_db()
    return review.addressed_at is not None


def edit_page(client, world):
    page = world["page"]
    url = reverse("admin:strategy_strategy_change", args=[page.pk])
    response = client.get(url)
    if response.status_code != 200:
        return False
    client.post(url, admin_form_data(response, intro="Edited intro."))
    page.refresh_from_db()
    return page.intro == "Edited intro."


def enter_measure_data(client, world):
    measure = world["measure"]
    url = reverse("admin:scorecards_measure_change", args=[measure.pk])
    response = client.get(url)
    if response.status_code != 200:
        return False
    data = admin_form_data(response)
    data.update(
        {
            "data_points-TOTAL_FORMS": "1",
            "data_points-0-period": "2026-Q1",
            "data_points-0-value": "12",
            "data_points-0-measure": str(measure.pk),
        }
    )
    client.post(url, data)
    return DataPoint.objects.filter(measure=measure, period="2026-Q1").exists()


def post_values(client, world):
    user = client.session.get("_auth_user_id")
    client.logout()  # the API reads the token alone
    headers = {}
    if user is not None:
        token = Token.objects.create(user=get_user_model().objects.get(pk=user))
        headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    measure = world["measure"]
    client.post(
        reverse("api:strategy-values", args=[world["page"].slug]),
        [{"measure": measure.pk, "period": "2026-Q2", "value": 12}],
        content_type="application/json",
        **headers,
    )
    return DataPoint.objects.filter(measure=measure, period="2026-Q2").exists()


def create_api_token(client, world):
    user = client.session.get("_auth_user_id")
    client.post(reverse("api-token:create"))
    return user is not None and Token.objects.filter(user_id=user).exists()


def add_partner(client, world):
    client.post(
        reverse("admin:scorecards_partner_add"),
        {"name": "Westside Coalition", "slug": "westside-coalition", "sector": "faith"},
    )
    return Partner.objects.filter(name="Westside Coalition").exists()


def rename_partner(client, world):
    partner = world["partner"]
    url = reverse("admin:scorecards_partner_change", args=[partner.pk])
    response = client.get(url)
    if response.status_code != 200:
        return False
    client.post(url, admin_form_data(response, name="County Health Dept."))
    partner.refresh_from_db()
    return partner.name == "County Health Dept."


def publish(client, world):
    draft = world["draft"]
    client.post(
        reverse("admin:strategy_strategy_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    return draft.status == Strategy.Status.PUBLISHED


def revert(client, world):
    page = world["page"]
    confirm_restore(client, page, world["first_version"])
    page.refresh_from_db()
    return page.title == "Published page"


def manage_users(client, world):
    client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": "a long passphrase",
            "password2": "a long passphrase",
        },
    )
    return get_user_model().objects.filter(username="newcomer").exists()


def see_my_updates_queue(client, world):
    return client.get(reverse("updates:queue")).status_code == 200


def see_everyones_updates(client, world):
    return client.get(reverse("updates:queue"), {"person": ""}).status_code == 200


ACTIONS = {
    "read a draft": read_draft,
    "read a published page": read_published,
    "add a review": add_review,
    "mark a review addressed": mark_addressed,
    "edit the page": edit_page,
    "enter measure data": enter_measure_data,
    "post values with a token": post_values,
    "create an API token": create_api_token,
    "add a partner": add_partner,
    "rename a partner": rename_partner,
    "publish": publish,
    "revert": revert,
    "manage users": manage_users,
    "see my updates queue": see_my_updates_queue,
    "see everyone's updates": see_everyones_updates,
}


def test_the_table_names_every_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, world, action, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)

    assert ACTIONS[action](client, world) is MATRIX[action][role]


def admin_may_change(user, permission, page) -> bool:
    """What the admin asks to change a page's object: the model permission, then the page rule."""
    return user.has_perm(permission) and user.has_perm("strategy.change_strategy", page)


# The question the site asks for each action. Reading a published page needs no
# right. Reviewing is asked of the rule itself: user.has_perm says yes to every superuser.
PERMISSIONS = {
    "read a draft": lambda user, world: user.has_perm("strategy.view_draft", world["draft"]),
    "read a published page": lambda user, world: world["page"].is_visible_to(user),
    "add a review": lambda user, world: rules.has_perm("reviews.add_review", user, world["page"]),
    "mark a review addressed": lambda user, world: user.has_perm(
        "strategy.change_strategy", world["review"].strategy
    ),
    "edit the page": lambda user, world: admin_may_change(
        user, "strategy.change_strategy", world["page"]
    ),
    "enter measure data": lambda user, world: admin_may_change(
        user, "scorecards.change_measure", world["measure"].objective.strategy
    ),
    "post values with a token": lambda user, world: user.has_perm(
        "scorecards.add_datapoint", world["measure"]
    ),
    "create an API token": lambda user, world: user.has_perm("api.use_token"),
    "add a partner": lambda user, world: user.has_perm("scorecards.add_partner"),
    "rename a partner": lambda user, world: user.has_perm("scorecards.change_partner"),
    "publish": lambda user, world: admin_may_change(
        user, "strategy.change_strategy", world["draft"]
    ),
    "revert": lambda user, world: user.has_perm("reversion.revert_revision"),
    "manage users": lambda user, world: user.has_perm("auth.add_user"),
    "see my updates queue": lambda user, world: user.has_perm("updates.view_queue"),
    "see everyone's updates": lambda user, world: user.has_perm("updates.view_everyones_queue"),
}


def test_every_action_has_its_permission():
    assert set(PERMISSIONS) == set(ACTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", PERMISSIONS)
def test_the_permissions_give_the_tables_answer(world, action, role):
    person = world["people"][role] or AnonymousUser()

    assert PERMISSIONS[action](person, world) is MATRIX[action][role]
