"""Inline formsets that refuse rows breaking a "once per parent" rule."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet


def _key(value):
    return getattr(value, "pk", value)


class DistinctRowsFormSet(BaseInlineFormSet):
    """Refuse rows that would break a "once per page" rule, with a message instead of a 500.

    Two cases reach the database otherwise: the same ``distinct_field`` value
    on two rows when the rule has a condition (experts) or a field the form
    does not show (a resource's section), which the stock check cannot see;
    and a row taking the value another saved row still holds (two rows
    swapping values), since rows are saved one at a time.
    """

    distinct_field: str

    def clean(self):
        super().clean()
        field = self.distinct_field
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get(field) is not None and not form.cleaned_data.get("DELETE")
        ]
        chosen = [_key(form.cleaned_data[field]) for form in kept]
        duplicates = sorted(
            {
                str(form.cleaned_data[field])
                for form in kept
                if chosen.count(_key(form.cleaned_data[field])) > 1
            }
        )
        if duplicates:
            raise ValidationError(
                "Listed twice: %(names)s.", params={"names": ", ".join(duplicates)}
            )
        held_by = {_key(form.initial.get(field)): form for form in self.initial_forms}
        for form in kept:
            holder = held_by.get(_key(form.cleaned_data[field]))
            if holder is not None and holder is not form and field in form.changed_data:
                raise ValidationError(
                    "“%(name)s” is still on another row. Change or remove that row and "
                    "save, then use it here.",
                    params={"name": form.cleaned_data[field]},
                )
