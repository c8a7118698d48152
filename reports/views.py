"""能力报表: the matrix and its evidence, team and person views, 难点 → 难点培训, 好差评 import, files.

Views parse, check the named rule of accounts.permissions, call one selector or service, render
(the fragment when the request comes from htmx).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import (
    can_assign_training,
    can_import_ratings,
    can_view_person_report,
    can_view_reports,
    rule_required,
    teams_visible_to,
)
from leaderboard.mastery import GOOD_FROM, MIN_RESULTS, WEAK_BELOW
from quizzes.models import PaperAssignment
from quizzes.services.assignments import AssignmentError, assign_weak_point_paper
from training.models import BusinessArea

from . import charts, ratings
from .exports import matrix_csv, matrix_workbook, person_workbook
from .forms import FilterForm, PaperForm, RatingUploadForm
from .selectors import (
    IDLE_DAYS,
    PERIOD_LABELS,
    areas_for,
    clerks_visible_to,
    competency_matrix,
    evidence,
    person_report,
    since_for,
    team_report,
    teams_for,
)
from .weak_points import assignment_report, weak_points

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _thresholds() -> dict:
    return {
        "weak_below": WEAK_BELOW,
        "good_from": GOOD_FROM,
        "min_results": MIN_RESULTS,
        "thin_title": _("证据不足：成绩少于 %(n)s 条") % {"n": MIN_RESULTS},
        "none_text": _("暂无成绩"),
    }


def _with_evidence_urls(rows, *, period: str) -> None:
    """Each row's cells paired with their evidence URL: one reverse() per page, not two per cell
    (500 people × 9 areas made reverse() a third of the page's time; see docs/benchmarks.md)."""
    prefix = reverse("reports:evidence", args=[1, 2]).removesuffix("1/2/")
    person_prefix = reverse("reports:person", args=[1]).removesuffix("1/")
    for row in rows:
        row.person_url = f"{person_prefix}{row.person_id}/"
        row.pairs = [(cell, f"{prefix}{row.person_id}/{cell.area_id}/?period={period}") for cell in row.cells]


def _filters(request):
    form = FilterForm(request.GET, teams=teams_for(request.user), areas=areas_for())
    return form, form.values()


@rule_required(can_view_reports)
def index(request):
    form, filters = _filters(request)
    now = timezone.now()
    matrix = competency_matrix(viewer=request.user, now=now, **filters)
    _with_evidence_urls(matrix.people, period=filters["period"])
    context = {
        "form": form,
        "filters": filters,
        "matrix": matrix,
        "periods": PERIOD_LABELS.items(),
        "can_import": can_import_ratings(request.user),
        "assignments": PaperAssignment.objects.filter(team__in=teams_visible_to(request.user))
        .select_related("quiz", "team")
        .order_by("-created_at")[:10],
        **_thresholds(),
    }
    if request.htmx and request.htmx.target == "matrix":
        return render(request, "reports/partials/matrix.html", context)
    return render(request, "reports/index.html", context)


def _filename(request, stem: str, ext: str) -> str:
    center = request.user.center.name if request.user.center else "练兵"
    return f"{center}-{stem}-{timezone.localdate():%Y%m%d}.{ext}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    from urllib.parse import quote

    # RFC 6266: an ASCII fallback plus the UTF-8 name (the center's name is Chinese).
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.{filename.rsplit('.', 1)[1]}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@rule_required(can_view_reports)
def export(request):
    _form, filters = _filters(request)
    now = timezone.now()
    matrix = competency_matrix(viewer=request.user, now=now, **filters)
    center = request.user.center.name if request.user.center else ""
    title = f"{center} 业务能力报表（{PERIOD_LABELS[filters['period']]}，{timezone.localtime(now):%Y-%m-%d}）"
    data = matrix_workbook(
        matrix, title=title, evidence_people=[row.person_id for row in matrix.people], since=matrix.since
    )
    return _attachment(HttpResponse(data, content_type=XLSX), _filename(request, "能力报表", "xlsx"))


@rule_required(can_view_reports)
def export_csv(request):
    _form, filters = _filters(request)
    matrix = competency_matrix(viewer=request.user, now=timezone.now(), **filters)
    response = HttpResponse(matrix_csv(matrix), content_type="text/csv; charset=utf-8")
    return _attachment(response, _filename(request, "能力报表", "csv"))


def _visible_person(request, person_id: int) -> User:
    """A clerk the viewer may see in reports (their own row for staff); 404 for anyone else."""
    person = clerks_visible_to(request.user).filter(pk=person_id).first()
    if person is None and person_id == request.user.pk:
        person = request.user
    if person is None or not can_view_person_report(request.user, person):
        raise Http404
    return person


def evidence_view(request, person_id: int, area_id: int):
    person = _visible_person(request, person_id)
    area = get_object_or_404(BusinessArea, pk=area_id)
    period = request.GET.get("period", "all")
    period = period if period in PERIOD_LABELS else "all"
    rows = evidence(viewer=request.user, person=person, area=area, since=since_for(period, now=timezone.now()))
    context = {"person": person, "area": area, "rows": rows, "period_label": PERIOD_LABELS[period], **_thresholds()}
    if request.htmx:
        return render(request, "reports/partials/evidence.html", context)
    return render(request, "reports/evidence.html", context)


@rule_required(can_view_reports)
def team(request, team_id: int):
    found = get_object_or_404(teams_visible_to(request.user), pk=team_id)
    report = team_report(viewer=request.user, team=found, now=timezone.now())
    _with_evidence_urls(report.matrix.people, period="all")
    context = {
        "report": report,
        "matrix": report.matrix,
        "trend_chart": charts.line_chart(report.trend, title=_("近12周平均掌握度")),
        "idle_days": IDLE_DAYS,
        "filters": {"period": "all", "team_id": found.pk},
        **_thresholds(),
    }
    return render(request, "reports/team.html", context)


def person(request, person_id: int):
    found = _visible_person(request, person_id)
    report = person_report(person=found, now=timezone.now())
    bars = [(area.name, cell.mastery, cell.level) for area, cell, _rate in report.areas]
    context = {
        "report": report,
        "bar_chart": charts.bar_chart(bars, title=_("各业务条线掌握度")),
        "trend_chart": charts.line_chart(report.trend, title=_("近12周平均掌握度")),
        **_thresholds(),
    }
    return render(request, "reports/person.html", context)


def person_export(request, person_id: int):
    found = _visible_person(request, person_id)
    report = person_report(person=found, now=timezone.now())
    title = f"{found.full_name or found.username} 个人能力报表（{timezone.localdate():%Y-%m-%d}）"
    data = person_workbook(report, title=title)
    return _attachment(
        HttpResponse(data, content_type=XLSX), _filename(request, found.full_name or found.username, "xlsx")
    )


@rule_required(can_view_reports)
def weak(request):
    teams = teams_visible_to(request.user).order_by("name")
    team_id = request.GET.get("team")
    team_id = int(team_id) if team_id and team_id.isdigit() and teams.filter(pk=team_id).exists() else None
    points = weak_points(viewer=request.user, now=timezone.now(), team_id=team_id)
    form = PaperForm(teams=teams)
    if team_id:
        form.initial["team"] = team_id
    context = {"points": points, "teams": teams, "team_id": team_id, "form": form, **_thresholds()}
    return render(request, "reports/weak.html", context)


@require_POST
@rule_required(can_assign_training)
def create_paper(request):
    form = PaperForm(request.POST, teams=teams_visible_to(request.user))
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("reports:weak")
    try:
        assignment = assign_weak_point_paper(
            team=form.cleaned_data["team"],
            area_ids=[a.pk for a in form.cleaned_data["areas"]],
            question_ids=[q.pk for q in form.cleaned_data["questions"]],
            due_at=form.due_at(),
            assigned_by=request.user,
            at=timezone.now(),
            title=form.cleaned_data["title"],
        )
    except AssignmentError as error:
        messages.error(request, str(error))
        return redirect("reports:weak")
    messages.success(
        request, _("已布置“%(title)s”给%(team)s。") % {"title": assignment.quiz.title, "team": assignment.team}
    )
    return redirect("reports:assignment", assignment.pk)


@rule_required(can_view_reports)
def assignment(request, assignment_id: int):
    found = get_object_or_404(
        PaperAssignment.objects.filter(team__in=teams_visible_to(request.user)).select_related("quiz", "team"),
        pk=assignment_id,
    )
    report = assignment_report(assignment=found, viewer=request.user, now=timezone.now())
    return render(request, "reports/assignment.html", {"report": report, **_thresholds()})


@rule_required(can_import_ratings)
def ratings_import(request):
    form = RatingUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": ratings.COLUMNS, "levels": list(ratings.LEVELS), "checked": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(ratings.MAX_BYTES + 1)
        checked, stored = ratings.preview_import(
            uploaded_by=request.user, filename=upload.name, data=data, at=timezone.now()
        )
        if stored:
            return redirect("reports:ratings_preview", stored.pk)
        context["checked"] = checked
    return render(request, "reports/ratings_import.html", context)


@rule_required(can_import_ratings)
def ratings_preview(request, import_id: int):
    upload = get_object_or_404(ratings.RatingImport, pk=import_id, uploaded_by=request.user)
    if request.method == "POST":
        counts = ratings.commit_import(upload=upload, at=timezone.now())
        messages.success(request, _("导入完成：新增 %(new)s 条，已导入过 %(known)s 条（跳过）。") % counts)
        return redirect("reports:index")
    context = {"upload": upload, "counts": ratings.preview_counts(upload), "rows": upload.rows[:200]}
    return render(request, "reports/ratings_preview.html", context)
