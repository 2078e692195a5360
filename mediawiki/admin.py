"""Importing a MediaWiki export from the admin, for editors: upload, read the dry run, confirm.

The maps' admin gets the import among its list's tools: this app registers
``StrategyMap`` again with ``MapsWithImportAdmin``, which is strategy's
``StrategyMapAdmin`` plus the two URLs below and a list template with the
link, so ``strategy`` knows nothing of the import.

Two steps, both behind ``admin_view`` and ``accounts.rules.is_editor`` (page managers
get a 403, since an import changes every page):

1. ``import-mediawiki/``: the form (the XML file, at most ``MAX_IMPORT_LABEL``,
   refused by its size before it is read; the --publish and --keep-going
   options). Posting it runs ``import_dump(dry_run=True)`` on the upload and
   shows the report: what would be created and changed, what could not be
   placed. Nothing is written.
2. ``import-mediawiki/confirm/`` (POST only): the same file, chosen again,
   is imported with the options of the dry run.

Between the steps the server keeps no copy of the file, only a note in the
session: a random token (also in the confirmation form), the file's SHA-256,
name and size, and the options. The confirmation must bring the same token
and a file with the same digest, or it is refused and writes nothing. We
chose asking for the file again over keeping it in a temporary file because
app processes are stateless behind a load balancer (a temporary file on one
machine is not there for a request served by another) and nothing is left to
clean up; and over the session because 20 MB does not belong in a session row.
"""

import hashlib
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from accounts.rules import is_editor
from mediawiki.importer import ImportFailed, import_dump
from strategy.admin import StrategyMapAdmin
from strategy.models import StrategyMap

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_LABEL = "20 MB"
# A request cannot run for long (nginx gives up on the app after 60 seconds). 300
# pages with full scorecards took 23 s on a busy two-core machine, so the admin
# stops at 200; a larger wiki goes through the command, which has no limit.
MAX_IMPORT_PAGES = 200
PENDING_IMPORT = "mediawiki_import"
FORM_TEMPLATE = "mediawiki/import.html"
REPORT_TEMPLATE = "mediawiki/import_report.html"


class _XMLFileField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(
            label="MediaWiki XML export",
            allow_empty_file=True,  # the import says what is wrong with an empty file
            widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is not None and upload.size > MAX_IMPORT_BYTES:
            megabytes = upload.size / (1024 * 1024)
            raise forms.ValidationError(
                f"The file is {megabytes:,.1f} MB; the limit here is {MAX_IMPORT_LABEL}. "
                "Import a larger export on the server with "
                "“python manage.py import_mediawiki FILE.xml”, or export fewer pages.",
                code="too_large",
            )
        return upload


class WikiImportForm(forms.Form):
    file = _XMLFileField(
        help_text=f"From Special:Export or dumpBackup.php (schema 0.10 or 0.11), at most "
        f"{MAX_IMPORT_LABEL} and {MAX_IMPORT_PAGES} strategy pages."
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish the imported pages",
        help_text="Otherwise new pages are drafts. A page with a part still “Under "
        "Construction” is published as Under construction.",
    )
    keep_going = forms.BooleanField(
        required=False,
        label="Skip a page that fails and import the rest",
        help_text="Otherwise one failing page stops the import and nothing is saved.",
    )


class WikiImportConfirmForm(forms.Form):
    file = _XMLFileField(help_text="The same file you just checked.")
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)


def _digest(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _check_editor(request) -> None:
    if not is_editor(request.user):
        raise PermissionDenied("Only editors import from MediaWiki: it changes every page.")


def _context(model_admin, request, **context) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "max_upload": MAX_IMPORT_LABEL,
        "max_pages": MAX_IMPORT_PAGES,
        "has_view_permission": model_admin.has_view_permission(request),
        **context,
    }


def import_view(model_admin, request):
    """The form (GET); the dry run of the uploaded file and its report (POST)."""
    _check_editor(request)
    form = WikiImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {
            "publish": form.cleaned_data["publish"],
            "keep_going": form.cleaned_data["keep_going"],
        }
        request.session.pop(PENDING_IMPORT, None)
        try:
            report = import_dump(
                source=upload,
                dry_run=True,
                user=request.user,
                max_pages=MAX_IMPORT_PAGES,
                **options,
            )
        except ImportFailed as error:
            form.add_error("file", error.message)
        else:
            token = secrets.token_urlsafe(32)
            request.session[PENDING_IMPORT] = {
                "token": token,
                "digest": _digest(upload),
                "name": upload.name,
                "size": upload.size,
                **options,
            }
            context = _context(
                model_admin,
                request,
                title="Check the import",
                report=report,
                pending=request.session[PENDING_IMPORT],
                confirm_form=WikiImportConfirmForm(initial={"token": token}),
            )
            return TemplateResponse(request, REPORT_TEMPLATE, context)
    context = _context(model_admin, request, title="Import from MediaWiki", form=form)
    return TemplateResponse(request, FORM_TEMPLATE, context)


def confirm_view(model_admin, request):
    """Import the file whose dry run the editor read, with the same options."""
    _check_editor(request)
    start_url = reverse("admin:strategy_strategymap_import_mediawiki")
    form = WikiImportConfirmForm(request.POST, request.FILES)
    pending = request.session.get(PENDING_IMPORT) or {}
    if not (
        form.is_valid()
        and pending
        and secrets.compare_digest(pending.get("token", ""), form.cleaned_data["token"])
    ):
        errors = form.errors.get("file")
        messages.error(
            request,
            (errors[0] + " " if errors else "")
            + "That check is out of date or was not found (a later check replaces it), so "
            "nothing was imported. Check the file again.",
        )
        return redirect(start_url)
    upload = form.cleaned_data["file"]
    if _digest(upload) != pending["digest"]:
        messages.error(
            request,
            f"“{upload.name}” is not the file you checked (“{pending['name']}”, "
            f"{pending['size']:,} bytes), so nothing was imported. Check the file you want "
            "to import, then confirm with that same file.",
        )
        return redirect(start_url)
    del request.session[PENDING_IMPORT]
    try:
        report = import_dump(
            source=upload,
            user=request.user,
            publish=pending["publish"],
            keep_going=pending["keep_going"],
            max_pages=MAX_IMPORT_PAGES,
        )
    except ImportFailed as error:
        messages.error(request, error.message)
        return redirect(start_url)
    messages.success(request, report.headline())
    context = _context(model_admin, request, title="Import finished", report=report)
    return TemplateResponse(request, REPORT_TEMPLATE, context)


def urls(model_admin) -> list:
    """The two URLs, for ``MapsWithImportAdmin.get_urls``."""
    view = model_admin.admin_site.admin_view
    return [
        path(
            "import-mediawiki/",
            view(lambda request: import_view(model_admin, request)),
            name="strategy_strategymap_import_mediawiki",
        ),
        path(
            "import-mediawiki/confirm/",
            view(require_POST(lambda request: confirm_view(model_admin, request))),
            name="strategy_strategymap_import_mediawiki_confirm",
        ),
    ]


admin.site.unregister(StrategyMap)


@admin.register(StrategyMap)
class MapsWithImportAdmin(StrategyMapAdmin):
    # Adds "Import from MediaWiki" to the list's tools.
    change_list_template = "mediawiki/strategymap_change_list.html"

    def get_urls(self):
        return [*urls(self), *super().get_urls()]
