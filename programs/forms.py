from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.db.models import Exists, OuterRef
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from programs.models import EvidenceRating
from strategy.models import Strategy, StrategyProgram


class LongSelect(forms.Select):
    """A drop-down of thousands of options, written in one pass.

    The standard widget renders a template per option, which on a state-wide
    site (one option per strategy page) took most of the program list's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, SELECTED if str(key) in chosen else "", label) for key, label in self.choices),
        )
        attributes = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attributes, options)


SELECTED = mark_safe(" selected")  # noqa: S308 - a constant


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
        widget=LongSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = (
            Strategy.objects.visible_to(user)
            .filter(Exists(StrategyProgram.objects.filter(strategy=OuterRef("pk"))))
            .only("slug", "title")
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
