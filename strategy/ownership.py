"""Who may change what in the admin.

A page manager changes only the strategy pages they manage and what hangs off
them; editors (the ``edit_all_strategies`` permission) and superusers change
every page: ``user.has_perm("strategy.change_strategy", page)``, the rule of
``accounts/rules.py``. Every content admin derives from ``ContentVersionAdmin``,
and the admins of the strategy and of everything beneath it add
``PageContentAdminMixin``, so a page manager neither lists, opens, saves,
deletes nor picks another manager's objects, whatever id they type.

``ContentVersionAdmin`` also refuses stale saves (see docs/architecture.md,
"Edit conflicts"): a change form remembers the latest revision of its object
(and a strategy's save counter) when it was opened, and a save is refused if
either has moved since.
"""

from collections import defaultdict
from operator import attrgetter

import reversion
from django.contrib.admin import ModelAdmin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from reversion.admin import VersionAdmin
from reversion.models import Version

from accounts.admin import PeopleByNameAdminMixin
from accounts.people import person_name
from accounts.rules import is_editor
from base.revisions import ChangeKind, change_kind, recorded_change
from base.stamps import LOADED_VERSION, EditStamp, EditStampField, edit_stamp, lock_row
from strategy.models import Strategy

# Saves named one by one in a conflict message; more are summed up.
NAMED_SAVES = 3


def _is_saved(obj) -> bool:
    return obj is not None and obj.pk is not None


