"""The 比学赶超帮 pages: the board, the rules, the hall screen, 帮 pairs and a person's honours."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Team, User
from accounts.permissions import can_manage_pairs, can_see_name, can_view_person
from training.models import BusinessArea

from . import honours, mentoring, selectors
from .forms import BoardFilter, PairForm
from .mastery import mastery_by_area
from .models import Badge, MentorPair, PairStatus
from .points import POLICIES

SCREEN_CYCLE_SECONDS = 48  # the hall screen's four boards rotate in this cycle (leaderboard.css)


def _filters(request) -> tuple[str, BusinessArea | None]:
    form = BoardFilter(request.GET, periods=selectors.PERIODS.items())
    period = form.value("period", "week")
    return period, form.value("area")


def _not_modified(request, etag: str, response_factory):
    """Answer a poll cheaply: 304 when nothing on the board can have changed since the last answer."""
    fresh = request.headers.get("If-None-Match") == etag
    response = HttpResponseNotModified() if fresh else response_factory()
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _etag(request, *parts) -> str:
    user = request.user
    version = selectors.board_version(center_id=user.center_id)
    today = timezone.localdate().isoformat()
    return (
        '"' + "-".join(map(str, (version, today, user.pk, user.anonymous_on_boards, bool(request.htmx), *parts))) + '"'
    )


TOP = 20  # rows of the person board before 显示全部: my own row is in the neighbour card anyway


def board_context(*, viewer, period: str, area, now, full: bool = False) -> dict:
    center_id = viewer.center_id
    area_id = area.pk if area else None
    roster = selectors.ranked_people(center_id) if center_id else []
    people = selectors.person_ranking(center_id=center_id, period=period, now=now, area_id=area_id, roster=roster)
    teams = selectors.team_ranking(center_id=center_id, period=period, now=now, area_id=area_id, roster=roster)
    me = next((row for row in people if row.person_id == viewer.pk), None)
    my_team = next((row for row in teams if row.team_id == viewer.team_id), None)
    shown = selectors.shown_to(viewer, people)
    improved = selectors.most_improved(center_id=center_id, now=now, area_id=area_id, roster=roster)
    return {
        "period": period,
        "period_label": selectors.PERIODS[period],
        "area": area,
        "people": shown,
        "people_shown": shown if full else shown[:TOP],
        "person_url": reverse("leaderboard:person", args=[0])[:-2],
        "teams": teams,
        "me": me,
        "my_team": my_team,
        "neighbours": selectors.neighbours(shown, person_id=viewer.pk),
        "target": selectors.catch_target(shown, person_id=viewer.pk),
        "team_target": selectors.team_target(teams, team_id=viewer.team_id),
        "improved": selectors.shown_to(viewer, improved),
        "first_steps": [POLICIES[k] for k in ("daily", "lesson_check", "practice", "simulation")],
        "poll_seconds": settings.LEADERBOARD_POLL_SECONDS,
    }


def index(request):
    period, area = _filters(request)
    full = request.GET.get("full") == "1"

    def page():
        context = board_context(viewer=request.user, period=period, area=area, now=timezone.now(), full=full)
        query = request.GET.copy()
        query["full"] = "1"
        context |= {
            "periods": selectors.PERIODS.items(),
            "areas": BusinessArea.objects.all(),
            "query": request.GET.urlencode(),
            "full_query": query.urlencode(),
        }
        template = "leaderboard/partials/boards.html" if request.htmx else "leaderboard/index.html"
        return render(request, template, context)

    return _not_modified(request, _etag(request, period, area.pk if area else "", full), page)


def rules(request):
    return render(
        request,
        "leaderboard/rules.html",
        {
            "policies": POLICIES.values(),
            "max_mentees": mentoring.MAX_MENTEES,
            "mentor_rate": mentoring.POINTS_PER_MASTERY_POINT,
            "mentor_cap": mentoring.MAX_POINTS_PER_WEEK,
            "streak_days": honours.STREAK_DAYS,
            "mastery_badge": honours.MASTERY_BADGE_FROM,
        },
    )


def screen(request):
    """The hall screen (1920×1080): boards rotate in CSS; the page polls for new points."""
    if not request.user.center_id:
        raise Http404

    def page():
        now = timezone.now()
        center_id = request.user.center_id
        roster = selectors.ranked_people(center_id)
        people = selectors.person_ranking(center_id=center_id, period="week", now=now, roster=roster)
        context = {
            "people": selectors.shown_to(request.user, [r for r in people if r.points], public=True)[:10],
            "teams": selectors.team_ranking(center_id=center_id, period="week", now=now, roster=roster)[:8],
            "improved": selectors.shown_to(
                request.user, selectors.most_improved(center_id=center_id, now=now, roster=roster), public=True
            )[:8],
            "mentors": selectors.shown_to(
                request.user, selectors.mentor_ranking(center_id=center_id, period="quarter", now=now), public=True
            )[:8],
            "center": request.user.center,
            "now": now,
            "poll_seconds": SCREEN_CYCLE_SECONDS,
        }
        template = "leaderboard/partials/screen_slides.html" if request.htmx else "leaderboard/screen.html"
        return render(request, template, context)

    return _not_modified(request, _etag(request, "screen"), page)


def help_board(request):
    """帮: the mentors' board, the live pairs, and (for who may decide) the suggested pairs."""
    now = timezone.now()
    center_id = request.user.center_id
    pairs = (
        MentorPair.objects.filter(center_id=center_id, status=PairStatus.CONFIRMED)
        .select_related("mentor", "mentee", "area", "mentee__team")
        .order_by("area__sort_order", "started_at")
    )
    suggestions = [
        s
        for s in mentoring.suggested_pairs(center_id=center_id, now=now)
        if can_manage_pairs(request.user, _team(s.mentee_team_id))
    ]
    mentors = selectors.shown_to(request.user, selectors.mentor_ranking(center_id=center_id, period="quarter", now=now))
    return render(
        request,
        "leaderboard/help.html",
        {
            "mentors": mentors,
            "pairs": [
                {"pair": p, "can_end": can_manage_pairs(request.user, p.mentee.team)}
                for p in pairs
                if _may_open_pair(request.user, p)
            ],
            "suggestions": suggestions,
            "max_mentees": mentoring.MAX_MENTEES,
        },
    )


