"""How people are named on the site, in revisions, reviews and notices."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import get_text_list


def person_name(user, fallback: str) -> str:
    """How a person is shown: their full name, else their username, else the stored name."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


def not_written_to(reasons: list[tuple[int, str]]) -> str:
    """What a reminder command says of the people it left out, each ``(count, why)`` with a
    count; empty when it left out nobody."""
    said = [
        f"{count} {'person' if count == 1 else 'people'} {why}" for count, why in reasons if count
    ]
    return f"Not written to: {get_text_list(said, 'and')}." if said else ""


class NamedPersonChoiceField(forms.ModelChoiceField):
    """A choice of a person among those its queryset gives, shown by name, as the site shows
    them (an autocomplete box names its chosen person this way too)."""

    def label_from_instance(self, obj) -> str:
        return person_name(obj, "")


class PersonChoiceField(NamedPersonChoiceField):
    """A choice of the people who work in the admin, shown by name, as the site shows them."""

    def __init__(self, **kwargs):
        kwargs["queryset"] = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True)
            .order_by("first_name", "last_name", "username")
        )
        super().__init__(**kwargs)
