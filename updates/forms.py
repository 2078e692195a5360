from django import forms

from updates.models import WeeklyDigest


class WeeklyDigestForm(forms.ModelForm):
    class Meta:
        model = WeeklyDigest
        fields = ["wanted"]
