"""Views for business-knowledge lessons: parse, call one selector or service, render."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_edit_content, can_follow_learning, rule_required

from . import selectors, services
from .forms import PositionForm, PreviewForm
from .rendering import render_markdown


def _search_query(raw: str) -> str:
    """The search box as typed, without control characters (a NUL ends the pattern in SQLite's LIKE
    and is refused by PostgreSQL), cut to 50 characters."""
    return "".join(ch for ch in raw if ch.isprintable()).strip()[:50]


@require_GET
def index(request):
    query = _search_query(request.GET.get("q", ""))
    area_code = request.GET.get("area", "")
    context = {
        "query": query,
        "area_code": area_code,
        "areas": selectors.areas_with_lessons(),
        "continue_card": selectors.continue_learning(person=request.user),
    }
    if query:
        context["hits"] = selectors.search(person=request.user, query=query)
    else:
        context["catalogue"] = selectors.catalogue(person=request.user, area_code=area_code)
    template = "training/partials/results.html" if request.htmx else "training/index.html"
    return render(request, template, context)


def _lesson_or_404(request, pk: int):
    return get_object_or_404(selectors.lessons_for(request.user), pk=pk)


@require_GET
def lesson(request, pk: int):
    lesson = _lesson_or_404(request, pk)
    progress = services.open_lesson(person=request.user, lesson=lesson, at=timezone.now())
    previous, following = selectors.neighbours(lesson=lesson, person=request.user)
    context = {
        "lesson": lesson,
        "progress": progress,
        "resume_title": lesson.section_title(progress.section),
        "previous": previous,
        "following": following,
    }
    return render(request, "training/lesson.html", context)


@require_POST
def lesson_position(request, pk: int):
    """Position saves and heartbeats from the open lesson page (fetch with the CSRF header)."""
    lesson = _lesson_or_404(request, pk)
    form = PositionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    section = form.cleaned_data["section"] if "section" in request.POST else None
    try:
        services.record_reading(person=request.user, lesson=lesson, at=timezone.now(), section=section)
    except services.UnknownSection:
        return HttpResponseBadRequest()
    return HttpResponse(status=204)


@require_POST
def lesson_complete(request, pk: int):
    lesson = _lesson_or_404(request, pk)
    progress = services.complete_lesson(person=request.user, lesson=lesson, at=timezone.now())
    if request.htmx:
        context = {"lesson": lesson, "progress": progress, "oob": True}  # also refreshes the status badge
        return render(request, "training/partials/complete.html", context)
    messages.success(request, _("已标记为学完：%(title)s") % {"title": lesson.title})
    return redirect(selectors.lesson_url(lesson) + "#lesson-end")


@require_GET
@rule_required(can_follow_learning)
def team_progress(request):
    area_code = request.GET.get("area", "")
    view = "lessons" if request.GET.get("view") == "lessons" else "people"
    context = {"area_code": area_code, "view": view, "areas": selectors.areas_with_lessons()}
    if view == "lessons":
        context["teams"], context["rows"] = selectors.lesson_completion_by_team(
            viewer=request.user, area_code=area_code
        )
    else:
        context["team_rows"] = selectors.team_progress(viewer=request.user, area_code=area_code)
    return render(request, "training/team_progress.html", context)


@require_GET
def person_progress(request, pk: int):
    """One person's lessons, for themselves, their supervisor and their manager; anyone else gets 404."""
    person = get_object_or_404(selectors.people_whose_learning_is_visible_to(request.user), pk=pk)
    context = {"person": person, "catalogue": selectors.person_lessons(person=person)}
    return render(request, "training/person_progress.html", context)


@require_POST
@rule_required(can_edit_content)
def preview(request):
    """The admin's live preview: the Markdown as a learner will see it, sanitized."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    rendered = render_markdown(form.cleaned_data["body_markdown"])
    return render(request, "training/partials/preview.html", {"html": rendered.html, "sections": rendered.sections})
