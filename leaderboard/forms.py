from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from training.models import BusinessArea


class BoardFilter(forms.Form):
    period = forms.ChoiceField(required=False)
    area = forms.ModelChoiceField(queryset=BusinessArea.objects.all(), required=False, empty_label=_("全部条线"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = list(periods)

    def value(self, name, default=None):
        return self.cleaned_data.get(name) or default if self.is_valid() else default


class PairForm(forms.Form):
    """A mentor, a mentee and an area, all from the deciding person's center."""

    mentor = forms.ModelChoiceField(queryset=User.objects.none())
    mentee = forms.ModelChoiceField(queryset=User.objects.none())
    area = forms.ModelChoiceField(queryset=BusinessArea.objects.all())

    def __init__(self, *args, center_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(center_id=center_id, is_active=True)
        self.fields["mentor"].queryset = people.filter(role__in=(Role.STAFF, Role.SUPERVISOR))
        self.fields["mentee"].queryset = people.filter(role=Role.STAFF)
