"""Views for mock reception: the list, the player (htmx, one step at a time), the review, the
supervisor's rubric and the 模拟接待错题 practice. Each view parses, calls one service or selector,
and renders; a run is opened only by its owner (others get 404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import scoring, selectors, services
from .models import Run

REFUSALS = {
    "deadline": _("本步已超时，服务器已按超时计分。"),
    "finished": _("本次接待已经结束。"),
    "stale": _("这一步已经作答过了。"),
}


def _answer_from(post, *, step, seed: int) -> services.Answer:
    """The answer as posted: the reply button's opaque token, the ticked items, the form's values."""
    values = {key.removeprefix("field-"): value for key, value in post.items() if key.startswith("field-")}
    choice = selectors.choice_key(step, post.get("choice", ""), seed=seed) if step else ""
    return services.Answer(choice_key=choice, ticked=post.getlist("item"), values=values)


def _own_run(request, run_id: int) -> Run:
    try:
        return selectors.own_run(person=request.user, run_id=run_id)
    except Run.DoesNotExist:
        raise Http404 from None


def index(request):
    context = {
        "cards": selectors.scenario_cards(person=request.user),
        "recent": selectors.recent_runs(person=request.user),
        "open_mistakes": selectors.open_mistakes_count(person=request.user),
        "awaiting": selectors.runs_awaiting_rubric(request.user)[:20],
    }
    return render(request, "simulations/index.html", context)


def scenario_detail(request, slug: str):
    scenario = get_object_or_404(selectors.published_scenarios(), slug=slug)
    return render(
        request, "simulations/scenario.html", {"scenario": scenario, "limits": selectors.step_limits(scenario)}
    )


@require_POST
def start(request, slug: str):
    scenario = get_object_or_404(selectors.published_scenarios(), slug=slug)
    run = services.start_run(
        person=request.user, scenario=scenario, live=request.POST.get("live") == "1", at=timezone.now()
    )
    return redirect("simulations:play", run_id=run.pk)


def _stage_context(run: Run, *, notice: str = "") -> dict:
    now = timezone.now()
    answers = selectors.transcript(run)
    screen = None
    if run.is_active:
        screen = selectors.step_screen(run.current_step, seed=selectors.screen_seed(run))
    return {"run": run, "answers": answers, "screen": screen, "now": now, "notice": notice}


def play(request, run_id: int):
    run = services.open_run(run=_own_run(request, run_id), at=timezone.now())
    if not run.is_active:
        return redirect("simulations:review", run_id=run.pk)
    return render(request, "simulations/play.html", _stage_context(run))


def _after_turn(request, run: Run, notice: str = ""):
    if not run.is_active:
        if request.htmx:
            return HttpResponseClientRedirect(run.get_review_url())
        return redirect(run.get_review_url())
    if request.htmx:
        return render(request, "simulations/partials/stage.html", _stage_context(run, notice=notice))
    if notice:
        messages.warning(request, notice)
    return redirect("simulations:play", run_id=run.pk)


@require_POST
def answer(request, run_id: int):
    run = _own_run(request, run_id)
    try:
        turn = int(request.POST.get("turn", ""))
    except ValueError:
        turn = -1
    try:
        answer = _answer_from(request.POST, step=run.current_step, seed=selectors.screen_seed(run))
        result = services.submit_answer(run=run, turn=turn, answer=answer, at=timezone.now())
    except services.InvalidAnswer as error:
        run = services.open_run(run=run, at=timezone.now())
        return _after_turn(request, run, notice=str(error))
    return _after_turn(request, result.run, notice="" if result.accepted else REFUSALS[result.reason])


@require_POST
def check(request, run_id: int):
    """The countdown reached zero on the device: ask the server, which closes what is overdue."""
    run = services.open_run(run=_own_run(request, run_id), at=timezone.now())
    return _after_turn(request, run)


def review(request, run_id: int):
    run = get_object_or_404(selectors.runs_visible_to(request.user).select_related("scenario__area"), pk=run_id)
    if run.is_active:
        if run.person_id == request.user.pk:
            return redirect("simulations:play", run_id=run.pk)
        if run.awaits_rubric and selectors.may_score_rubric(request.user, run):
            return redirect("simulations:rubric", run_id=run.pk)  # the supervisor watching a live run
        raise Http404
    context = {
        "run": run,
        "review": selectors.review(run),
        "may_score": run.awaits_rubric and selectors.may_score_rubric(request.user, run),
        "good_rating_min": scoring.GOOD_RATING_MIN,
    }
    return render(request, "simulations/review.html", context)


def rubric(request, run_id: int):
    """The supervisor's rubric for a live run, on a tablet beside the counter. While the run goes on
    the levels can be chosen; the page asks every few seconds and enables 提交 when the run is over."""
    run = get_object_or_404(selectors.runs_visible_to(request.user).select_related("scenario", "person"), pk=run_id)
    if not (run.live and run.scenario.has_rubric and selectors.may_score_rubric(request.user, run)):
        raise Http404
    if run.rubric_at is not None:
        messages.info(request, _("该记录已评分。"))
        return redirect("simulations:review", run_id=run.pk)
    run = services.open_run(run=run, at=timezone.now())  # a run nobody touches any more still ends on time
    if request.htmx and request.method == "GET":
        return render(request, "simulations/partials/rubric_submit.html", {"run": run})
    criteria = list(run.scenario.rubric_criteria.all())
    levels: dict[str, int] = {}
    error = ""
    if request.method == "POST":
        for criterion in criteria:
            value = request.POST.get(f"level-{criterion.key}", "")
            if value.isdigit():
                levels[criterion.key] = int(value)
        try:
            services.score_rubric(run=run, supervisor=request.user, levels=levels, at=timezone.now())
        except services.RubricError as problem:
            error = str(problem)
        else:
            messages.success(request, _("评分已提交，成绩已计入。"))
            return redirect("simulations:review", run_id=run.pk)
    rows = [{"criterion": c, "chosen": levels.get(c.key)} for c in criteria]
    return render(request, "simulations/rubric.html", {"run": run, "rows": rows, "error": error})


def mistakes(request):
    entries = selectors.mistakes_of(person=request.user)
    return render(
        request,
        "simulations/mistakes.html",
        {"open": [m for m in entries if not m.mastered_at], "mastered": [m for m in entries if m.mastered_at]},
    )


def practice(request, pk: int):
    mistake = get_object_or_404(selectors.mistakes_of(person=request.user), pk=pk)
    result = None
    if request.method == "POST":
        try:
            answer = _answer_from(request.POST, step=mistake.step, seed=mistake.pk)
            result = services.practice_mistake(mistake=mistake, answer=answer, at=timezone.now())
        except services.InvalidAnswer as error:
            messages.warning(request, str(error))
    context = {"mistake": mistake, "screen": selectors.step_screen(mistake.step, seed=pk), "result": result}
    template = "simulations/partials/practice_body.html" if request.htmx else "simulations/practice.html"
    return render(request, template, context)