class ContentVersionAdmin(PeopleByNameAdminMixin, VersionAdmin):
    """Reversion's admin, with whole-page revisions and reverting left to editors.

    ``revision_root(obj)`` names the object whose revision must hold ``obj``
    (the strategy page of an objective, the program of an implementation), so
    that saving or deleting a part records a revision of the whole.
    """

    def revision_root(self, obj):
        return None

    # -- The revision's comment for an addition names what was added ---------------------

    def describe_added(self, obj) -> str:
        """How the revision's comment names an object added in the admin."""
        return f"{obj._meta.verbose_name} “{obj}”"

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if add:
            # Django says only "Added."; the history says what: the object and its rows.
            added = [form.instance] + [obj for formset in formsets for obj in formset.new_objects]
            described = [self.describe_added(obj) for obj in added]
            request.addition_comment = "; ".join(
                [f"Added {described[0]}", *(f"added {text}" for text in described[1:])]
            )
        return message

    def log_addition(self, request, object, message):
        entry = super().log_addition(request, object, message)
        comment = getattr(request, "addition_comment", None)
        if comment and reversion.is_active():
            reversion.set_comment(comment)
        return entry

    # -- Edit conflicts: a form opened before the latest save may not save ---------------

    def _checks_conflicts(self, request, obj) -> bool:
        # Add forms have nothing to conflict with; view-only forms save nothing.
        return _is_saved(obj) and self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._checks_conflicts(request, obj):
            return fieldsets
        if LOADED_VERSION in flatten_fieldsets(fieldsets):
            return fieldsets
        # Only fields named in the fieldsets are rendered, hidden ones included.
        (name, options), *rest = fieldsets or [(None, {"fields": ()})]
        return [(name, {**options, "fields": (*options["fields"], LOADED_VERSION)}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" in kwargs:
            fields = kwargs.pop("fields")
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            # Not a model field: declared on the form below.
            fields = [name for name in fields if name != LOADED_VERSION]
        form = super().get_form(request, obj, change, fields=fields, **kwargs)
        if not self._checks_conflicts(request, obj):
            return form
        model_admin = self

        class EditConflictForm(form):
            loaded_version = EditStampField()

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial[LOADED_VERSION] = str(edit_stamp(self.instance))

            def clean(self):
                cleaned_data = super().clean()
                # The instance is still as stored: the form's values are applied after clean().
                loaded = EditStamp.parse(cleaned_data.get(LOADED_VERSION))
                conflict = model_admin.edit_conflict(request, self.instance, loaded)
                if conflict:
                    raise ValidationError(conflict, code="edit_conflict")
                return cleaned_data

        EditConflictForm.__name__ = EditConflictForm.__qualname__ = form.__name__
        return EditConflictForm

    def edit_conflict(self, request, obj, loaded: EditStamp) -> SafeString | None:
        """Why a form opened at ``loaded`` may not save ``obj`` now, or None.

        Runs inside the admin's transaction and locks the page (or other
        revision root), then the object, so that of two saves posted at once
        the second waits for the first to commit and then sees its revision.
        Every save of a page's parts locks the page first, so they never deadlock.
        """
        root = self.revision_root(obj)
        if root is not None and root != obj:
            lock_row(root)
        now = edit_stamp(obj, lock=True)
        if now == loaded:
            return None
        newer = list(
            Version.objects.get_for_object(obj)
            .filter(pk__gt=loaded.version_id or 0)
            .select_related("revision__user")
            .defer("serialized_data")[: NAMED_SAVES + 1]
        )
        name = format_html("this {} (now “{}”)", obj._meta.verbose_name, obj)
        saves = [
            (
                person_name(version.revision.user, "system"),
                date_format(timezone.localtime(version.revision.date_created), "M j, Y, g:i a"),
            )
            for version in newer[:NAMED_SAVES]
        ]
        if saves:
            who, when = saves[0]
            what = format_html(
                "after you opened this form, {} was changed by {} on {}", name, who, when
            )
            if len(saves) > 1:
                earlier = format_html_join(", ", "by {} on {}", saves[1:])
                more = " and earlier" if len(newer) > NAMED_SAVES else ""
                what = format_html("{} (and before that {}{})", what, earlier, more)
        elif now.version_id == loaded.version_id:
            what = format_html(
                "after you opened this form, {} was changed by a change its history does not "
                "record (such as a new review moving its review date)",
                name,
            )
        else:
            what = format_html("{} has changed since you opened this form", name)
        url, label = self.conflict_link(obj, loaded.version_id, root)
        return format_html(
            "Not saved: {}; nothing you entered here was saved, so that change stands. "
            '<a href="{}">{}</a>, then <a href="{}">open this form again</a> and make your '
            "changes there.",
            what,
            url,
            label,
            request.get_full_path(),
        )

    def conflict_link(self, obj, loaded_id: int | None, root) -> tuple[str, str]:
        """Where the changes saved since the form was opened can be read, and a label."""
        page = root if root is not None else obj
        if not isinstance(page, Strategy):
            opts = obj._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            return url, "See its history"
        url = reverse("strategy:strategy-history", args=[page.slug])
        page_versions = Version.objects.get_for_object(page)
        newest = page_versions.values_list("pk", flat=True).first()
        # The page's own version in the revision the form was opened at.
        opened = (
            page_versions.filter(revision__version__pk=loaded_id)
            .values_list("pk", flat=True)
            .first()
            if loaded_id is not None
            else None
        )
        if opened is None or newest is None or opened == newest:
            return f"{url}#revisions", "See the page's history"
        return f"{url}?from={opened}&to={newest}#changes", "See what changed on the page"

    def save_form(self, request, form, change):
        if change:
            # The part may be moving to another page: that page's revision
            # must record it leaving, so remember where it was stored.
            stored = type(form.instance)._default_manager.get(pk=form.instance.pk)
            form.previous_revision_root = self.revision_root(stored)
        return super().save_form(request, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        roots = {self.revision_root(form.instance), getattr(form, "previous_revision_root", None)}
        for root in roots - {None}:
            reversion.add_to_revision(root)

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        """Delete, recording one revision per page (or program) the objects belonged to."""
        by_root = defaultdict(list)
        for obj in queryset:
            by_root[self.revision_root(obj)].append(obj)
        with transaction.atomic():
            for root, objects in by_root.items():
                names = ", ".join(f"“{obj}”" for obj in objects)
                root_survives = root is not None and root not in objects
                with recorded_change(user=request.user, comment=f"Deleted {names}"):
                    for obj in objects:
                        obj.delete()
                    if root_survives:
                        reversion.add_to_revision(root)

    # A revision can span several pages (a bulk action, an import), and
    # reverting restores all of it, so only editors may revert or recover.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.has_perm("reversion.revert_revision"):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        if not versions.filter(pk=version_id).exists():
            raise Http404("That revision is not a revision of this object.")
        with change_kind(ChangeKind.RESTORE):
            return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm("reversion.revert_revision"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.has_perm("reversion.revert_revision"):
            raise PermissionDenied
        with change_kind(ChangeKind.RESTORE):
            return super().recover_view(request, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Reversion wraps the list view in one revision (for list_editable,
        # unused here), which would merge the per-page revisions that bulk
        # actions record into one; so go straight to the stock list view.
        # Its "Recover deleted" button is shown only to those who may recover.
        context = {"has_change_permission": request.user.has_perm("reversion.revert_revision")}
        return ModelAdmin.changelist_view(self, request, {**context, **(extra_context or {})})


class PageContentAdminMixin:
    """Limit an admin to the pages the signed-in user manages.

    ``page_path`` is the ORM path from the admin's model to its Strategy
    ("" for the Strategy itself, "objective__strategy" for a measure).
    """

    page_path = "strategy"

    def page_of(self, obj) -> Strategy:
        return attrgetter(self.page_path.replace("__", "."))(obj) if self.page_path else obj

    def revision_root(self, obj):
        return self.page_of(obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The rows of ``Strategy.objects.editable_by``, reached through ``page_path``.
        if is_editor(request.user):
            return queryset
        if not self.page_path:
            return queryset.filter(page_manager=request.user)
        return queryset.filter(**{f"{self.page_path}__page_manager": request.user})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # The stock admin redirects to its index with "doesn't exist";
            # a plain 404 tells a page manager nothing about other pages.
            raise Http404("No such object among the pages you manage.")
        return obj

    def _owns(self, request, obj) -> bool:
        # Without an object (the model as a whole) the groups' model permissions decide.
        if obj is None or obj.pk is None:
            return True
        return request.user.has_perm("strategy.change_strategy", self.page_of(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer (and accept) only parents the user may change: a page manager
        # cannot attach an objective to someone else's page by posting its id.
        try:
            related_admin = self.admin_site.get_model_admin(db_field.related_model)
        except NotRegistered:
            related_admin = None
        if isinstance(related_admin, PageContentAdminMixin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().revision_view(request, object_id, version_id, extra_context)
