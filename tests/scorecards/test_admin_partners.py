"""Page managers add partners and data sources; only editors change or delete them."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse
from reversion.models import Version

from accounts import roles
from scorecards.models import DataSource, Partner
from tests.admin_forms import admin_form_data, change_url
from tests.scorecards.factories import (
    ActionFactory,
    DataSourceFactory,
    MeasureFactory,
    ObjectiveFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

NEW = {
    Partner: {"name": "Westside Coalition", "slug": "westside-coalition", "sector": "faith"},
    DataSource: {"name": "Overdose deaths (medical examiner)", "publisher": "County ME"},
}
FACTORIES = {Partner: PartnerFactory, DataSource: DataSourceFactory}
SHARED = pytest.mark.parametrize("model", [Partner, DataSource], ids=["partner", "data source"])


def admin_url(model, view, *args):
    return reverse(f"admin:scorecards_{model._meta.model_name}_{view}", args=args)


@SHARED
def test_page_manager_adds_through_the_add_form(client, owner, model):
    client.force_login(owner)

    response = client.post(admin_url(model, "add"), NEW[model])

    assert response.status_code == 302
    added = model.objects.get(name=NEW[model]["name"])
    assert Version.objects.get_for_object(added).get().revision.user == owner


@SHARED
def test_page_manager_adds_through_the_popup_and_gets_the_new_choice(client, owner, model):
    client.force_login(owner)
    url = f"{admin_url(model, 'add')}?_popup=1&_to_field=id"

    assert client.get(url).status_code == 200
    response = client.post(url, {**NEW[model], "_popup": "1", "_to_field": "id"})

    added = model.objects.get(name=NEW[model]["name"])
    assert response.status_code == 200
    assert "admin/popup_response.html" in [template.name for template in response.templates]
    assert response.context["popup_response_data"] == (
        f'{{"value": "{added.pk}", "obj": "{added.name}"}}'
    )


@SHARED
def test_page_manager_may_view_but_not_change_or_delete(client, owner, model):
    existing = FACTORIES[model](name="County Health Department")
    client.force_login(owner)
    form = client.get(change_url(existing))
    data = admin_form_data(form, name="Renamed by a page manager")

    assert form.status_code == 200, "read-only, to see what an action names"
    assert client.post(change_url(existing), data).status_code == 403
    assert client.get(admin_url(model, "delete", existing.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", existing.pk), {"post": "yes"}).status_code == 403
    existing.refresh_from_db()
    assert existing.name == "County Health Department"


@SHARED
def test_editor_still_changes_and_deletes(client, editor, model):
    existing = FACTORIES[model](name="County Health Department")
    client.force_login(editor)

    response = client.post(
        change_url(existing),
        admin_form_data(client.get(change_url(existing)), name="County Health Dept."),
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.name == "County Health Dept."

    response = client.post(admin_url(model, "delete", existing.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=existing.pk).exists()


@SHARED
@pytest.mark.parametrize("typed", ["westside coalition", "  WESTSIDE Coalition "])
def test_a_name_that_exists_in_another_case_is_refused(client, owner, model, typed):
    existing = FACTORIES[model](name="Westside Coalition")
    client.force_login(owner)

    response = client.post(admin_url(model, "add"), {**NEW[model], "name": typed, "slug": "other"})

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["name"]
    assert "“<a" in message and "Westside Coalition</a>” already exists" in message
    assert change_url(existing) in message
    assert model.objects.count() == 1
    assert not Version.objects.get_for_model(model).exists()


def test_a_duplicate_partner_name_is_the_only_error_though_its_slug_clashes_too(client, owner):
    existing = FACTORIES[Partner](name="Westside Coalition", slug="westside-coalition")
    client.force_login(owner)

    response = client.post(
        admin_url(Partner, "add"),
        {**NEW[Partner], "name": "westside coalition", "slug": existing.slug},
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["name"]
    assert Partner.objects.count() == 1


def test_editor_keeps_a_name_while_changing_the_rest(client, editor):
    """The check leaves the row being changed out."""
    partner = PartnerFactory(name="Westside Coalition")
    client.force_login(editor)

    response = client.post(
        change_url(partner),
        admin_form_data(client.get(change_url(partner)), url="https://westside.example.org/"),
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.url == "https://westside.example.org/"


def test_the_measure_form_offers_to_add_a_data_source_not_to_change_one(client, owner, page):
    measure = MeasureFactory(objective__strategy=page)
    client.force_login(owner)

    html = client.get(change_url(measure)).content.decode()

    assert f'href="{admin_url(DataSource, "add")}?_to_field=id&amp;_popup=1"' in html
    assert 'id="add_id_data_source"' in html
    assert 'id="change_id_data_source"' not in html
    assert 'id="delete_id_data_source"' not in html


def test_the_objectives_inlines_offer_to_add_partners_and_data_sources(client, owner, page):
    objective = ObjectiveFactory(strategy=page)
    MeasureFactory(objective=objective)
    ActionFactory(objective=objective)
    client.force_login(owner)

    html = client.get(change_url(objective)).content.decode()

    for field in ("measures-0-data_source", "actions-0-lead", "actions-0-partners"):
        assert f'id="add_id_{field}"' in html, field
        assert f'id="change_id_{field}"' not in html, field


def test_editor_is_offered_to_change_a_data_source_too(client, editor, page):
    measure = MeasureFactory(objective__strategy=page)
    client.force_login(editor)

    html = client.get(change_url(measure)).content.decode()

    assert 'id="add_id_data_source"' in html
    assert 'id="change_id_data_source"' in html


@pytest.mark.parametrize(
    ("model_name", "field_name", "factory"),
    [
        ("measure", "data_source", DataSourceFactory),
        ("action", "lead", PartnerFactory),
        ("action", "partners", PartnerFactory),
    ],
)
def test_page_manager_still_finds_them_through_the_autocomplete(
    client, owner, model_name, field_name, factory
):
    wanted = factory(name="Westside Coalition")
    factory(name="County Health Department")
    client.force_login(owner)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "scorecards",
            "model_name": model_name,
            "field_name": field_name,
            "term": "westside",
        },
    )

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(wanted.pk)]


# What page managers hold on partners and data sources after the migrations.
ADD_AND_VIEW = {"add_partner", "view_partner", "add_datasource", "view_datasource"}


def _role_migration():
    return importlib.import_module("reviews.migrations.0006_page_managers_add_partners")


def _page_manager_codenames():
    return set(
        Group.objects.get(name=roles.PAGE_MANAGERS)
        .permissions.filter(content_type__app_label="scorecards")
        .filter(content_type__model__in=["partner", "datasource"])
        .values_list("codename", flat=True)
    )


def test_the_role_migration_runs_twice_and_back():
    migration = _role_migration()
    assert _page_manager_codenames() == ADD_AND_VIEW

    migration.give_page_managers_add(django_apps, None)
    assert _page_manager_codenames() == ADD_AND_VIEW

    migration.take_page_managers_add(django_apps, None)
    assert _page_manager_codenames() == {"view_partner", "view_datasource"}
    assert Group.objects.get(name=roles.EDITORS).permissions.filter(codename="add_partner").exists()
