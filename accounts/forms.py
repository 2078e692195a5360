"""The sign-in and password forms, rendered with crispy-forms like the rest of the site."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth import forms as auth_forms


class CrispyMixin:
    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class SignInForm(CrispyMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"


class PasswordChangeForm(CrispyMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change my password"


class PasswordResetForm(CrispyMixin, auth_forms.PasswordResetForm):
    submit_label = "Send me a reset link"


class SetPasswordForm(CrispyMixin, auth_forms.SetPasswordForm):
    submit_label = "Set my password"
