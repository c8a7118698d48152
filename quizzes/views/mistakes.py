"""The 错题本 and the 纠错 button."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..memory_selectors import BOOK_STABILITY_DAYS, book_of, forecast
from ..models import AttemptItem
from ..presenters import reviewed_item
from ..services.reports import report_question as file_report


def mistakes(request):
    now = timezone.now()
    cards = book_of(person=request.user, at=now)
    days = forecast(person=request.user, at=now)
    context = {
        "cards": cards,
        "due_count": sum(1 for card in cards if card.is_due),
        "forecast": days,
        "forecast_total": sum(day["count"] for day in days),
        "threshold": BOOK_STABILITY_DAYS,
    }
    return render(request, "quizzes/mistakes.html", context)


class ReportForm(forms.Form):
    # Labels sit above their fields: no ASCII colon after a Chinese label (Django's zh-hans default).
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label=gettext_lazy("哪里有误？"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": gettext_lazy("例如：答案与现行政策不符，依据是……")}),
    )


def report_question(request, item_id: int):
    """Only after answering: the item must be the person's own and already answered."""
    item = get_object_or_404(
        AttemptItem.objects.select_related("attempt"), pk=item_id, attempt__person=request.user, question__isnull=False
    )
    if not item.is_answered or (item.attempt.is_open and item.ratio is None):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        file_report(item=item, reporter=request.user, text=form.cleaned_data["text"], at=timezone.now())
        messages.success(request, _("感谢反馈，内容管理员会尽快核实。"))
        return redirect("quizzes:attempt", item.attempt_id)
    return render(request, "quizzes/report_question.html", {"form": form, "r": reviewed_item(item)})
