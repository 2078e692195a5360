import csv
import datetime
import io
import secrets
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import Textarea
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.rules import is_editor
from reviews.admin import ExpertAssignmentInline
from scorecards import uploads
from scorecards.admin import ObjectiveInline
from scorecards.exports import spreadsheet_safe
from scorecards.forms import DataUploadConfirmForm, DataUploadForm
from scorecards.models import Measure
from strategy import admin_import, services
from strategy.formsets import InvestigateFormSet, ProgramLinkFormSet, ToolsFormSet
from strategy.models import (
    Band,
    Strategy,
    StrategyLink,
    StrategyMap,
    StrategyProgram,
    StrategyResource,
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
    # Adds "Import from MediaWiki" to the list's tools (strategy/admin_import.py).
    change_list_template = "admin/strategy/strategymap/change_list.html"

    def get_urls(self):
        return [*admin_import.urls(self), *super().get_urls()]


@admin.register(Band)
class BandAdmin(ContentVersionAdmin):
    list_display = ("title", "map", "order")
    list_filter = ("map",)
    search_fields = ("title", "map__title")

    def get_queryset(self, request):
        # Each band is shown (and autocompleted) as "Map: Band".
        return super().get_queryset(request).select_related("map")


class ProgramLinkInline(admin.TabularInline):
    model = StrategyProgram
    formset = ProgramLinkFormSet
    fields = ("program", "note", "order")
    autocomplete_fields = ("program",)
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}
    extra = 0
    verbose_name_plural = "Promising programs"


class ResourceLinkInline(admin.TabularInline):
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


# The upload awaiting confirmation, one per session: the page's id, a random
# token (also in the confirmation form), the file's text and the digest of
# the preview the user saw. A new preview replaces it, so an older tab's
# confirmation is refused as stale.
PENDING_UPLOAD = "scorecard_upload"
# Rows (and problems) the preview lists of each kind; a sentence counts the rest.
PREVIEW_LISTED_ROWS = 100


@dataclass(frozen=True)
class ListedRows:
    """The first rows of one kind that a preview lists, and how many more there are."""

    rows: list
    more: int

    @property
    def more_label(self) -> str:
        return f"{self.more:,}"


def _listed_rows(preview: uploads.UploadPreview) -> dict[str, ListedRows]:
    return {
        kind: ListedRows(rows[:PREVIEW_LISTED_ROWS], max(0, len(rows) - PREVIEW_LISTED_ROWS))
        for kind, rows in (
            ("errors", preview.errors),
            ("added", preview.added),
            ("changed", preview.changed),
            ("unchanged", preview.unchanged),
        )
    }


