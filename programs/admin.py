from django.contrib import admin

from programs.models import EvidenceRating, Implementation, Outcome, Program, Resource
from strategy.ownership import ContentVersionAdmin


class EvidenceRatingInline(admin.TabularInline):
    model = EvidenceRating
    fields = ("source", "rating", "outcome_rated", "rated_on", "url")
    extra = 0


class ImplementationInline(admin.TabularInline):
    model = Implementation
    fields = ("place", "start_year", "notes")
    extra = 0
    show_change_link = True


class OutcomeInline(admin.TabularInline):
    model = Outcome
    fields = ("indicator", "change_percent", "period", "source")
    autocomplete_fields = ("source",)
    extra = 0


@admin.register(Program)
class ProgramAdmin(ContentVersionAdmin):
    list_display = ("name", "origin", "rating_count")
    search_fields = ("name", "summary", "description", "first_implemented_place")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = [
        (None, {"fields": ("name", "slug", "summary", "description", "website")}),
        ("First implemented", {"fields": ("first_implemented_place", "first_implemented_year")}),
    ]
    inlines = [ImplementationInline, EvidenceRatingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("ratings")

    @admin.display(description="evidence ratings")
    def rating_count(self, program):
        return len(program.ratings.all())


@admin.register(Implementation)
class ImplementationAdmin(ContentVersionAdmin):
    list_display = ("program", "place", "start_year")
    list_select_related = ("program",)
    search_fields = ("program__name", "place")
    autocomplete_fields = ("program",)
    inlines = [OutcomeInline]

    def revision_root(self, implementation):
        return implementation.program


@admin.register(Resource)
class ResourceAdmin(ContentVersionAdmin):
    list_display = ("title", "kind", "publisher", "year")
    list_filter = ("kind",)
    search_fields = ("title", "publisher", "url", "description")
