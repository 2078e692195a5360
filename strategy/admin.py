import datetime

import nested_admin
from django.contrib import admin, messages
from django.db import models
from django.forms import Textarea
from django.utils import timezone
from nested_admin.nested import NestedModelAdminMixin

from accounts.rules import is_editor
from strategy import services
from strategy.formsets import InvestigateFormSet, ProgramLinkFormSet, ToolsFormSet
from strategy.models import (
    Band,
    Strategy,
    StrategyLink,
    StrategyMap,
    StrategyProgram,
    StrategyResource,
    Theme,
)
from strategy.ownership import ContentVersionAdmin, PageContentAdminMixin


class BandInline(admin.TabularInline):
    model = Band
    fields = ("title", "order")
    extra = 0


@admin.register(StrategyMap)
class StrategyMapAdmin(ContentVersionAdmin):
    list_display = ("title", "parent", "zooms_into")
    list_select_related = ("parent", "zooms_into")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("parent", "zooms_into")
    fields = ("title", "slug", "summary", "parent", "zooms_into")
    inlines = [BandInline]


@admin.register(Theme)
class ThemeAdmin(ContentVersionAdmin):
    list_display = ("name", "colour", "order")
    list_editable = ("order",)
    search_fields = ("name",)


@admin.register(Band)
class BandAdmin(ContentVersionAdmin):
    list_display = ("title", "map", "order")
    list_filter = ("map",)
    search_fields = ("title", "map__title")

    def get_queryset(self, request):
        # Each band is shown (and autocompleted) as "Map: Band".
        return super().get_queryset(request).select_related("map")


class ProgramLinkInline(nested_admin.NestedTabularInline):
    model = StrategyProgram
    formset = ProgramLinkFormSet
    fields = ("program", "note", "order")
    autocomplete_fields = ("program",)
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
    extra = 0
    verbose_name_plural = "Promising programs"


class ResourceLinkInline(nested_admin.NestedTabularInline):
    """Resource links of one section of the page, chosen by the formset."""

    model = StrategyResource
    fields = ("resource", "note", "order")
    autocomplete_fields = ("resource",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(section=self.formset.section)


class ToolsInline(ResourceLinkInline):
    formset = ToolsFormSet
    verbose_name = "tool or resource"
    verbose_name_plural = "Tools & resources"


class InvestigateInline(ResourceLinkInline):
    formset = InvestigateFormSet
    verbose_name = "resource to investigate"
    verbose_name_plural = "Resources to investigate"


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", "Due within 30 days"),
            ("never", "Never reviewed"),
            ("current", "Up to date"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=30)
        match self.value():
            case "overdue":
                return queryset.filter(review_due__lt=today)
            case "soon":
                return queryset.filter(review_due__gte=today, review_due__lte=soon)
            case "never":
                return queryset.filter(last_reviewed__isnull=True)
            case "current":
                return queryset.filter(review_due__gt=soon)
        return queryset


@admin.register(Strategy)
class StrategyAdmin(NestedModelAdminMixin, PageContentAdminMixin, ContentVersionAdmin):
    """The strategy page's form, laid out in the order the page reads.

    Inlines may nest (django-nested-admin): the scorecard's objectives hold
    their measures, with their newest values, and their actions.
    """

    page_path = ""
    list_display = ("title", "map", "status", "page_manager", "review_due_or_never")
    list_select_related = ("map", "page_manager")
    list_filter = (
        "map",
        "status",
        ("page_manager", admin.RelatedOnlyFieldListFilter),
        ReviewDueFilter,
    )
    search_fields = ("title", "intro")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("map", "band", "page_manager")
    # reviews/admin.py adds "mark reviewed", which records a mark of review.
    actions = ["publish"]
    fieldsets = [
        (
            None,
            {"fields": ("title", "slug", ("map", "band", "position"), "theme", "status", "intro")},
        ),
        (
            "Page manager and review cycle",
            {
                "fields": (
                    "page_manager",
                    ("review_interval_months", "last_reviewed", "review_due"),
                )
            },
        ),
    ]
    # The page's own parts; scorecards adds the objectives before the resources
    # to investigate and reviews the experts (their admin modules, add_inline).
    inlines = [ProgramLinkInline, ToolsInline, InvestigateInline]
    # Admin pages about one page that other apps add (the CSV upload,
    # scorecards/admin_upload.py): each a function of this admin giving its URLs.
    page_views: list = []

    @admin.display(description="Review due", ordering="review_due", empty_value="Never reviewed")
    def review_due_or_never(self, obj):
        # A page never reviewed has no due date; /updates/ lists it as never reviewed, due now.
        return obj.review_due

    def get_readonly_fields(self, request, obj=None):
        # The review dates are worked out from the page's reviews and marks of review.
        dates = ("last_reviewed", "review_due")
        if is_editor(request.user):
            return dates
        return ("page_manager", *dates)

    def save_model(self, request, obj, form, change):
        if not change and obj.page_manager_id is None and not is_editor(request.user):
            obj.page_manager = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            *(pattern for views in self.page_views for pattern in views(self)),
            *super().get_urls(),
        ]

    @classmethod
    def add_inline(cls, inline, *, before=None) -> None:
        """Show ``inline`` on the page's form, before ``before`` (else last)."""
        at = cls.inlines.index(before) if before else len(cls.inlines)
        cls.inlines = [*cls.inlines[:at], inline, *cls.inlines[at:]]

    @admin.action(description="Publish the selected pages", permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish_strategies(user=request.user, strategies=queryset)
        self.message_user(request, f"Published {count} page(s).", messages.SUCCESS)


@admin.register(StrategyLink)
class StrategyLinkAdmin(ContentVersionAdmin):
    list_display = ("cause", "effect", "note")
    list_select_related = ("cause", "effect")
    autocomplete_fields = ("cause", "effect")
