"""Every POST the site accepts needs a CSRF token: without one, nothing runs and nothing changes.

The sweep walks the whole URL resolver (the site, the accounts pages, the API and
the admin at ``settings.ADMIN_PATH``), builds a real URL for every pattern from
factory-made objects, and posts to each without a token, as a signed-in superuser
and as an anonymous visitor, each holding a valid CSRF cookie (as a victim's
browser would). Every answer must be Django's CSRF rejection (a 403 that the
``django.security.csrf`` logger reports) or a 405 from a view that takes no POST
(or the 401 of the API's write, which reads a token and never the session), and no
row of any table may change.

The list of URLs is explicit so that it stays complete: a new URL pattern, a new
ModelAdmin extra view or a newly registered model fails
``test_every_url_pattern_is_swept`` until this file says how to build its URL.
Every registered ModelAdmin's standard views (and reversion's) are built
automatically from ``admin.site._registry``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from reversion.models import Version

from accounts import roles
from reviews.models import Review
from strategy.models import Theme
from tests.programs.factories import (
    EvidenceRatingFactory,
    ImplementationFactory,
    OutcomeFactory,
    ProgramFactory,
    ResourceFactory,
)
from tests.reviews.factories import ExpertAssignmentFactory, ReviewFactory
from tests.scorecards.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)
from tests.strategy.factories import (
    StrategyFactory,
    StrategyLinkFactory,
    StrategyProgramFactory,
    StrategyResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "an entirely new passphrase"
TODAY = timezone.localdate()
CSRF_LOGGER = "django.security.csrf"


# --- The objects every URL is built from -------------------------------------------------


@pytest.fixture
def world():
    """One of everything, each with a revision, and a superuser."""
    with reversion.create_revision():
        superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
        page = StrategyFactory(title="Drug Market Intervention")
        other_page = StrategyFactory(band=page.band)
        program = ProgramFactory()
        implementation = ImplementationFactory(program=program)
        OutcomeFactory(implementation=implementation)
        EvidenceRatingFactory(program=program)
        resource = ResourceFactory()
        StrategyProgramFactory(strategy=page, program=program)
        StrategyResourceFactory(strategy=page, resource=resource)
        objective = ObjectiveFactory(strategy=page)
        measure = MeasureFactory(objective=objective, name="Burglaries in the target area")
        DataPointFactory(measure=measure)
        partner = PartnerFactory()
        ActionFactory(objective=objective, lead=partner)
        review = ReviewFactory(strategy=page)
        ExpertAssignmentFactory(strategy=page)
        link = StrategyLinkFactory(cause=page, effect=other_page)
        theme = Theme.objects.create(name="Prevention", colour="#1f5fa8")
    attempt = {"user_agent": "test", "ip_address": "203.0.113.7", "username": "root"}
    return SimpleNamespace(
        superuser=superuser,
        page=page,
        program=program,
        partner=partner,
        review=review,
        # The object each registered ModelAdmin's views are built for, by model label.
        admin_objects={
            "auth.Group": Group.objects.get(name=roles.EDITORS),
            "auth.User": page.page_manager,
            "axes.AccessAttempt": AccessAttempt.objects.create(
                **attempt, get_data="", post_data="", failures_since_start=1
            ),
            "axes.AccessLog": AccessLog.objects.create(**attempt),
            "axes.AccessFailureLog": AccessFailureLog.objects.create(**attempt),
            "strategy.StrategyMap": page.map,
            "strategy.Band": page.band,
            "strategy.Strategy": page,
            "strategy.StrategyLink": link,
            "strategy.Theme": theme,
            "programs.Program": program,
            "programs.Implementation": implementation,
            "programs.Resource": resource,
            "scorecards.Objective": objective,
            "scorecards.Measure": measure,
            "scorecards.Partner": partner,
            "scorecards.DataSource": measure.data_source,
            "reviews.Review": review,
        },
    )


def version_of(obj) -> int:
    return Version.objects.get_for_object(obj).values_list("pk", flat=True).first()


def csv_file():
    data = b"measure,period,value\nBurglaries in the target area,2025-Q3,39\n"
    return SimpleUploadedFile("data.csv", data, content_type="text/csv")


def xml_file():
    return SimpleUploadedFile("wiki.xml", b"<mediawiki/>", content_type="application/xml")


# --- How to build each URL, and what a forged form would post to it ----------------------


@dataclass
class Target:
    """A URL to post to, and the form an attacker's page would send."""

    label: str
    url: str
    data: dict = field(default_factory=dict)


