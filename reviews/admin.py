from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from reviews.models import ExpertAssignment, Review
from strategy.formsets import ExpertFormSet
from strategy.ownership import ContentVersionAdmin, PageContentAdminMixin


class ExpertAssignmentInline(admin.TabularInline):
    model = ExpertAssignment
    formset = ExpertFormSet
    fields = ("expert", "expert_name", "area")
    autocomplete_fields = ("expert",)
    extra = 0
    verbose_name_plural = "Subject-matter experts"


@admin.register(Review)
class ReviewAdmin(PageContentAdminMixin, ContentVersionAdmin):
    list_display = ("strategy", "reviewer_display", "reviewed_on", "created_at")
    list_filter = ("reviewed_on",)
    search_fields = ("strategy__title", "reviewer_name", "reviewer__username", "comments")
    autocomplete_fields = ("strategy", "reviewer")
    date_hierarchy = "reviewed_on"
    list_select_related = ("strategy", "reviewer")
    readonly_fields = ("revision", "created_at")

    @admin.display(description="reviewer")
    def reviewer_display(self, review):
        return review.reviewer_display


class PeopleAdmin(UserAdmin):
    """Accounts, for those who manage them; for page managers, names to pick experts from.

    Page managers need to look people up (the expert field's autocomplete
    searches this admin) but have no business with e-mail addresses, groups
    or staff flags, so they see names only and cannot open an account.
    """

    NAMES = ("username", "first_name", "last_name")

    def _manages_accounts(self, request) -> bool:
        return request.user.has_perm("auth.change_user")

    def get_list_display(self, request):
        return super().get_list_display(request) if self._manages_accounts(request) else self.NAMES

    def get_list_filter(self, request):
        return super().get_list_filter(request) if self._manages_accounts(request) else ()

    def get_search_fields(self, request):
        return super().get_search_fields(request) if self._manages_accounts(request) else self.NAMES

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self._manages_accounts(request):
            return False
        return super().has_view_permission(request, obj)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PeopleAdmin)