def _team(team_id):
    return Team.objects.filter(pk=team_id).first() if team_id else None


def _may_open_pair(user, pair: MentorPair) -> bool:
    """Being a mentee says where one is weak: only the pair and those who decide pairs see it."""
    return user.pk in (pair.mentor_id, pair.mentee_id) or can_manage_pairs(user, pair.mentee.team)


def pair_detail(request, pk: int):
    pair = get_object_or_404(MentorPair.objects.select_related("mentor", "mentee", "area", "mentee__team"), pk=pk)
    if pair.center_id != request.user.center_id or not _may_open_pair(request.user, pair):
        raise Http404
    now = timezone.now()
    return render(
        request,
        "leaderboard/pair.html",
        {
            "pair": pair,
            "progress": mentoring.pair_progress(pair, now=now),
            "mentor_points": pair.mentor.ledger_entries.filter(
                activity_kind="mentor", activity_id__startswith=f"pair{pair.pk}-"
            ).order_by("-occurred_at"),
            "can_end": pair.status == PairStatus.CONFIRMED and can_manage_pairs(request.user, pair.mentee.team),
        },
    )


def _decide(request, service):
    form = PairForm(request.POST, center_id=request.user.center_id)
    if not form.is_valid():
        messages.error(request, _("结对信息有误，请刷新后重试。"))
        return redirect("leaderboard:help")
    data = form.cleaned_data
    if not can_manage_pairs(request.user, data["mentee"].team):
        raise Http404
    try:
        service(by=request.user, mentor=data["mentor"], mentee=data["mentee"], area=data["area"], at=timezone.now())
    except mentoring.PairError as error:
        messages.error(request, str(error))
    else:
        text = (
            _("已确认结对：%(mentor)s 带 %(mentee)s（%(area)s）")
            if service is mentoring.confirm_pair
            else _("已婉拒该建议：%(mentor)s 与 %(mentee)s（%(area)s）")
        )
        names = {"mentor": data["mentor"].display_name, "mentee": data["mentee"].display_name}
        messages.success(request, text % (names | {"area": data["area"].name}))
    return redirect("leaderboard:help")


@require_POST
def pair_confirm(request):
    return _decide(request, mentoring.confirm_pair)


@require_POST
def pair_decline(request):
    return _decide(request, mentoring.decline_pair)


@require_POST
def pair_end(request, pk: int):
    pair = get_object_or_404(MentorPair.objects.select_related("mentee__team"), pk=pk, center_id=request.user.center_id)
    if not can_manage_pairs(request.user, pair.mentee.team):
        raise Http404
    try:
        mentoring.end_pair(by=request.user, pair=pair, at=timezone.now())
    except mentoring.PairError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("结对已结束。"))
    return redirect("leaderboard:help")


def person(request, pk: int):
    """A person's honours and points by week; the results behind them only for who may see them."""
    person = get_object_or_404(User, pk=pk, is_active=True)
    viewer = request.user
    if person.center_id != viewer.center_id and not can_view_person(viewer, person):
        raise Http404
    if not can_see_name(viewer, person):
        raise Http404  # a 匿名 person has no public profile
    now = timezone.now()
    honours.award_badges(person=person, at=now)
    detail = can_view_person(viewer, person)
    areas = dict(BusinessArea.objects.values_list("pk", "name"))
    return render(
        request,
        "leaderboard/person.html",
        {
            "person": person,
            "badges": Badge.objects.filter(person=person).select_related("area"),
            "weeks": selectors.week_history(person=person, now=now),
            "mastery": [(areas.get(a), m) for a, m in mastery_by_area(person=person).items()] if detail else None,
            "is_me": viewer.pk == person.pk,
        },
    )


@require_POST
def privacy(request):
    """Show me as 匿名 on center-wide boards, or by name again."""
    user = request.user
    user.anonymous_on_boards = request.POST.get("anonymous") == "1"
    user.save(update_fields=["anonymous_on_boards"])
    messages.success(request, _("已设为匿名显示。") if user.anonymous_on_boards else _("已恢复实名显示。"))
    return redirect("leaderboard:index")
