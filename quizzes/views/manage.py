"""Pages for content admins: import (dry run, then commit), export, item statistics, the 纠错 queue."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import can_edit_content, rule_required

from ..bank_format import COLUMNS, MAX_BYTES, MAX_ROWS
from ..models import QuestionImport, QuestionReport, ReportStatus
from ..selectors import open_reports, question_statistics
from ..services.bank_io import check_upload, commit_import, export_bank, preview_import
from ..services.reports import close_report

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class UploadForm(forms.Form):
    # Labels sit above their fields: no ASCII colon after a Chinese label (Django's zh-hans default).
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    file = forms.FileField(label=gettext_lazy("题库文件（.xlsx 或 .csv）"))


@rule_required(can_edit_content)
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": COLUMNS, "max_mb": MAX_BYTES // (1024 * 1024), "max_rows": MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read one byte past the limit: enough to know the file is too big without reading all of it.
        data = upload.read(MAX_BYTES + 1)
        preview = preview_import(uploaded_by=request.user, filename=upload.name, data=data, at=timezone.now())
        if preview.upload:
            return redirect("quizzes:import_preview", preview.upload.pk)
        context["checked"] = preview.checked
    return render(request, "quizzes/manage/import.html", context)


@rule_required(can_edit_content)
def import_preview(request, import_id: int):
    upload = get_object_or_404(QuestionImport, pk=import_id, uploaded_by=request.user)
    if request.method == "POST":
        checked = commit_import(upload=upload, at=timezone.now())
        if checked.ok:
            summary = upload.summary
            messages.success(
                request,
                _("导入完成：新增 %(create)s 题，更新 %(update)s 题，未变 %(unchanged)s 题。") % summary,
            )
            return redirect("quizzes:import")
        return render(
            request, "quizzes/manage/import.html", {"form": UploadForm(), "checked": checked, "columns": COLUMNS}
        )
    checked = check_upload(upload)
    return render(request, "quizzes/manage/import_preview.html", {"upload": upload, "checked": checked})


@rule_required(can_edit_content)
def export(request, fmt: str):
    if fmt not in EXPORT_TYPES:
        raise Http404
    response = HttpResponse(export_bank(fmt=fmt), content_type=EXPORT_TYPES[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="question-bank-{stamp}.{fmt}"'
    return response


@rule_required(can_edit_content)
def stats(request):
    return render(request, "quizzes/manage/stats.html", {"rows": question_statistics()})


@rule_required(can_edit_content)
def report_queue(request):
    return render(request, "quizzes/manage/reports.html", {"reports": open_reports(viewer=request.user)})


@require_POST
@rule_required(can_edit_content)
def report_close(request, report_id: int):
    report = get_object_or_404(QuestionReport, pk=report_id, status=ReportStatus.OPEN)
    status = request.POST.get("status")
    if status not in (ReportStatus.FIXED, ReportStatus.REJECTED):
        raise Http404
    close_report(report=report, by=request.user, status=status, note=request.POST.get("note", ""), at=timezone.now())
    messages.success(request, _("已处理。"))
    return redirect("quizzes:report_queue")
