from django import forms

from accounts.people import person_name
from dashboard.selectors import Choices, Filters, map_with_zoom_maps
from programs.forms import LongSelect
from scorecards.models import Partner


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the address (a plain GET form).

    A value the site does not have (an unknown status, map, partner or person) is
    reported on its field and that filter left out; the others still apply. An unknown
    sort is reported on its own and the list left in page order.
    """

    status = forms.ChoiceField(label="Status", required=False)
    map = forms.ChoiceField(label="Map", required=False, widget=LongSelect)
    partner = forms.ChoiceField(label="Partner", required=False, widget=LongSelect)
    sector = forms.ChoiceField(
        label="Partner sector",
        required=False,
        choices=[("", "Any sector"), *Partner.Sector.choices],
    )
    owner = forms.ChoiceField(label="Person", required=False, widget=LongSelect)
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Sort by “%(value)s” is not a column of the list."},
    )

    def __init__(self, data, *, choices: Choices, statuses: dict, sorts, owner_label: str):
        super().__init__(data)
        self.choices = choices
        self.fields["status"].choices = [("", "Any status"), *statuses.items()]
        self.fields["map"].choices = [
            ("", "Every map"),
            *((each.slug, _indented(each, choices.maps)) for each in choices.maps),
        ]
        self.fields["partner"].choices = [
            ("", "Any partner"),
            *((each.slug, each.name) for each in choices.partners),
        ]
        self.fields["owner"].label = owner_label
        self.fields["owner"].choices = [
            ("", "Anyone"),
            *((each.get_username(), person_name(each, "")) for each in choices.people),
        ]
        for field in self.visible_fields():
            field.field.widget.attrs["class"] = "form-select"
        self.fields["sort"].choices = [
            ("", ""),
            *((f"{prefix}{column}", column) for column in sorts for prefix in ("", "-")),
        ]

    def filters(self) -> Filters:
        """The filters chosen, leaving out any whose value is refused."""
        self.is_valid()
        chosen = self.cleaned_data
        map_ids = None
        if slug := chosen.get("map"):
            found = next(each for each in self.choices.maps if each.slug == slug)
            map_ids = frozenset(map_with_zoom_maps(found, self.choices.maps))
        partner = None
        if slug := chosen.get("partner"):
            partner = next(each for each in self.choices.partners if each.slug == slug)
        owner = None
        if username := chosen.get("owner"):
            owner = next(each for each in self.choices.people if each.get_username() == username)
        return Filters(
            map_ids=map_ids,
            partner=partner,
            sector=chosen.get("sector", ""),
            owner=owner,
            status=chosen.get("status", ""),
            sort=chosen.get("sort", ""),
        )

    @property
    def refused_filters(self) -> bool:
        """Whether a filter (not the sort) names something the site does not have."""
        return any(name != "sort" for name in self.errors)

    def chosen(self) -> list[tuple[str, str, str]]:
        """(field name, label, the choice's label) for each valid filter chosen, to show them
        and to let each be removed."""
        self.is_valid()
        shown = []
        for name in ("status", "map", "partner", "sector", "owner"):
            value = self.cleaned_data.get(name)
            if value:
                field = self.fields[name]
                shown.append((name, field.label, dict(field.choices)[value]))
        return shown


def _indented(chosen, maps) -> str:
    """A map's title, after "— " for each map above it: the tree in a drop-down."""
    parents = {each.pk: each.parent_id for each in maps}
    depth, above = 0, parents.get(chosen.pk)
    while above is not None and depth < len(maps):
        depth, above = depth + 1, parents.get(above)
    return f"{'— ' * depth}{chosen.title}"
