from django import forms


class PositionForm(forms.Form):
    section = forms.RegexField(regex=r"^(sec-\d{1,3})?$", max_length=20, required=False)


class PreviewForm(forms.Form):
    body_markdown = forms.CharField(max_length=100_000, required=False, strip=False)
