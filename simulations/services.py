"""Writes for mock reception runs. The server is the only clock: every function takes `at`.

A run stores its own deadline and the current step's deadline. Whoever touches a run first after
a deadline (the player's next request, the countdown asking, or the close_overdue_runs command)
closes it the same way, as of the deadline itself, so the outcome never depends on who came first.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from leaderboard.models import ActivityKind
from leaderboard.services import record_result

from . import scoring
from .ideal import ideal_path_snapshot, ideal_text
from .models import (
    Choice,
    EndingOutcome,
    Rating,
    Run,
    RunAnswer,
    RunStatus,
    Scenario,
    ScenarioMistake,
    Step,
    StepKind,
)

MAX_CASCADE = 500  # a safety bound on timeouts closed in one go (each step limit is > 0)


class InvalidAnswer(ValueError):
    pass


class RubricError(ValueError):
    pass


@dataclass(frozen=True)
class Answer:
    """What the clerk did on a step: picked a choice, ticked materials, or filled the form."""

    choice_key: str = ""
    ticked: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerResult:
    accepted: bool
    run: Run
    reason: str = ""  # "deadline", "finished" or "stale" when refused
    answer: RunAnswer | None = None


@dataclass(frozen=True)
class Evaluation:
    choice: Choice
    detail: dict


def evaluate(*, step: Step, answer: Answer) -> Evaluation:
    """Which choice an answer amounts to (materials and form steps are checked item by item)."""
    choices = {c.key: c for c in step.choices.all()}
    if step.kind == StepKind.TALK:
        choice = choices.get(answer.choice_key)
        if choice is None or choice.is_timeout:
            raise InvalidAnswer(_("请选择一个回应。"))
        return Evaluation(choice=choice, detail={})
    if step.kind == StepKind.MATERIALS:
        items = step.config.get("items", [])
        ticked = set(answer.ticked) & {item["key"] for item in items}
        missing = [i["label"] for i in items if i["need"] == "required" and i["key"] not in ticked]
        over = [i["label"] for i in items if i["need"] != "required" and i["key"] in ticked]
        outcome = "over_asked" if over else "missing" if missing else "correct"
        labels = [i["label"] for i in items if i["key"] in ticked]
        # The outcome's feedback is one text for every wrong tick; each material's own reason says which.
        reasons = [
            _("%(label)s：%(why)s") % {"label": i["label"], "why": i["why"]}
            for i in items
            if i["need"] != "required" and i["key"] in ticked and i.get("why")
        ]
        detail = {"ticked": labels, "missing": missing, "over_asked": over, "reasons": reasons}
        return Evaluation(choice=choices[outcome], detail=detail)
    if step.kind == StepKind.FORM:
        fields = step.config.get("fields", [])
        values = {f["label"]: answer.values.get(f["key"], "") for f in fields}
        wrong = [f["label"] for f in fields if answer.values.get(f["key"]) != f["answer"]]
        return Evaluation(choice=choices["wrong" if wrong else "correct"], detail={"values": values, "wrong": wrong})
    raise InvalidAnswer(_("结局步骤无需作答。"))


# --- Runs -------------------------------------------------------------------------------------


def _step_deadline(run: Run, step: Step, started: datetime) -> datetime:
    return min(started + timedelta(seconds=step.limit_seconds()), run.deadline)


def start_run(*, person, scenario: Scenario, live: bool = False, at: datetime) -> Run:
    """Start a run, or resume the person's active run of this scenario (after closing what is overdue)."""
    with transaction.atomic():
        active = Run.objects.select_for_update().filter(person=person, scenario=scenario, status=RunStatus.ACTIVE)
        existing = active.first()
        if existing:
            _close_overdue(existing, at)
            if existing.is_active:
                return existing
        start = scenario.steps.get(key=scenario.start_key)
        run = Run(
            scenario=scenario,
            person=person,
            live=live and scenario.has_rubric,
            started_at=at,
            deadline=at + timedelta(seconds=scenario.time_limit_seconds),
            current_step=start,
            step_started_at=at,
            ideal_path=ideal_path_snapshot(scenario),
        )
        run.step_deadline = _step_deadline(run, start, at)
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            # A second tab started the same scenario in the same instant: resume that run.
            return Run.objects.get(person=person, scenario=scenario, status=RunStatus.ACTIVE)
    return run


@transaction.atomic
def open_run(*, run: Run, at: datetime) -> Run:
    """The run as of `at`: overdue steps are closed as timeouts; the deadlines never move."""
    run = Run.objects.select_for_update().get(pk=run.pk)
    _close_overdue(run, at)
    return run


