"""People named in the admin as the site names them: full name, else username.

Django shows an account as its username (``str(user)``) in change lists, list
filters, choice boxes and autocomplete results; pages, reviews and e-mails show
the person's name. ``PeopleByNameAdminMixin`` gives every admin that uses it
(the content admins' base, ``strategy.ownership.ContentVersionAdmin``, and the
inlines that choose people) named columns, filters and choices for each foreign
key to an account, and the site's autocomplete view names people in its results.
"""

from functools import cache

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model

from accounts.people import NamedPersonChoiceField, person_name


def _is_person_field(model, name) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001  (a column that is no field: a method, a callable)
        return False
    return field.many_to_one and field.related_model is get_user_model()


class PersonListFilter(admin.RelatedOnlyFieldListFilter):
    """The people a list's rows name, by name, sorted as they read."""

    def field_choices(self, field, request, model_admin):
        chosen = model_admin.get_queryset(request).values_list(f"{self.field_path}__pk")
        people = field.related_model._default_manager.filter(pk__in=chosen)
        named = [(person.pk, person_name(person, "")) for person in people]
        return sorted(named, key=lambda choice: choice[1].casefold())


@cache
def person_column(model, name: str):
    """A change-list column naming the person in the foreign key ``name``.

    One function per column: the change list finds a sortable column by identity among
    those ``get_sortable_by()`` gives, which are read from ``get_list_display()`` again.
    """
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        person = getattr(obj, name)
        return None if person is None else person_name(person, "")

    column.__name__ = name
    return column


class PeopleByNameAdminMixin:
    """Columns, filters and choices of accounts show people's names (see the module)."""

    def get_list_display(self, request):
        return [
            person_column(self.model, item)
            if isinstance(item, str) and _is_person_field(self.model, item)
            else item
            for item in super().get_list_display(request)
        ]

    def get_list_filter(self, request):
        filters = []
        for item in super().get_list_filter(request):
            name = item[0] if isinstance(item, tuple) else item
            if isinstance(name, str) and _is_person_field(self.model, name):
                item = (name, PersonListFilter)
            filters.append(item)
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model():
            kwargs.setdefault("form_class", NamedPersonChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PeopleAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete results, people among them named as the site names them."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, get_user_model()):
            result["text"] = person_name(obj, "")
        return result


class AuthoringSite(admin.AdminSite):
    # Django's sidebar of every model took 300 of a 1280 px window, and the change lists and
    # the strategy page's form, with its nested inlines, need the width; the breadcrumbs and
    # the index page lead to the other models.
    enable_nav_sidebar = False

    def autocomplete_view(self, request):
        return PeopleAutocompleteView.as_view(admin_site=self)(request)
