import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.admin import PeopleByNameAdminMixin
from base.formsets import DistinctRowsFormSet
from reviews import services
from reviews.models import ExpertAssignment, Review
from reviews.services import FUTURE_DATE
from strategy.admin import StrategyAdmin
from strategy.models import Strategy
from strategy.ownership import ContentVersionAdmin, PageContentAdminMixin


class ExpertFormSet(DistinctRowsFormSet):
    distinct_field = "expert"


class ExpertAssignmentInline(PeopleByNameAdminMixin, nested_admin.NestedTabularInline):
    model = ExpertAssignment
    formset = ExpertFormSet
    fields = ("expert", "expert_name", "area")
    autocomplete_fields = ("expert",)
    extra = 0
    verbose_name_plural = "Subject-matter experts"


class ReviewAdminForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ("strategy", "reviewer", "reviewer_name", "reviewed_on", "comments", "reply")

    def clean_reviewed_on(self):
        # As on the site; not "after the page was created", which imported reviews predate.
        reviewed_on = self.cleaned_data["reviewed_on"]
        if reviewed_on and reviewed_on > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE, code="future")
        return reviewed_on


@admin.register(Review)
class ReviewAdmin(PageContentAdminMixin, ContentVersionAdmin):
    form = ReviewAdminForm
    list_display = ("strategy", "reviewer_display", "reviewed_on", "created_at")
    list_filter = ("reviewed_on",)
    search_fields = ("strategy__title", "reviewer_name", "reviewer__username", "comments")
    autocomplete_fields = ("strategy", "reviewer")
    date_hierarchy = "reviewed_on"
    list_select_related = ("strategy", "reviewer")
    readonly_fields = ("revision", "created_at", "addressed_at", "addressed_by")

    @admin.display(description="reviewer")
    def reviewer_display(self, review):
        return review.reviewer_display

    def save_related(self, request, form, formsets, change):
        pages = {form.instance.strategy_id, getattr(form, "previous_revision_root", None)}
        _refresh_review_dates(pages)
        super().save_related(request, form, formsets, change)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            pages = {review.strategy_id for review in queryset}
            super().delete_queryset(request, queryset)
            _refresh_review_dates(pages)


def _refresh_review_dates(pages) -> None:
    """A review's date changed or it went: its page's "last reviewed" follows."""
    ids = {getattr(page, "pk", page) for page in pages} - {None}
    for page in Strategy.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        services.refresh_review_date(page)


@admin.action(description="Mark the selected pages reviewed today", permissions=["change"])
def mark_reviewed(modeladmin, request, queryset):
    count = services.mark_reviewed(user=request.user, strategies=queryset)
    modeladmin.message_user(request, f"Marked {count} page(s) reviewed.", messages.SUCCESS)


StrategyAdmin.actions = [*StrategyAdmin.actions, mark_reviewed]


class PeopleAdmin(UserAdmin):
    """Accounts for those who manage them; names only for page managers.

    Page managers need to look people up (the expert field's autocomplete
    searches this admin) but have no business with e-mail addresses, groups
    or staff flags: they see names, can search and filter by nothing else,
    and cannot open an account. Editors manage accounts and hand out the
    three roles, but only a superuser grants superuser status or other
    permissions, or changes a superuser's account.
    """

    NAMES = ("username", "first_name", "last_name")

    def _manages_accounts(self, request) -> bool:
        return request.user.has_perm("auth.change_user")

    def get_list_display(self, request):
        return super().get_list_display(request) if self._manages_accounts(request) else self.NAMES

    def get_list_display_links(self, request, list_display):
        # Names only: no link to an account page the reader cannot open.
        if self._manages_accounts(request):
            return super().get_list_display_links(request, list_display)
        return None

    def get_list_filter(self, request):
        return super().get_list_filter(request) if self._manages_accounts(request) else ()

    def get_search_fields(self, request):
        return super().get_search_fields(request) if self._manages_accounts(request) else self.NAMES

    def lookup_allowed(self, lookup, value, request):
        return self._manages_accounts(request) and super().lookup_allowed(lookup, value, request)

    def has_view_permission(self, request, obj=None):
        if obj is not None and not self._manages_accounts(request):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "user_permissions", "last_login", "date_joined")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(
                name__in=[roles.PAGE_MANAGERS, roles.EDITORS, roles.REVIEWERS]
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PeopleAdmin)


# The page's experts, last on its form as on the page.
StrategyAdmin.add_inline(ExpertAssignmentInline)