@transaction.atomic
def submit_answer(*, run: Run, turn: int, answer: Answer, at: datetime) -> AnswerResult:
    """Answer the current step. Refused after its deadline (the timeout is recorded instead),
    when the run is over, or when `turn` is not the step on screen (a double tap, another tab)."""
    run = Run.objects.select_for_update().select_related("scenario").get(pk=run.pk)
    if _close_overdue(run, at):
        return AnswerResult(accepted=False, run=run, reason="deadline")
    if not run.is_active:
        return AnswerResult(accepted=False, run=run, reason="finished")
    if turn != run.turn:
        return AnswerResult(accepted=False, run=run, reason="stale")
    step = Step.objects.prefetch_related("choices").get(pk=run.current_step_id)
    evaluation = evaluate(step=step, answer=answer)
    row = _apply(run, step, evaluation.choice, at=at, detail=evaluation.detail)
    return AnswerResult(accepted=True, run=run, answer=row)


def close_overdue_runs(*, at: datetime) -> int:
    """Close every run whose step or run deadline has passed; safe to run again and again."""
    closed = 0
    ids = Run.objects.filter(status=RunStatus.ACTIVE, step_deadline__lte=at).values_list("pk", flat=True)
    for pk in list(ids):
        with transaction.atomic():
            run = Run.objects.select_for_update().get(pk=pk)
            closed += _close_overdue(run, at)
    return closed


def _close_overdue(run: Run, at: datetime) -> bool:
    """Record the timeout of every step whose deadline passed before `at`; finish the run when its
    own deadline passed. Returns whether anything was closed."""
    closed = False
    for _i in range(MAX_CASCADE):
        if not run.is_active:
            break
        if run.current_step_id is None:  # the scenario was edited under the run
            _finish(run, ending=None, at=at, status=RunStatus.TIMED_OUT)
            return True
        if at < run.step_deadline:
            break
        when = run.step_deadline
        step = Step.objects.prefetch_related("choices").get(pk=run.current_step_id)
        timeout = next(c for c in step.choices.all() if c.is_timeout)
        # At the run's own deadline the resident is gone, wherever the timeout would have led.
        out_of_time = when >= run.deadline
        _apply(run, step, timeout, at=when, detail={}, timed_out=True, advance=not out_of_time)
        if out_of_time:
            _finish(run, ending=None, at=run.deadline, status=RunStatus.TIMED_OUT)
        closed = True
    return closed


def _apply(
    run: Run, step: Step, choice: Choice, *, at: datetime, detail: dict, timed_out: bool = False, advance: bool = True
) -> RunAnswer:
    row = RunAnswer.objects.create(
        run=run,
        turn=run.turn + 1,
        step=step,
        choice=choice,
        step_key=step.key,
        step_kind=step.kind,
        step_title=step.title,
        says=step.says,
        choice_text=choice.text,
        ideal_text=ideal_text(step),
        is_ideal=choice.is_ideal,
        timed_out=timed_out,
        accuracy=choice.accuracy,
        manners=choice.manners,
        completeness=choice.completeness,
        feedback=choice.feedback,
        policy_point=choice.policy_point,
        detail=detail,
        started_at=run.step_started_at,
        answered_at=at,
        limit_seconds=step.limit_seconds(),
    )
    run.turn += 1
    run.accuracy_points += choice.accuracy
    run.manners_points += choice.manners
    run.completeness_points += choice.completeness
    if not choice.is_ideal:
        record_scenario_mistake(person=run.person, step=step, choice_text=choice.text, at=at)
    if not advance:
        return row
    target = choice.next_step
    if choice.branch_below is not None and choice.branch_step_id and run.points_so_far < choice.branch_below:
        target = choice.branch_step
    if target is None or target.is_ending:
        _finish(run, ending=target, at=at, status=_status_for(target))
    else:
        run.current_step = target
        run.step_started_at = at
        run.step_deadline = _step_deadline(run, target, at)
        run.save()
    return row


def _status_for(ending: Step | None) -> str:
    if ending is not None and ending.outcome == EndingOutcome.GOOD:
        return RunStatus.FINISHED
    return RunStatus.FAILED


