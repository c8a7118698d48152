"""Pages of a live drill: set up, join, the three screens, and the report afterwards.

The three screens render the current state on the server at once; the socket then keeps it
current. Every page checks who may see it: a guessed code or id gives 404.
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import can_run_drills, rule_required
from quizzes.models import Question

from . import rendering, selectors, services, throttle
from .forms import DEFAULT_ROUNDS, CompetitionForm, FromQuizForm, JoinForm, RoundForm, RoundFormSet, rounds_from_quiz
from .models import Competition, Player, Status

PICK_PAGE = 20


def join_url(request, code: str = "") -> str:
    """The address phones open: the configured public one (LIANBING_PUBLIC_URL) when set, since
    the console may be opened on 127.0.0.1 or a name phones cannot reach; else this request's."""
    path = reverse("competitions:join") + (f"?code={code}" if code else "")
    base = getattr(settings, "LIANBING_PUBLIC_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def index(request):
    competitions = selectors.competitions_for(request.user)[:30]
    return render(
        request,
        "competitions/index.html",
        {"competitions": competitions, "join_form": JoinForm(), "can_run": can_run_drills(request.user)},
    )


@rule_required(can_run_drills)
@require_http_methods(["GET", "POST"])
def create(request):
    from_quiz = FromQuizForm(request.GET if "quiz" in request.GET else None)
    quiz = from_quiz.cleaned_data["quiz"] if from_quiz.is_bound and from_quiz.is_valid() else None
    form = CompetitionForm(request.POST or None, initial={"title": quiz.title} if quiz else None)
    initial = rounds_from_quiz(quiz) if quiz else DEFAULT_ROUNDS
    rounds = RoundFormSet(request.POST or None, prefix="round", initial=None if request.POST else initial)
    if request.method == "POST" and form.is_valid() and rounds.is_valid():
        specs = _round_specs(rounds)
        try:
            competition = services.create_competition(
                host=request.user,
                settings=services.Settings(
                    title=form.cleaned_data["title"],
                    mode=form.cleaned_data["mode"],
                    team_source=form.cleaned_data["team_source"],
                    team_scoring=form.cleaned_data["team_scoring"],
                    team_names=form.cleaned_data["team_names"].splitlines(),
                    allow_late_join=form.cleaned_data["allow_late_join"],
                    open_to_other_centers=form.cleaned_data["open_to_other_centers"],
                    podium_depth=form.cleaned_data["podium_depth"],
                    scoreboard_size=form.cleaned_data["scoreboard_size"],
                ),
                rounds=specs,
                at=timezone.now(),
            )
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("competitions:host", code=competition.code)
    return render(
        request,
        "competitions/create.html",
        {"form": form, "rounds": rounds, "from_quiz": FromQuizForm(initial={"quiz": quiz}), "quiz": quiz},
    )


def _round_specs(rounds) -> list[services.RoundSpec]:
    """The enabled rounds as specs; the service draws their questions when it creates the drill."""
    specs = []
    for data in rounds.cleaned_data:
        if not data or not data.get("enabled"):
            continue
        source = {"question_ids": [question.pk for question in data["questions"]]}
        if data["source"] == RoundForm.SOURCE_QUIZ:
            source = {"quiz_id": data["quiz"].pk}
        elif data["source"] == RoundForm.SOURCE_DRAW:
            source = {
                "draw": services.Draw(
                    count=data["count"],
                    area_id=data["area"].pk if data.get("area") else None,
                    kind=data.get("question_kind") or "",
                    min_difficulty=data["min_difficulty"],
                    max_difficulty=data["max_difficulty"],
                )
            }
        specs.append(
            services.RoundSpec(
                kind=data["kind"],
                **source,
                seconds=data["seconds"],
                points=data["points"],
                penalty=data["penalty"],
                speed_bonus=data["speed_bonus"],
                streak_bonus=data["streak_bonus"],
            )
        )
    return specs


@rule_required(can_run_drills)
def pick(request):
    """The set-up page's question picker: active questions by search, a page at a time (htmx)."""
    query = request.GET.get("q", "").strip()[:50]
    questions = Question.objects.filter(is_active=True).select_related("area").order_by("area__name", "pk")
    if query:
        questions = questions.filter(Q(stem__icontains=query) | Q(area__name__icontains=query))
    page = Paginator(questions, PICK_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "q": query, "round": request.GET.get("round", "0")[:2]}
    return render(request, "competitions/partials/pick.html", context)


@require_http_methods(["GET", "POST"])
def join(request):
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        who = {"user_id": request.user.pk, "address": request.META.get("REMOTE_ADDR", "")}
        if throttle.blocked(**who):
            form.is_valid()
            form.add_error(None, _("加入码尝试过于频繁，请 10 分钟后再试。"))
        elif form.is_valid():
            try:
                services.join(code=form.cleaned_data["code"], user=request.user, at=timezone.now())
            except services.Refused as refusal:
                throttle.failed(**who)
                form.add_error("code", refusal.message)
            else:
                return redirect("competitions:play", code=form.cleaned_data["code"])
    return render(request, "competitions/join.html", {"form": form})


def _hosted(request, code: str) -> Competition:
    competition = get_object_or_404(Competition.objects.select_related("host"), code=code)
    if not selectors.is_host(request.user, competition):
        raise Http404
    return competition


def _screen_context(competition: Competition, role: str) -> dict:
    state = selectors.game_state(competition_id=competition.pk, at=timezone.now())
    html = rendering.render_role(state, role)
    return {"competition": competition, "html": _for_template(html), "state": state}


def _for_template(html: dict[str, str]) -> dict[str, str]:
    """Fragments we rendered ourselves, keyed so a template can say {{ html.play_stage }}."""
    return {element_id.replace("-", "_"): mark_safe(fragment) for element_id, fragment in html.items()}  # noqa: S308


def host(request, code: str):
    competition = _hosted(request, code)
    context = _screen_context(competition, rendering.HOST)
    context["join_url"] = join_url(request, code)
    return render(request, "competitions/host.html", context)


def roster(request, code: str):
    """The host's 移出选手 list, by name and a page at a time (htmx), read when the host asks."""
    competition = _hosted(request, code)
    query = request.GET.get("q", "").strip()[:50]
    players = selectors.roster(competition_id=competition.pk, query=query)
    page = Paginator(players, PICK_PAGE).get_page(request.GET.get("page"))
    context = {"competition": competition, "page": page, "q": query}
    return render(request, "competitions/partials/host_roster_manage.html", context)


def screen(request, code: str):
    competition = _hosted(request, code)
    context = _screen_context(competition, rendering.SCREEN)
    context["join_url"] = join_url(request)
    return render(request, "competitions/screen.html", context)


def play(request, code: str):
    competition = get_object_or_404(Competition, code=code)
    player = Player.objects.filter(competition=competition, user=request.user).first()
    if player is None or player.removed_at:
        if player is not None:
            messages.error(request, _("你已被主持人移出本场比赛。"))
        return redirect(reverse("competitions:join") + f"?code={code}")
    context = _screen_context(competition, rendering.PLAY)
    me = selectors.player_view(player_id=player.pk, state=context["state"])
    context["html"].update(_for_template(rendering.render_me(me)))
    context["player"] = player
    context["me_texts"] = rendering.me_texts()  # live.js draws the corner at reveal with these
    return render(request, "competitions/play.html", context)


def qr_svg(request, code: str):
    """The join link as a QR code, drawn on the server (no CDN, no script). Only the big screen shows
    it, so only the host may fetch it: a guessed code tells nobody else whether a drill exists."""
    competition = _hosted(request, code)
    url = join_url(request, competition.code)
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def results(request, pk: int):
    """The host and who may see the host: everything. A player of the drill: the podium and their
    own results. Anyone else: 404."""
    competition = get_object_or_404(Competition.objects.select_related("host"), pk=pk)
    full = selectors.can_view_results(request.user, competition)
    player = (
        None if full else Player.objects.filter(competition=competition, user=request.user, removed_at=None).first()
    )
    if not full and player is None:
        raise Http404
    state = selectors.game_state(competition_id=competition.pk, at=timezone.now())
    context = {
        "competition": competition,
        "state": state,
        "finished": competition.status == Status.FINISHED,
        "hard_point_percent": round(100 * selectors.HARD_POINT_BELOW),
    }
    if full:
        report = selectors.question_report(competition)
        context.update(report=report, hard_points=[item for item in report if item.is_hard], full=True)
    else:
        player.refresh_from_db()
        context.update(
            me=next((row for row in state.scoreboard if row.player_id == player.pk), None),
            mine=selectors.my_results(competition, player),
        )
    return render(request, "competitions/results.html", context)