Build = Callable[[SimpleNamespace], tuple[str, dict]]


def _password_reset_confirm(w):
    uid = urlsafe_base64_encode(force_bytes(w.superuser.pk))
    token = default_token_generator.make_token(w.superuser)
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return reverse("password_reset_confirm", args=[uid, token]), data


SIGN_IN = {"username": "root", "password": PASSWORD}
CHANGE_PASSWORD = {
    "old_password": PASSWORD,
    "new_password1": NEW_PASSWORD,
    "new_password2": NEW_PASSWORD,
}

# Every URL pattern outside the admin, by its namespaced name.
SITE_URLS: dict[str, Build] = {
    # Accounts
    "login": lambda w: (reverse("login"), SIGN_IN),
    "logout": lambda w: (reverse("logout"), {}),
    "password_change": lambda w: (reverse("password_change"), CHANGE_PASSWORD),
    "password_change_done": lambda w: (reverse("password_change_done"), {}),
    "password_reset": lambda w: (reverse("password_reset"), {"email": w.superuser.email}),
    "password_reset_done": lambda w: (reverse("password_reset_done"), {}),
    "password_reset_confirm": _password_reset_confirm,
    "password_reset_complete": lambda w: (reverse("password_reset_complete"), {}),
    "api-token:index": lambda w: (reverse("api-token:index"), {}),
    "api-token:create": lambda w: (reverse("api-token:create"), {}),
    "api-token:revoke": lambda w: (reverse("api-token:revoke"), {}),
    # Public pages
    "strategy:home": lambda w: (reverse("strategy:home"), {}),
    "strategy:map-detail": lambda w: (reverse("strategy:map-detail", args=[w.page.map.slug]), {}),
    "strategy:strategy-detail": lambda w: (w.page.get_absolute_url(), {}),
    "strategy:strategy-history": lambda w: (
        reverse("strategy:strategy-history", args=[w.page.slug]),
        {},
    ),
    "strategy:strategy-revert": lambda w: (
        reverse("strategy:strategy-revert", args=[w.page.slug, version_of(w.page)]),
        {},
    ),
    "strategy:search": lambda w: (reverse("strategy:search"), {"q": "drug"}),
    "strategy:healthz": lambda w: (reverse("strategy:healthz"), {}),
    "programs:list": lambda w: (reverse("programs:list"), {}),
    "programs:detail": lambda w: (reverse("programs:detail", args=[w.program.slug]), {}),
    "scorecards:scorecard": lambda w: (reverse("scorecards:scorecard", args=[w.page.slug]), {}),
    "scorecards:scorecard-csv": lambda w: (
        reverse("scorecards:scorecard-csv", args=[w.page.slug]),
        {},
    ),
    "scorecards:all-csv": lambda w: (reverse("scorecards:all-csv"), {}),
    "scorecards:scorecard-xlsx": lambda w: (
        reverse("scorecards:scorecard-xlsx", args=[w.page.slug]),
        {},
    ),
    "scorecards:all-xlsx": lambda w: (reverse("scorecards:all-xlsx"), {}),
    "scorecards:partner-list": lambda w: (reverse("scorecards:partner-list"), {}),
    "scorecards:partner-detail": lambda w: (
        reverse("scorecards:partner-detail", args=[w.partner.slug]),
        {},
    ),
    "reviews:dashboard": lambda w: (reverse("reviews:dashboard"), {}),
    "reviews:address": lambda w: (
        reverse("reviews:address", args=[w.review.pk]),
        {"reply": "Done."},
    ),
    "reviews:add": lambda w: (
        reverse("reviews:add", args=[w.page.slug]),
        {"reviewed_on": TODAY.isoformat(), "comments": "Forged."},
    ),
    "updates:queue": lambda w: (reverse("updates:queue"), {}),
    "updates:settings": lambda w: (reverse("updates:settings"), {}),
    "embed:scorecard": lambda w: (reverse("embed:scorecard", args=[w.page.slug]), {}),
    "dashboard:measures": lambda w: (reverse("dashboard:measures"), {}),
    "dashboard:measures-csv": lambda w: (reverse("dashboard:measures-csv"), {}),
    "dashboard:actions": lambda w: (reverse("dashboard:actions"), {}),
    "dashboard:actions-csv": lambda w: (reverse("dashboard:actions-csv"), {}),
    "changes:list": lambda w: (reverse("changes:list"), {}),
    "changes:feed": lambda w: (reverse("changes:feed"), {}),
    "changes:page-feed": lambda w: (reverse("changes:page-feed", args=[w.page.slug]), {}),
    "changes:watching": lambda w: (reverse("changes:watching"), {"send": ""}),
    "changes:watch": lambda w: (reverse("changes:watch", args=[w.page.slug]), {}),
    "changes:unwatch": lambda w: (reverse("changes:unwatch", args=[w.page.slug]), {}),
    # The read-only API
    "api:index": lambda w: (reverse("api:index"), {}),
    "api:schema": lambda w: (reverse("api:schema"), {}),
    "api:map-list": lambda w: (reverse("api:map-list"), {}),
    "api:map-detail": lambda w: (reverse("api:map-detail", args=[w.page.map.slug]), {}),
    "api:strategy-list": lambda w: (reverse("api:strategy-list"), {}),
    "api:strategy-detail": lambda w: (reverse("api:strategy-detail", args=[w.page.slug]), {}),
    "api:strategy-scorecard": lambda w: (
        reverse("api:strategy-scorecard", args=[w.page.slug]),
        {},
    ),
    "api:program-list": lambda w: (reverse("api:program-list"), {}),
    "api:program-detail": lambda w: (reverse("api:program-detail", args=[w.program.slug]), {}),
    # The write reads a token, never the session: without one it is a 401 (TOKEN_ONLY).
    "api:strategy-values": lambda w: (
        reverse("api:strategy-values", args=[w.page.slug]),
        {"measure": "Burglaries in the target area", "period": "2026-Q1", "value": "1"},
    ),
    "api:not-found": lambda w: (reverse("api:not-found", args=["no-such-endpoint/"]), {}),
    "api-reference:index": lambda w: (reverse("api-reference:index"), {}),
    # Briefing books
    "books:page-book": lambda w: (reverse("books:page-book", args=[w.page.slug]), {}),
    "books:map-book": lambda w: (reverse("books:map-book", args=[w.page.map.slug]), {}),
    "books:map-book-retry": lambda w: (
        reverse("books:map-book-retry", args=[w.page.map.slug]),
        {},
    ),
}

