from django.contrib import admin

from reviews.models import ExpertAssignment, Review
from strategy.ownership import PageContentAdminMixin


class ExpertAssignmentInline(admin.TabularInline):
    model = ExpertAssignment
    fields = ("expert", "expert_name", "area")
    autocomplete_fields = ("expert",)
    extra = 0
    verbose_name_plural = "Subject-matter experts"


@admin.register(Review)
class ReviewAdmin(PageContentAdminMixin, admin.ModelAdmin):
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
