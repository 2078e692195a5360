from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import COMMENTS_MAX_LENGTH, REPLY_MAX_LENGTH, Review

COMMENTS_REQUIRED = "Write your comments."
COMMENTS_TOO_LONG = (
    f"Comments can be at most {COMMENTS_MAX_LENGTH:,} characters (these have %(show_value)d)."
)
REPLY_TOO_LONG = (
    f"A reply can be at most {REPLY_MAX_LENGTH:,} characters (this has %(show_value)d)."
)


class ReviewForm(forms.ModelForm):
    """A dated comment on one page, posted from the page itself."""

    class Meta:
        model = Review
        fields = ["reviewed_on", "comments"]
        labels = {"reviewed_on": "Date of your review", "comments": "Comments"}
        error_messages = {
            "comments": {"required": COMMENTS_REQUIRED, "max_length": COMMENTS_TOO_LONG},
        }

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        today = timezone.localdate()
        date_field = self.fields["reviewed_on"]
        date_field.initial = today
        date_field.widget = forms.DateInput(
            format="%Y-%m-%d",
            attrs={
                "type": "date",
                "min": services.page_created_on(strategy).isoformat(),
                "max": today.isoformat(),
            },
        )
        self.fields["comments"].widget.attrs.update(rows=5, maxlength=COMMENTS_MAX_LENGTH)
        self.helper = FormHelper()
        self.helper.form_action = reverse("reviews:add", args=[strategy.slug])
        self.helper.form_id = "review-form"
        self.helper.add_input(Submit("add-review", "Add review"))

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        services.check_review_date(strategy=self.strategy, reviewed_on=reviewed_on)
        return reviewed_on


class AddressForm(forms.ModelForm):
    """The page manager marks a comment addressed, with a short reply."""

    class Meta:
        model = Review
        fields = ["reply"]
        labels = {"reply": "Your reply (optional)"}
        widgets = {"reply": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"reply": {"max_length": REPLY_TOO_LONG}}

    def __init__(self, *args, **kwargs):
        # Several of these forms share the page: give each its own element ids.
        kwargs.setdefault("auto_id", f"id_review{kwargs['instance'].pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["reply"].help_text = ""
        self.helper = FormHelper()
        self.helper.form_action = reverse("reviews:address", args=[self.instance.pk])
        self.helper.form_class = "address-form no-print"
        self.helper.add_input(
            Submit(
                "mark-addressed",
                "Mark addressed",
                css_class="btn-sm",
                css_id=f"mark-addressed-{self.instance.pk}",
            )
        )
