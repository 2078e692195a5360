"""Who may change what in the admin.

A page manager changes only the strategy pages they manage and what hangs off
them; editors (the ``edit_all_strategies`` permission) and superusers change
every page. Every content admin derives from ``ContentVersionAdmin``, and the
admins of the strategy and of everything beneath it add
``PageContentAdminMixin``, so a page manager neither lists, opens, saves,
deletes nor picks another manager's objects, whatever id they type.
"""

from collections import defaultdict
from operator import attrgetter

import reversion
from django.contrib.admin import ModelAdmin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from reversion.admin import VersionAdmin
from reversion.models import Version

from strategy.models import Strategy, can_edit_all_pages
from strategy.services import recorded_change


class ContentVersionAdmin(VersionAdmin):
    """Reversion's admin, with whole-page revisions and reverting left to editors.

    ``revision_root(obj)`` names the object whose revision must hold ``obj``
    (the strategy page of an objective, the program of an implementation), so
    that saving or deleting a part records a revision of the whole.
    """

    def revision_root(self, obj):
        return None

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
        if not can_edit_all_pages(request.user):
            raise PermissionDenied
        versions = Version.objects.get_for_object_reference(self.model, unquote(object_id))
        if not versions.filter(pk=version_id).exists():
            raise Http404("That revision is not a revision of this object.")
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not can_edit_all_pages(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not can_edit_all_pages(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Reversion wraps the list view in one revision (for list_editable,
        # unused here), which would merge the per-page revisions that bulk
        # actions record into one; so go straight to the stock list view.
        # Its "Recover deleted" button is shown only to those who may recover.
        context = {"has_change_permission": can_edit_all_pages(request.user)}
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
        if can_edit_all_pages(request.user):
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
        if obj is None or obj.pk is None or can_edit_all_pages(request.user):
            return True
        return self.page_of(obj).page_manager_id == request.user.pk

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
