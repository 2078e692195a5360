"""Forms for uploading a strategy page's measure data as CSV or .xlsx (shown in the admin)."""

from django import forms

from base.spreadsheets import XLSX_CONTENT_TYPE
from scorecards.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_LABEL


class DataUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        # An empty file gets the upload's own message ("The file is empty.").
        allow_empty_file=True,
        help_text=(
            f"CSV (UTF-8 text) or an Excel workbook (.xlsx) of one sheet, with a header row, "
            f"at most {MAX_UPLOAD_LABEL}."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": f".csv,text/csv,.xlsx,{XLSX_CONTENT_TYPE}"}
        ),
    )

    def clean_file(self) -> bytes:
        """The file's bytes; a file over the limit is refused by its size, before it is read."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            kilobytes = -(-upload.size // 1024)
            raise forms.ValidationError(
                f"The file is {kilobytes:,} KB; the limit is {MAX_UPLOAD_LABEL} "
                f"({MAX_UPLOAD_BYTES // 1024:,} KB).",
                code="too_large",
            )
        return upload.read()


class DataUploadConfirmForm(forms.Form):
    """The confirmation of a preview: its token names the upload kept in the session."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
