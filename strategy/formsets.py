"""Inline formsets for the parts of a page that may appear only once."""

from base.formsets import DistinctRowsFormSet


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


class ProgramLinkFormSet(DistinctRowsFormSet):
    distinct_field = "program"