# Views that read who is asking from an API token alone, never from the session or its
# cookie: a forged form cannot authenticate, so they answer 401 and need no CSRF check.
TOKEN_ONLY = {"api:strategy-values"}

# The admin site's own views, by name ("" for the unnamed catch-all).
ADMIN_SITE_URLS: dict[str, Build] = {
    "index": lambda w: (reverse("admin:index"), {}),
    "login": lambda w: (reverse("admin:login"), SIGN_IN),
    "logout": lambda w: (reverse("admin:logout"), {}),
    "password_change": lambda w: (reverse("admin:password_change"), CHANGE_PASSWORD),
    "password_change_done": lambda w: (reverse("admin:password_change_done"), {}),
    "autocomplete": lambda w: (
        reverse("admin:autocomplete")
        + "?app_label=strategy&model_name=strategy&field_name=map&term=a",
        {},
    ),
    "jsi18n": lambda w: (reverse("admin:jsi18n"), {}),
    "view_on_site": lambda w: (
        reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(w.page).pk, w.page.pk],
        ),
        {},
    ),
    "": lambda w: (reverse("admin:index") + "no-such-page/", {}),
}

# A ModelAdmin's standard views (Django's and reversion's), by the suffix of their
# name; "" is the unnamed "<id>/" that redirects to the change form. Each gets the
# registry's object for its model and a form that would change it if accepted.
ADMIN_MODEL_VIEWS: dict[str, Callable] = {
    "changelist": lambda name, obj: (
        reverse(name),
        {
            "action": "delete_selected",
            "select_across": "0",
            "index": "0",
            "_selected_action": [obj.pk],
            "post": "yes",
        },
    ),
    "add": lambda name, obj: (reverse(name), {"_save": "Save"}),
    "change": lambda name, obj: (reverse(name, args=[quote(obj.pk)]), {"_save": "Save"}),
    "delete": lambda name, obj: (reverse(name, args=[quote(obj.pk)]), {"post": "yes"}),
    "history": lambda name, obj: (reverse(name, args=[quote(obj.pk)]), {}),
    "": lambda name, obj: (
        reverse(f"{name}change", args=[quote(obj.pk)]).removesuffix("change/"),
        {},
    ),
    "recoverlist": lambda name, obj: (reverse(name), {}),
    "recover": lambda name, obj: (reverse(name, args=[version_of(obj)]), {"_save": "Save"}),
    "revision": lambda name, obj: (
        reverse(name, args=[quote(obj.pk), version_of(obj)]),
        {"_save": "Save"},
    ),
}

