from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms

from base.models import ChangeKind


class ChangesFilter(forms.Form):
    """The filters of the recent changes and their feed: a map (with its zoom maps), a kind."""

    map = forms.ChoiceField(
        label="Map",
        required=False,
        error_messages={"invalid_choice": "There is no map with the address “%(value)s”."},
    )
    kind = forms.ChoiceField(
        label="Kind of change",
        required=False,
        choices=[("", "Every kind"), *ChangeKind.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a kind of change."},
    )

    def __init__(self, data, *, maps):
        super().__init__(data)
        self.maps = {strategy_map.slug: strategy_map for strategy_map in maps}
        self.fields["map"].choices = [("", "Every map")] + [
            (strategy_map.slug, "— " * strategy_map.depth + strategy_map.title)
            for strategy_map in maps
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("map", css_class="col-md-6"),
                Column("kind", css_class="col-md-4"),
                Column(Submit("", "Filter", css_class="mt-md-4"), css_class="col-md-2"),
            )
        )

    def filters(self) -> dict[str, str]:
        """The valid filters chosen; an invalid one is left out (the page says so)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def chosen_map(self):
        return self.maps.get(self.filters().get("map", ""))


class DigestForm(forms.Form):
    send = forms.BooleanField(
        label="E-mail me a daily digest of changes to the pages I watch", required=False
    )
