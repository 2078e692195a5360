import weakref

import nested_admin
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models
from django.db.models import Count, Prefetch
from django.forms import Textarea
from django.forms.formsets import DELETION_FIELD_NAME
from django.urls import reverse
from django.utils.html import format_html
from nested_admin.formsets import NestedInlineFormSet
from nested_admin.nested import NestedModelAdminMixin

from accounts.people import PersonChoiceField
from base.formsets import DistinctRowsFormSet
from scorecards import admin_grid, admin_upload
from scorecards.models import Action, DataPoint, DataSource, Measure, Objective, Partner
from strategy.admin import InvestigateInline, StrategyAdmin
from strategy.ownership import ContentVersionAdmin, PageContentAdminMixin


class DataPointFormSet(DistinctRowsFormSet):
    distinct_field = "period"


class DistinctNameForm(forms.ModelForm):
    """Refuse a name another row already has, whatever its case or surrounding spaces.

    Partners and data sources are shared by every page and added by page
    managers, who may not rename or delete them: a second "Westside Coalition"
    would split one organisation's actions across two partner pages.
    """

    def clean_name(self):
        name = self.cleaned_data["name"]  # The form field strips surrounding spaces.
        model = self._meta.model
        others = model._default_manager.exclude(pk=self.instance.pk)
        existing = others.filter(name__iexact=name).first()
        if existing is not None:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[existing.pk])
            raise forms.ValidationError(
                format_html(
                    '{} “<a href="{}">{}</a>” already exists: choose it rather than add '
                    "another of the same name.",
                    opts.verbose_name.capitalize(),
                    url,
                    existing.name,
                ),
                code="duplicate_name",
            )
        return name

    def validate_unique(self):
        # The slug is made from the name, so it clashes too; the name's message
        # already links the row to choose instead.
        if not self.has_error("name", code="duplicate_name"):
            super().validate_unique()


# The people offered as owners and responsible people, read once for each request.
_people_choices: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class PeopleByNameMixin:
    """Owners and responsible people are chosen by name among the people who use the admin.

    The page's form has such a choice on every measure and action: the people
    are read once a request, not once a box.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("owner", "responsible"):
            kwargs["form_class"] = PersonChoiceField
            kwargs.pop("queryset", None)
            field = db_field.formfield(**kwargs)
            if request not in _people_choices:
                _people_choices[request] = list(field.choices)
            field.choices = _people_choices[request]
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LoadedChoicesMixin:
    """An autocomplete box that names its chosen rows from those its form's object has loaded.

    A stock autocomplete box reads the names of its chosen rows with a query of
    its own: on the page's form, a query per measure and per action. Those rows
    come with the measure or action (select_related, prefetch_related), so
    ``LoadedChoicesForm`` hands them over; a bound form (one shown again with
    its errors) may have chosen others, and reads them as the stock box does.
    """

    loaded = None

    def optgroups(self, name, value, attr=None):
        chosen = {str(item) for item in value if str(item) not in self.choices.field.empty_values}
        by_value = {str(obj.pk): obj for obj in self.loaded or ()}
        if self.loaded is None or not chosen <= by_value.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key, obj in by_value.items():
            if key in chosen:
                label = self.choices.field.label_from_instance(obj)
                options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class LoadedAutocompleteSelect(LoadedChoicesMixin, AutocompleteSelect):
    pass


class LoadedAutocompleteSelectMultiple(LoadedChoicesMixin, AutocompleteSelectMultiple):
    pass


class LoadedChoicesForm(forms.ModelForm):
    """Give each autocomplete box the rows its object has chosen, as loaded with it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound or self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            if not isinstance(widget, LoadedChoicesMixin):
                continue
            if isinstance(field, forms.ModelMultipleChoiceField):
                widget.loaded = list(getattr(self.instance, name).all())
            else:
                related = getattr(self.instance, name)
                widget.loaded = [] if related is None else [related]


class LoadedChoicesInlineMixin:
    """Autocomplete fields with the boxes of ``LoadedChoicesForm``."""

    form = LoadedChoicesForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LoadedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# -- The scorecard nested on one form: objectives → measures (→ values) and actions ------

# The values of each measure the nested form shows: its newest periods, and a row for the next.
RECENT_VALUES = 8
NEWEST_FIRST = ("-period_start", "-period")


