"""Uploading a page's measure data (CSV or .xlsx) from the admin: upload, check the preview,
confirm.

Three views beside the strategy page's change form (``urls`` gives their
patterns to ``StrategyAdmin.page_views``; their names stay the strategy
admin's: ``admin:strategy_strategy_upload_data`` and so on):

1. ``<page>/upload-data/``: the form; posting the file reads it against the
   page's data (``uploads.preview_upload``) and shows what it would add,
   change and keep, or its problems. Nothing is written.
2. ``<page>/upload-data/confirm/`` (POST only): applies the previewed file
   (``uploads.apply_upload``), read again against the data as it is now.
3. ``<page>/upload-data/example.csv``: a small file in the format, naming the
   page's measures.

All three are for people who may change the page: another manager's page is
a 404 (as the change form), a page the user may only view a 403.
"""

import csv
import io
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from base.periods import Frequency, ended_periods
from scorecards import uploads
from scorecards.exports import spreadsheet_safe
from scorecards.forms import DataUploadConfirmForm, DataUploadForm
from scorecards.models import Measure

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


FORM_TEMPLATE = "admin/scorecards/upload_data.html"
PREVIEW_TEMPLATE = "admin/scorecards/upload_preview.html"


def urls(model_admin) -> list:
    """The upload's URL patterns, under the strategy admin ``model_admin``."""
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    view = model_admin.admin_site.admin_view

    def bound(function):
        def upload_view(request, object_id):
            return function(model_admin, request, object_id)

        return upload_view

    return [
        path(
            "<path:object_id>/upload-data/",
            view(bound(upload_data_view)),
            name=f"{prefix}_upload_data",
        ),
        path(
            "<path:object_id>/upload-data/confirm/",
            view(require_POST(bound(upload_data_confirm_view))),
            name=f"{prefix}_upload_data_confirm",
        ),
        path(
            "<path:object_id>/upload-data/example.csv",
            view(bound(upload_data_example_view)),
            name=f"{prefix}_upload_data_example",
        ),
    ]


def _upload_target(model_admin, request, object_id):
    """The page, if the user may change it: 404 for other managers' pages, else 403."""
    strategy = model_admin.get_object(request, unquote(object_id))
    if not model_admin.has_change_permission(request, strategy):
        raise PermissionDenied
    return strategy


def _upload_context(model_admin, request, strategy, **context):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": strategy,
        "has_view_permission": model_admin.has_view_permission(request),
        "max_upload": uploads.MAX_UPLOAD_LABEL,
        **context,
    }


def upload_data_view(model_admin, request, object_id):
    """Upload a CSV or .xlsx file of measure data (POST) and preview what it would change."""
    strategy = _upload_target(model_admin, request, object_id)
    if request.method == "POST":
        form = DataUploadForm(request.POST, request.FILES)
        if form.is_valid():
            preview = uploads.preview_upload(
                strategy=strategy,
                data=form.cleaned_data["file"],
                name=request.FILES["file"].name,
            )
            return _render_preview(model_admin, request, strategy, preview)
    else:
        form = DataUploadForm()
    context = _upload_context(
        model_admin,
        request,
        strategy,
        title="Upload data (CSV or Excel)",
        form=form,
        measures=list(Measure.objects.filter(objective__strategy=strategy)),
    )
    return TemplateResponse(request, FORM_TEMPLATE, context)


def _render_preview(model_admin, request, strategy, preview):
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
    context = _upload_context(
        model_admin,
        request,
        strategy,
        title="Check the upload",
        preview=preview,
        falling_behind=preview.falling_behind(),
        listed=_listed_rows(preview),
        confirm_form=confirm_form,
    )
    return TemplateResponse(request, PREVIEW_TEMPLATE, context)


def upload_data_confirm_view(model_admin, request, object_id):
    """Apply the previewed upload kept in the session, read again against the data now."""
    strategy = _upload_target(model_admin, request, object_id)
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
        return _render_preview(model_admin, request, strategy, refused.preview)
    messages.success(
        request,
        f"Uploaded scorecard data: {result.added} added, {result.changed} changed, "
        f"{result.unchanged} unchanged.",
    )
    return redirect("admin:strategy_strategy_change", strategy.pk)


# The example's values and notes, two for each of two measures.
_EXAMPLE_VALUES = [
    ("1,234.5", "From the police report"),
    ("310", ""),
    ("42", "Revised"),
    ("40.25", ""),
]


def upload_data_example_view(model_admin, request, object_id):
    """A small CSV in the upload's format, naming this page's measures, each with periods
    of its own frequency (the upload refuses others): two values of each of two measures,
    or four of the only one."""
    strategy = _upload_target(model_admin, request, object_id)
    measures = [
        (m.name, m.frequency) for m in Measure.objects.filter(objective__strategy=strategy)[:2]
    ] or [("Burglaries", Frequency.QUARTERLY), ("Calls for service", Frequency.MONTHLY)]
    today = timezone.localdate()
    # One iterator a measure: with one measure, its four rows take four periods.
    periods = [iter(ended_periods(frequency, before=today, count=4)) for _, frequency in measures]
    rows = [("measure", "period", "value", "note")] + [
        (measures[index][0], next(periods[index]).label, value, note)
        for index, (value, note) in zip((0, 0, -1, -1), _EXAMPLE_VALUES, strict=True)
    ]
    out = io.StringIO()
    csv.writer(out).writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"{strategy.slug}-data-example.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
