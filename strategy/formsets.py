"""Inline formsets for the parts of a page that may appear only once."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet


class DistinctRowsFormSet(BaseInlineFormSet):
    """Refuse the same ``distinct_field`` value on two rows, naming the duplicates.

    The database enforces these rules too, but with a condition (experts) or
    a field the form does not show (a resource's section), which the stock
    formset check cannot see; without this the second row would be a 500.
    """

    distinct_field: str

    def clean(self):
        super().clean()
        chosen = [
            form.cleaned_data[self.distinct_field]
            for form in self.forms
            if form.cleaned_data.get(self.distinct_field) and not form.cleaned_data.get("DELETE")
        ]
        duplicates = sorted({str(value) for value in chosen if chosen.count(value) > 1})
        if duplicates:
            raise ValidationError(
                "Listed twice: %(names)s.", params={"names": ", ".join(duplicates)}
            )


class SectionFormSet(DistinctRowsFormSet):
    """Resource links of one section of the page; new rows join that section."""

    distinct_field = "resource"
    section: str

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.section = self.section
        return form


class ToolsFormSet(SectionFormSet):
    section = "tools"


class InvestigateFormSet(SectionFormSet):
    section = "investigate"


class ExpertFormSet(DistinctRowsFormSet):
    distinct_field = "expert"
