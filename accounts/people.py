"""How people are named on the site, in revisions, reviews and notices."""

from django import forms
from django.contrib.auth import get_user_model


def person_name(user, fallback: str) -> str:
    """How a person is shown: their full name, else their username, else the stored name."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of the people who work in the admin, shown by name, as the site shows them."""

    def __init__(self, **kwargs):
        kwargs["queryset"] = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True)
            .order_by("first_name", "last_name", "username")
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj) -> str:
        return person_name(obj, "")
