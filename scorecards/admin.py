from django.contrib import admin

from base.formsets import DistinctRowsFormSet
from scorecards import admin_upload
from scorecards.models import Action, DataPoint, DataSource, Measure, Objective, Partner
from strategy.admin import InvestigateInline, StrategyAdmin
from strategy.ownership import ContentVersionAdmin, PageContentAdminMixin


class DataPointFormSet(DistinctRowsFormSet):
    distinct_field = "period"


class MeasureInline(admin.StackedInline):
    model = Measure
    fields = (
        ("name", "unit", "order"),
        ("polarity", "kind", "data_source", "stale_after_months"),
        ("baseline_value", "baseline_period", "target_value", "target_period"),
        "tolerance",
    )
    autocomplete_fields = ("data_source",)
    extra = 0
    show_change_link = True


class ActionInline(admin.StackedInline):
    model = Action
    fields = (
        ("title", "status", "order"),
        "description",
        ("lead", "partners"),
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
class MeasureAdmin(PageContentAdminMixin, ContentVersionAdmin):
    page_path = "objective__strategy"
    list_display = ("name", "objective", "data_source", "polarity")
    list_select_related = ("objective", "data_source")
    list_filter = ("polarity", "kind")
    search_fields = ("name", "objective__title", "objective__strategy__title")
    autocomplete_fields = ("objective", "data_source")
    fieldsets = [
        (None, {"fields": ("objective", "name", "unit", "order", "polarity", "kind")}),
        ("Data", {"fields": ("data_source", "stale_after_months")}),
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


@admin.register(Partner)
class PartnerAdmin(ContentVersionAdmin):
    list_display = ("name", "sector", "url")
    list_filter = ("sector",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(DataSource)
class DataSourceAdmin(ContentVersionAdmin):
    list_display = ("name", "publisher", "url")
    search_fields = ("name", "publisher")


# The scorecard on the page's form, where the page shows it, and the CSV upload beside it.
StrategyAdmin.add_inline(ObjectiveInline, before=InvestigateInline)
StrategyAdmin.page_views.append(admin_upload.urls)