def _finish(run: Run, *, ending: Step | None, at: datetime, status: str) -> None:
    scenario = run.scenario
    timings = [
        scoring.StepTiming(elapsed_seconds=a.elapsed_seconds, limit_seconds=a.limit_seconds, timed_out=a.timed_out)
        for a in run.answers.all()
    ]
    scores = scoring.compute_scores(
        accuracy=run.accuracy_points,
        manners=run.manners_points,
        completeness=run.completeness_points,
        max_accuracy=scenario.max_accuracy,
        max_manners=scenario.max_manners,
        max_completeness=scenario.max_completeness,
        timings=timings,
    )
    run.status = status
    run.finished_at = at
    run.current_step = None
    run.step_deadline = None
    if ending is not None:
        run.ending_title, run.ending_says, run.ending_text = ending.title, ending.says, ending.narration
        run.ending_outcome = ending.outcome
    elif status == RunStatus.TIMED_OUT:
        run.ending_title = _("接待超时")
        run.ending_text = _("接待超过了总时限，居民等不及离开了。")
        run.ending_outcome = EndingOutcome.BAD
    run.score_accuracy, run.score_speed = scores.accuracy, scores.speed
    run.score_manners, run.score_completeness = scores.manners, scores.completeness
    run.overall = scores.overall
    good = scoring.is_good_rating(overall=scores.overall, reached_good_ending=run.ending_outcome == EndingOutcome.GOOD)
    run.rating = Rating.GOOD if good else Rating.BAD
    if not run.awaits_rubric:
        run.final_score = scores.overall
        _record(run, at)
    run.save()


def _record(run: Run, at: datetime) -> None:
    record_result(
        person=run.person,
        area=run.scenario.area,
        kind=ActivityKind.SIMULATION,
        activity_id=run.pk,
        score_ratio=run.final_score / 100,
        points=run.final_score,
        at=at,
        title=run.scenario.title,
    )
    run.recorded_at = at


# --- Supervisor rubric ------------------------------------------------------------------------


@transaction.atomic
def score_rubric(*, run: Run, supervisor, levels: dict[str, int], at: datetime) -> Run:
    """The supervisor's rubric for a live run (criterion key -> level index); the final score
    combines it with the automatic score (scoring.combine_with_rubric) and goes to the ledger."""
    run = Run.objects.select_for_update().select_related("scenario").get(pk=run.pk)
    if not run.live or not run.scenario.has_rubric:
        raise RubricError(_("该记录不需要班组长评分。"))
    if run.is_active:
        raise RubricError(_("接待尚未结束，结束后再评分。"))
    if run.rubric_at is not None:
        raise RubricError(_("该记录已评分。"))
    criteria = list(run.scenario.rubric_criteria.all())
    earned = maximum = 0
    chosen = {}
    for criterion in criteria:
        index = levels.get(criterion.key)
        if index is None or not 0 <= index < len(criterion.levels):
            raise RubricError(_("请为每一项选择等级：%(t)s") % {"t": criterion.title})
        earned += criterion.levels[index]["points"]
        maximum += criterion.max_points
        chosen[criterion.key] = index
    run.rubric_levels = chosen
    run.rubric_score = earned / maximum if maximum else 0.0
    run.rubric_by = supervisor
    run.rubric_at = at
    run.final_score = scoring.combine_with_rubric(
        overall=run.overall, rubric_ratio=run.rubric_score, weight=run.scenario.rubric_weight
    )
    _record(run, at)
    run.save()
    return run


# --- 模拟接待错题 -----------------------------------------------------------------------------


def record_scenario_mistake(*, person, step: Step, choice_text: str, at: datetime) -> ScenarioMistake:
    mistake, created = ScenarioMistake.objects.get_or_create(
        person=person,
        step=step,
        defaults={"last_choice_text": choice_text, "first_wrong_at": at, "last_wrong_at": at},
    )
    if not created:
        mistake.wrong_count += 1
        mistake.last_choice_text = choice_text
        mistake.last_wrong_at = at
        mistake.mastered_at = None
        mistake.save()
    return mistake


@dataclass(frozen=True)
class PracticeResult:
    correct: bool
    choice: Choice
    detail: dict
    ideal_text: str


@transaction.atomic
def practice_mistake(*, mistake: ScenarioMistake, answer: Answer, at: datetime) -> PracticeResult:
    """Practise one scenario point again, untimed; the ideal answer marks it mastered."""
    step = Step.objects.prefetch_related("choices").get(pk=mistake.step_id)
    evaluation = evaluate(step=step, answer=answer)
    mistake.practice_count += 1
    if evaluation.choice.is_ideal:
        mistake.mastered_at = at
    else:
        mistake.wrong_count += 1
        mistake.last_choice_text = evaluation.choice.text
        mistake.last_wrong_at = at
        mistake.mastered_at = None
    mistake.save()
    return PracticeResult(
        correct=evaluation.choice.is_ideal,
        choice=evaluation.choice,
        detail=evaluation.detail,
        ideal_text=ideal_text(step),
    )
