"""Who may change what: a page manager only their own pages and what hangs off them.

Editors (the ``edit_all_strategies`` permission) and superusers change every
page. The admin classes of the strategy and of everything beneath it share
this mixin, so a page manager neither lists, opens, saves, deletes nor picks
another manager's objects, whatever id they type.
"""

from operator import attrgetter

from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404

from strategy.models import EDIT_ALL_PERMISSION


def can_edit_all_pages(user) -> bool:
    return user.is_active and user.has_perm(EDIT_ALL_PERMISSION)


class PageContentAdminMixin:
    """Limit an admin to the pages the signed-in user manages.

    ``page_path`` is the ORM path from the admin's model to its Strategy
    ("" for the Strategy itself, "objective__strategy" for a measure).
    """

    page_path = "strategy"

    def _manager_lookup(self) -> str:
        return f"{self.page_path}__page_manager" if self.page_path else "page_manager"

    def page_of(self, obj):
        return attrgetter(self.page_path.replace("__", "."))(obj) if self.page_path else obj

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can_edit_all_pages(request.user):
            return queryset
        return queryset.filter(**{self._manager_lookup(): request.user})

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

    def recoverlist_view(self, request, extra_context=None):
        # Deleted objects are not filtered by page; only editors may browse them.
        if not can_edit_all_pages(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not can_edit_all_pages(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)
