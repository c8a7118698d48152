"""Competency reports: who is weak in what, which team, and the Excel file for the district."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import role_required

from .exports import competency_workbook
from .selectors import PERIOD_DAYS, WEAK_BELOW, competency_report

PERIOD_LABELS = {"30": _("近30天"), "90": _("近90天"), "all": _("全部")}


def _period(request) -> str:
    period = request.GET.get("period", "90")
    return period if period in PERIOD_DAYS else "90"


@role_required(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
def index(request):
    period = _period(request)
    report = competency_report(request.user, period=period, now=timezone.now())
    people_rows = [
        {"team": team, "name": name, "cells": [None if value != value else value for value in row]}
        for (team, name), row in zip(report.people.index, report.people.to_numpy().tolist(), strict=True)
    ]
    team_rows = [
        {"team": team, "cells": [None if value != value else value for value in row]}
        for team, row in zip(report.teams.index, report.teams.to_numpy().tolist(), strict=True)
    ]
    summary = [
        {"area": area, **{k: (None if v != v else v) for k, v in row.items()}}
        for area, row in report.area_summary.to_dict(orient="index").items()
    ]
    context = {
        "period": period,
        "periods": PERIOD_LABELS.items(),
        "areas": report.areas,
        "people_rows": people_rows,
        "team_rows": team_rows,
        "summary": summary,
        "weak": report.weak,
        "weak_below": int(WEAK_BELOW * 100),
    }
    return render(request, "reports/index.html", context)


@role_required(Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
def export(request):
    period = _period(request)
    now = timezone.now()
    report = competency_report(request.user, period=period, now=now)
    center = request.user.center.name if request.user.center else ""
    title = f"{center} 业务能力报表（{PERIOD_LABELS[period]}，{timezone.localtime(now):%Y-%m-%d}）"
    response = HttpResponse(
        competency_workbook(report, title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="competency-{timezone.localtime(now):%Y%m%d}.xlsx"'
    return response