# Views a ModelAdmin adds in get_urls(), by name.
ADMIN_EXTRA_VIEWS: dict[str, Callable] = {
    "auth_user_password_change": lambda name, obj: (
        reverse(f"admin:{name}", args=[obj.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    "strategy_strategy_upload_data": lambda name, obj: (
        reverse(f"admin:{name}", args=[obj.pk]),
        {"file": csv_file()},
    ),
    "strategy_strategy_upload_data_confirm": lambda name, obj: (
        reverse(f"admin:{name}", args=[obj.pk]),
        {"token": "forged"},
    ),
    "strategy_strategy_upload_data_example": lambda name, obj: (
        reverse(f"admin:{name}", args=[obj.pk]),
        {},
    ),
    "strategy_strategy_enter_values": lambda name, obj: (
        reverse(f"admin:{name}", args=[obj.pk]),
        {"as_of": "2026-01-01", "shown": "{}"},
    ),
    "strategy_strategymap_import_mediawiki": lambda name, obj: (
        reverse(f"admin:{name}"),
        {"file": xml_file(), "publish": "on"},
    ),
    "strategy_strategymap_import_mediawiki_confirm": lambda name, obj: (
        reverse(f"admin:{name}"),
        {"file": xml_file(), "token": "forged"},
    ),
}


# --- Walking the resolver ----------------------------------------------------------------


def _join(prefix: str, route: str) -> str:
    """Join routes as ``ResolverMatch.route`` does, so a resolved URL names its pattern."""
    return prefix + route.removeprefix("^") if prefix else route


def url_patterns(patterns=None, prefix="", namespace=""):
    """(full route, namespaced name or None) of every pattern the site resolves."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = _join(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


class UnknownPattern(LookupError):
    pass


def site_targets(w) -> list[Target]:
    targets = []
    for route, name in url_patterns():
        if route.startswith(settings.ADMIN_PATH):
            continue
        if name not in SITE_URLS:
            raise UnknownPattern(f"{route!r} ({name}): add it to SITE_URLS")
        url, data = SITE_URLS[name](w)
        targets.append(Target(name, url, data))
    return targets


def admin_targets(w) -> list[Target]:
    site = admin.site
    targets = []
    for name, build in ADMIN_SITE_URLS.items():
        url, data = build(w)
        targets.append(Target(f"admin:{name or '<catch-all>'}", url, data))
    app_labels = {model._meta.app_label for model in site._registry}
    for app_label in sorted(app_labels):
        targets.append(
            Target(f"admin:app_list {app_label}", reverse("admin:app_list", args=[app_label]))
        )
    for model, model_admin in site._registry.items():
        label = model._meta.label
        if label not in w.admin_objects:
            raise UnknownPattern(f"{label} is registered in the admin: add an object to world()")
        obj = w.admin_objects[label]
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = pattern.name or prefix
            suffix = name.removeprefix(prefix) if name.startswith(prefix) else None
            if suffix in ADMIN_MODEL_VIEWS:
                url, data = ADMIN_MODEL_VIEWS[suffix](f"admin:{name}", obj)
            elif name in ADMIN_EXTRA_VIEWS:
                url, data = ADMIN_EXTRA_VIEWS[name](name, obj)
            else:
                raise UnknownPattern(
                    f"{type(model_admin).__name__} URL {str(pattern.pattern)!r} ({pattern.name}): "
                    "add it to ADMIN_EXTRA_VIEWS"
                )
            targets.append(Target(f"admin:{name}", url, data))
    return targets


def all_targets(w) -> list[Target]:
    return site_targets(w) + admin_targets(w)


# --- Posting without a token -------------------------------------------------------------


class CsrfRejections(logging.Handler):
    """The paths Django's CSRF check refused, from its ``django.security.csrf`` logger."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.paths: list[str] = []

    def emit(self, record):
        self.paths.append(record.request.path)


@pytest.fixture
def csrf_rejections():
    handler = CsrfRejections()
    logger = logging.getLogger(CSRF_LOGGER)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # hundreds of expected warnings, not on the console
    yield handler
    logger.removeHandler(handler)
    logger.propagate = propagate


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table, auto-created many-to-many tables included."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def with_csrf_cookie(client: Client, url: str) -> Client:
    """Give the client a valid CSRF cookie, as a browser that has visited the site has."""
    client.get(url)
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


def post_everywhere_without_a_token(client, targets, rejections) -> list[str]:
    """Post each target's form without a token; describe every answer that is not a refusal."""
    problems = []
    for target in targets:
        rejections.paths.clear()
        response = client.post(target.url, target.data)
        path = target.url.split("?")[0]
        if response.status_code == 405:
            continue
        if response.status_code == 401 and target.label in TOKEN_ONLY:
            continue
        if response.status_code == 403 and path in rejections.paths:
            continue
        why = "403, but not from the CSRF check" if response.status_code == 403 else ""
        problems.append(f"{target.label} POST {target.url} -> {response.status_code} {why}")
    return problems


def test_every_url_pattern_is_swept(world):
    targets = all_targets(world)
    swept = {resolve(target.url.split("?")[0]).route for target in targets}
    patterns = dict(url_patterns())

    missing = sorted(
        f"{route!r} ({name})" for route, name in patterns.items() if route not in swept
    )
    assert not missing, "No URL is built for these patterns:\n" + "\n".join(missing)
    assert any(route.startswith(settings.ADMIN_PATH) for route in swept)
    assert len(targets) >= len(patterns)


def assert_refused_everywhere_changing_nothing(client, world, rejections):
    """Every target refuses the post without a token, and no row or e-mail results."""
    before = database_rows()

    problems = post_everywhere_without_a_token(client, all_targets(world), rejections)

    assert not problems, "Accepted a POST without a CSRF token:\n" + "\n".join(problems)
    after = database_rows()
    assert [label for label in before if before[label] != after[label]] == []
    assert mail.outbox == []


def test_a_signed_in_superuser_posting_without_a_token_is_refused_everywhere(
    world, csrf_rejections
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.superuser)
    with_csrf_cookie(client, reverse("admin:index"))

    assert_refused_everywhere_changing_nothing(client, world, csrf_rejections)
    # The forged sign-out did not sign out, so every post above was made signed in.
    assert client.session.get("_auth_user_id") == str(world.superuser.pk)


def test_an_anonymous_visitor_posting_without_a_token_is_refused_everywhere(world, csrf_rejections):
    client = with_csrf_cookie(Client(enforce_csrf_checks=True), reverse("login"))

    assert_refused_everywhere_changing_nothing(client, world, csrf_rejections)
    assert "_auth_user_id" not in client.session


# --- The same posts with a token reach the views -------------------------------------------


def token_of(client: Client) -> str:
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def test_signing_in_with_a_token_reaches_the_sign_in_view(world, csrf_rejections):
    client = with_csrf_cookie(Client(enforce_csrf_checks=True), reverse("login"))

    refused = client.post(reverse("login"), SIGN_IN)
    wrong = client.post(
        reverse("login"),
        {"username": "root", "password": "wrong", "csrfmiddlewaretoken": token_of(client)},
    )
    signed_in = client.post(reverse("login"), {**SIGN_IN, "csrfmiddlewaretoken": token_of(client)})

    assert refused.status_code == 403
    assert csrf_rejections.paths == [reverse("login")]
    assert wrong.status_code == 200
    assert "Please enter a correct username and password" in wrong.content.decode()
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(world.superuser.pk)


def test_a_review_posted_with_a_token_reaches_the_review_form(world, reviewer, csrf_rejections):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    with_csrf_cookie(client, world.page.get_absolute_url())
    url = reverse("reviews:add", args=[world.page.slug])
    review = {"reviewed_on": TODAY.isoformat(), "comments": "The outcome data are current."}

    refused = client.post(url, review)
    assert refused.status_code == 403
    assert csrf_rejections.paths == [url]
    assert not Review.objects.filter(reviewer=reviewer).exists()

    accepted = client.post(url, {**review, "csrfmiddlewaretoken": token_of(client)})

    assert accepted.status_code == 302
    assert Review.objects.filter(reviewer=reviewer, comments=review["comments"]).exists()


def test_the_forged_admin_delete_deletes_once_it_carries_a_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.superuser)
    with_csrf_cookie(client, reverse("admin:index"))
    url = reverse("admin:scorecards_partner_delete", args=[world.partner.pk])

    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(world.partner).objects.filter(pk=world.partner.pk).exists()

    deleted = client.post(url, {"post": "yes", "csrfmiddlewaretoken": token_of(client)})

    assert deleted.status_code == 302
    assert not type(world.partner).objects.filter(pk=world.partner.pk).exists()