@admin.register(Strategy)
class StrategyAdmin(PageContentAdminMixin, ContentVersionAdmin):
    """The strategy page's form, laid out in the order the page reads."""

    page_path = ""
    list_display = ("title", "map", "status", "page_manager", "review_due")
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
    actions = ["publish", "mark_reviewed"]
    fieldsets = [
        (None, {"fields": ("title", "slug", ("map", "band", "position"), "status", "intro")}),
        (
            "Page manager and review cycle",
            {"fields": ("page_manager", ("last_reviewed", "review_interval_months"))},
        ),
    ]
    inlines = [
        ProgramLinkInline,
        ToolsInline,
        ObjectiveInline,
        InvestigateInline,
        ExpertAssignmentInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        if is_editor(request.user):
            return ()
        return ("page_manager",)

    def save_model(self, request, obj, form, change):
        if not change and obj.page_manager_id is None and not is_editor(request.user):
            obj.page_manager = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/upload-data/",
                view(self.upload_data_view),
                name=f"{prefix}_upload_data",
            ),
            path(
                "<path:object_id>/upload-data/confirm/",
                view(require_POST(self.upload_data_confirm_view)),
                name=f"{prefix}_upload_data_confirm",
            ),
            path(
                "<path:object_id>/upload-data/example.csv",
                view(self.upload_data_example_view),
                name=f"{prefix}_upload_data_example",
            ),
            *super().get_urls(),
        ]

    def _upload_target(self, request, object_id) -> Strategy:
        """The page, if the user may change it: 404 for other managers' pages, else 403."""
        strategy = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, strategy):
            raise PermissionDenied
        return strategy

    def _upload_context(self, request, strategy, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": strategy,
            "has_view_permission": self.has_view_permission(request),
            "max_upload": uploads.MAX_UPLOAD_LABEL,
            **context,
        }

    def upload_data_view(self, request, object_id):
        """Upload a CSV of measure data (POST) and preview what it would change."""
        strategy = self._upload_target(request, object_id)
        if request.method == "POST":
            form = DataUploadForm(request.POST, request.FILES)
            if form.is_valid():
                preview = uploads.preview_upload(strategy=strategy, data=form.cleaned_data["file"])
                return self._render_preview(request, strategy, preview)
        else:
            form = DataUploadForm()
        context = self._upload_context(
            request,
            strategy,
            title="Upload data (CSV)",
            form=form,
            measures=list(Measure.objects.filter(objective__strategy=strategy)),
        )
        return TemplateResponse(request, "admin/strategy/strategy/upload_data.html", context)

    def _render_preview(self, request, strategy, preview):
        """Show a preview; keep the file's text in the session when it may be confirmed."""
        confirm_form = None
        request.session.pop(PENDING_UPLOAD, None)
        if preview.can_apply:
            token = secrets.token_urlsafe(32)
            request.session[PENDING_UPLOAD] = {
                "strategy": strategy.pk,
                "token": token,
                "text": preview.text,
                "plan": preview.plan,
            }
            confirm_form = DataUploadConfirmForm(initial={"token": token})
        context = self._upload_context(
            request,
            strategy,
            title="Check the upload",
            preview=preview,
            listed=_listed_rows(preview),
            confirm_form=confirm_form,
        )
        return TemplateResponse(request, "admin/strategy/strategy/upload_preview.html", context)

    def upload_data_confirm_view(self, request, object_id):
        """Apply the previewed upload kept in the session, read again against the data now."""
        strategy = self._upload_target(request, object_id)
        upload_url = reverse("admin:strategy_strategy_upload_data", args=[strategy.pk])
        form = DataUploadConfirmForm(request.POST)
        pending = request.session.get(PENDING_UPLOAD) or {}
        if not (
            form.is_valid()
            and pending.get("strategy") == strategy.pk
            and secrets.compare_digest(pending.get("token", ""), form.cleaned_data["token"])
            # A preview kept before the file's text was stored under this key.
            and "text" in pending
        ):
            messages.error(
                request,
                "That preview is out of date or was not found (a later upload replaces it), "
                "so nothing was written. Upload the file again.",
            )
            return redirect(upload_url)
        del request.session[PENDING_UPLOAD]
        try:
            result = uploads.apply_upload(
                strategy=strategy,
                data=pending["text"],
                user=request.user,
                expected_plan=pending["plan"],
            )
        except uploads.UploadRefused as refused:
            messages.error(request, refused.message)
            return self._render_preview(request, strategy, refused.preview)
        messages.success(
            request,
            f"Uploaded scorecard data: {result.added} added, {result.changed} changed, "
            f"{result.unchanged} unchanged.",
        )
        return redirect("admin:strategy_strategy_change", strategy.pk)

    def upload_data_example_view(self, request, object_id):
        """A small CSV in the upload's format, naming this page's measures."""
        strategy = self._upload_target(request, object_id)
        names = [m.name for m in Measure.objects.filter(objective__strategy=strategy)[:2]]
        first, second = (names[0], names[-1]) if names else ("Burglaries", "Calls for service")
        rows = [
            ("measure", "period", "value", "note"),
            (first, "2024", "1,234.5", "Whole year"),
            (first, "2025-Q1", "310", ""),
            (second, "2025-03", "42", "From the March report"),
            (second, "2025-03-31", "40.25", ""),
        ]
        out = io.StringIO()
        csv.writer(out).writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"{strategy.slug}-data-example.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Publish the selected pages", permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish_strategies(user=request.user, strategies=queryset)
        self.message_user(request, f"Published {count} page(s).", messages.SUCCESS)

    @admin.action(description="Mark the selected pages reviewed today", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = services.mark_strategies_reviewed(user=request.user, strategies=queryset)
        self.message_user(request, f"Marked {count} page(s) reviewed.", messages.SUCCESS)


@admin.register(StrategyLink)
class StrategyLinkAdmin(ContentVersionAdmin):
    list_display = ("cause", "effect", "note")
    list_select_related = ("cause", "effect")
    autocomplete_fields = ("cause", "effect")
