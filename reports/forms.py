"""The report's inputs: the matrix filters, a 难点培训 paper, a 好差评 file."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quizzes.models import Question
from training.models import BusinessArea

from .selectors import PERIOD_LABELS

SORTS = {"team", "name", "results", "good"}


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("时段"), choices=list(PERIOD_LABELS.items()), required=False)
    team = forms.TypedChoiceField(label=_("班组"), coerce=int, required=False, empty_value=None)
    area = forms.TypedChoiceField(label=_("业务条线"), coerce=int, required=False, empty_value=None)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    dir = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, teams, areas):
        super().__init__(data)
        self.fields["team"].choices = [("", _("全部班组")), *[(t.pk, t.name) for t in teams]]
        self.fields["area"].choices = [("", _("全部业务条线")), *[(a.id, a.name) for a in areas]]

    def values(self) -> dict:
        """The filters to apply: the valid ones, defaults for the rest (a bad link is not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or "team"
        if sort not in SORTS and not (sort.startswith("area-") and sort[5:].isdigit()):
            sort = "team"
        return {
            "period": data.get("period") or "all",
            "team_id": data.get("team"),
            "area_id": data.get("area"),
            "sort": sort,
            "descending": data.get("dir") == "desc",
        }


class PaperForm(forms.Form):
    team = forms.ModelChoiceField(label=_("布置给班组"), queryset=None, empty_label=None)
    areas = forms.ModelMultipleChoiceField(label=_("业务条线"), queryset=BusinessArea.objects.all(), required=False)
    questions = forms.ModelMultipleChoiceField(
        label=_("题目"), queryset=Question.objects.filter(is_active=True), required=False
    )
    due_on = forms.DateField(
        label=_("完成期限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    title = forms.CharField(label=_("试卷名称"), max_length=120, required=False)

    def __init__(self, data=None, *, teams):
        super().__init__(data, initial={"due_on": timezone.localdate() + timedelta(days=7)})
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        if not data.get("areas") and not data.get("questions"):
            raise forms.ValidationError(_("请至少选择一个业务条线或一道题目。"))
        return data

    def due_at(self) -> datetime:
        """The end of the chosen day, in the center's time zone."""
        return timezone.make_aware(datetime.combine(self.cleaned_data["due_on"], time(23, 59)))


class RatingUploadForm(forms.Form):
    file = forms.FileField(label=_("好差评文件（.xlsx 或 .csv）"))