def measures_for_form(measures):
    """Measures with what their form shows: data source, newest values and how many in all."""
    recent = DataPoint.objects.order_by(*NEWEST_FIRST)[:RECENT_VALUES]
    return (
        measures.select_related("data_source")
        .annotate(value_count=Count("data_points"))
        .prefetch_related(Prefetch("data_points", queryset=recent, to_attr="recent_values"))
    )


def actions_for_form(actions):
    """Actions with the partners their form shows."""
    return actions.select_related("lead").prefetch_related("partners")


def _deleted_with_parent(formset) -> bool:
    """Whether the row that ``formset`` is nested under, or one above it, is being deleted."""
    parent = getattr(formset, "parent_form", None)
    if parent is None or not parent.is_bound:
        return False
    marked = DELETION_FIELD_NAME in parent.fields and parent[DELETION_FIELD_NAME].data
    return bool(marked) or _deleted_with_parent(parent.parent_formset)


class LoadedRowsFormSet(NestedInlineFormSet):
    """A nested formset that shows the rows its parent was loaded with (prefetch_related).

    Nested, there is one formset per objective (its measures, its actions) and
    per measure (its values); each reading its own rows would be a query per
    objective and per measure. A posted formset reads the rows it was sent.

    Rows nested under a row being deleted go with it, whatever was posted for
    them: django-nested-admin would otherwise save them again, as if moved,
    under a parent that no longer exists.
    """

    def _should_delete_form(self, form):
        return _deleted_with_parent(self) or super()._should_delete_form(form)

    def clean(self):
        if not _deleted_with_parent(self):
            super().clean()

    def get_queryset(self):
        if self.is_bound:
            return super().get_queryset()
        if not hasattr(self, "_shown_rows"):
            self._shown_rows = self.shown_rows(self.loaded_rows())
        return self._shown_rows

    def loaded_rows(self):
        """The rows the parent was loaded with, or None."""
        loaded = getattr(self.instance, "_prefetched_objects_cache", {})
        return loaded.get(self.fk.remote_field.get_accessor_name())

    def shown_rows(self, loaded) -> list:
        """The rows to show: the loaded ones, or (when none were) the formset's own."""
        return list(self.queryset if loaded is None else loaded)


class RecentValuesFormSet(LoadedRowsFormSet, DistinctRowsFormSet):
    """A measure's newest values, oldest of them first; older ones are on the measure's page.

    A period that an older, unshown value holds is refused by the model's own
    rule (one value per measure and period), which the form checks.
    """

    distinct_field = "period"

    def clean(self):
        super().clean()
        if self.instance.pk is None or _deleted_with_parent(self):
            return
        entered = {
            form.cleaned_data["period"]: form
            for form in self.forms
            if form.has_changed()
            and form.cleaned_data.get("period")
            and not self._should_delete_form(form)
        }
        shown = [form.instance.pk for form in self.initial_forms]
        held = (
            DataPoint.objects.filter(measure=self.instance, period__in=entered)
            .exclude(pk__in=shown)
            .values_list("period", flat=True)
        )
        for period in held:
            entered[period].add_error(
                "period",
                forms.ValidationError(
                    "This measure already has a value for %(period)s, among its older values "
                    "on the measure's own page: change that one there.",
                    code="unique",
                    params={"period": period},
                ),
            )

    def loaded_rows(self):
        return getattr(self.instance, "recent_values", None)

    def shown_rows(self, loaded) -> list:
        if loaded is None:
            loaded = self.queryset.order_by(*NEWEST_FIRST)[:RECENT_VALUES]
        return list(loaded)[::-1]

    @property
    def older_values(self) -> int:
        """How many values the form leaves to the measure's own page."""
        return max(getattr(self.instance, "value_count", 0) - self.initial_form_count(), 0)


class RecentValuesInline(nested_admin.NestedTabularInline):
    model = DataPoint
    formset = RecentValuesFormSet
    fields = ("period", "value", "note")
    extra = 1
    view_on_site = False
    verbose_name = "value"
    verbose_name_plural = "values"
    template = "admin/scorecards/edit_inline/recent_values.html"

    class Media:
        css = {"all": ["scorecards/scorecard_form.css"]}


