from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

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


class PeopleByNameMixin:
    """Owners and responsible people are chosen by name among the people who use the admin."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("owner", "responsible"):
            kwargs["form_class"] = PersonChoiceField
            kwargs.pop("queryset", None)
            return db_field.formfield(**kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeasureInline(PeopleByNameMixin, admin.StackedInline):
    model = Measure
    fields = (
        ("name", "unit", "order"),
        ("owner", "frequency", "lag_days"),
        ("polarity", "kind", "data_source", "stale_after_months"),
        ("baseline_value", "baseline_period", "target_value", "target_period"),
        "tolerance",
    )
    autocomplete_fields = ("data_source",)
    extra = 0
    show_change_link = True


class ActionInline(PeopleByNameMixin, admin.StackedInline):
    model = Action
    fields = (
        ("title", "status", "order"),
        "description",
        ("lead", "partners", "responsible"),
        ("start_date", "due_date"),
    )
    autocomplete_fields = ("lead", "partners")
    extra = 0


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ("title", "order")
    extra = 0
    show_change_link = True
    verbose_name_plural = "Scorecard: objectives (measures and actions are edited on the objective)"


class DataPointInline(admin.TabularInline):
    model = DataPoint
    formset = DataPointFormSet
    fields = ("period", "value", "note")
    extra = 1


@admin.register(Objective)
class ObjectiveAdmin(PageContentAdminMixin, ContentVersionAdmin):
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
