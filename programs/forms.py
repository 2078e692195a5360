from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from programs.models import EvidenceRating
from strategy.models import Strategy


class ProgramFilterForm(forms.Form):
    """The program library's filters: an evidence rating, a strategy page, or both."""

    rating = forms.ChoiceField(
        label="Evidence rating",
        required=False,
        choices=[("", "Any rating"), *EvidenceRating.Rating.choices],
    )
    strategy = forms.ModelChoiceField(
        label="Used on the page",
        required=False,
        queryset=Strategy.objects.none(),
        to_field_name="slug",
        empty_label="Any page",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = (
            Strategy.objects.visible_to(user)
            .filter(program_links__isnull=False)
            .distinct()
            .order_by("title")
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("rating", css_class="col-md-4"),
                Column("strategy", css_class="col-md-6"),
                Column(Submit("", "Filter", css_class="mt-md-4"), css_class="col-md-2"),
            )
        )

    def filter(self, programs):
        """Narrow a Program queryset to the valid filters chosen (all of it when none are)."""
        if not self.is_valid():
            return programs
        if rating := self.cleaned_data["rating"]:
            programs = programs.filter(ratings__rating=rating)
        if strategy := self.cleaned_data["strategy"]:
            programs = programs.filter(strategy_links__strategy=strategy)
        return programs.distinct()