class MeasureInline(LoadedChoicesInlineMixin, PeopleByNameMixin, nested_admin.NestedStackedInline):
    model = Measure
    formset = LoadedRowsFormSet
    fieldsets = [
        (
            None,
            {
                "fields": (
                    ("name", "unit", "order"),
                    ("owner", "frequency", "lag_days"),
                    ("polarity", "kind", "data_source"),
                )
            },
        ),
        (
            "Baseline, target and tolerance",
            {
                "classes": ("collapse",),
                "fields": (
                    ("baseline_value", "baseline_period"),
                    ("target_value", "target_period"),
                    "tolerance",
                    "stale_after_months",
                ),
            },
        ),
    ]
    autocomplete_fields = ("data_source",)
    inlines = [RecentValuesInline]
    extra = 0
    show_change_link = True
    view_on_site = False
    is_sortable = False

    def get_queryset(self, request):
        return measures_for_form(super().get_queryset(request))


class ActionInline(LoadedChoicesInlineMixin, PeopleByNameMixin, nested_admin.NestedStackedInline):
    model = Action
    formset = LoadedRowsFormSet
    fields = (
        ("title", "status", "order"),
        "description",
        ("lead", "partners", "responsible"),
        ("start_date", "due_date"),
    )
    autocomplete_fields = ("lead", "partners")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 60})}}
    extra = 0
    view_on_site = False
    is_sortable = False

    def get_queryset(self, request):
        return actions_for_form(super().get_queryset(request))


class ObjectiveInline(nested_admin.NestedStackedInline):
    """The page's scorecard: each objective with its measures, their newest values, and actions."""

    model = Objective
    fields = (("title", "order"), "details")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}
    inlines = [MeasureInline, ActionInline]
    extra = 0
    show_change_link = True
    view_on_site = False
    is_sortable = False
    verbose_name_plural = "Scorecard: objectives, their measures and values, and actions"

    def get_queryset(self, request):
        # Every objective's measures and actions, read once for the page.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("measures", queryset=measures_for_form(Measure.objects.all())),
                Prefetch("actions", queryset=actions_for_form(Action.objects.all())),
            )
        )


class DataPointInline(admin.TabularInline):
    """Every value of a measure, on the measure's own page."""

    model = DataPoint
    formset = DataPointFormSet
    fields = ("period", "value", "note")
    extra = 1


@admin.register(Objective)
class ObjectiveAdmin(NestedModelAdminMixin, PageContentAdminMixin, ContentVersionAdmin):
    list_display = ("title", "strategy", "order")
    list_select_related = ("strategy",)
    list_filter = ("strategy__map",)
    search_fields = ("title", "details", "strategy__title")
    autocomplete_fields = ("strategy",)
    fields = ("strategy", "title", "details", "order")
    inlines = [MeasureInline, ActionInline]


@admin.register(Measure)
class MeasureAdmin(PeopleByNameMixin, PageContentAdminMixin, ContentVersionAdmin):
    page_path = "objective__strategy"
    list_display = ("name", "objective", "data_source", "polarity")
    list_select_related = ("objective", "data_source")
    list_filter = ("polarity", "kind")
    search_fields = ("name", "objective__title", "objective__strategy__title")
    autocomplete_fields = ("objective", "data_source")
    fieldsets = [
        (None, {"fields": ("objective", "name", "unit", "order", "polarity", "kind")}),
        (
            "Data",
            {"fields": ("owner", "frequency", "lag_days", "data_source", "stale_after_months")},
        ),
        (
            "Baseline and target",
            {
                "fields": (
                    ("baseline_value", "baseline_period"),
                    ("target_value", "target_period"),
                    "tolerance",
                )
            },
        ),
    ]
    inlines = [DataPointInline]

    def describe_added(self, obj) -> str:
        if isinstance(obj, DataPoint):
            return f"data point {obj.period} of “{obj.measure}”"
        return super().describe_added(obj)


@admin.register(Partner)
class PartnerAdmin(ContentVersionAdmin):
    # Page managers add partners (their actions name them) but, as a partner is
    # shared by every page, only editors change or delete one: the groups'
    # model permissions, as for the data sources below.
    form = DistinctNameForm
    list_display = ("name", "sector", "url")
    list_filter = ("sector",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(DataSource)
class DataSourceAdmin(ContentVersionAdmin):
    form = DistinctNameForm
    list_display = ("name", "publisher", "url")
    search_fields = ("name", "publisher")


# The scorecard on the page's form, where the page shows it, and the CSV upload beside it.
StrategyAdmin.add_inline(ObjectiveInline, before=InvestigateInline)
StrategyAdmin.page_views.append(admin_upload.urls)
# The data-entry grid, for the page or one of its objectives.
StrategyAdmin.page_views.append(admin_grid.urls)
