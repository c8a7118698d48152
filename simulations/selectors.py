"""Reads for mock reception: what a person may open, the player's screen, the review."""

import random
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.permissions import can_score_rubrics, people_visible_to

from .ideal import ideal_path_snapshot
from .models import Run, RunAnswer, RunStatus, Scenario, ScenarioMistake, Step, StepKind


def published_scenarios() -> QuerySet[Scenario]:
    return Scenario.objects.filter(is_published=True).select_related("area")


# What a scenario card and a recent run's line show; the rest of the rows (the ideal path's JSON, the
# persona's texts, the import's bookkeeping) stays in the database on the 模拟接待 page.
CARD_FIELDS = (
    "slug",
    "title",
    "summary",
    "persona_name",
    "time_limit_seconds",
    "rubric_weight",
    "is_demo",
    "area__name",
)
RECENT_FIELDS = ("status", "rating", "final_score", "started_at", "scenario__title")


def scenario_cards(*, person) -> list[dict]:
    """Each published scenario with the person's best score, attempts and any run in progress.

    One grouped query over the person's runs gives both the finished runs' figures and the run in
    progress (at most one per scenario: run_one_active_per_scenario)."""
    finished = ~Q(status=RunStatus.ACTIVE)
    rows = (
        Run.objects.filter(person=person)
        .values("scenario")
        .annotate(
            best=Max("final_score", filter=finished),
            attempts=Count("pk", filter=finished),
            good=Count("pk", filter=finished & Q(rating="good")),
            active_run_id=Max("pk", filter=Q(status=RunStatus.ACTIVE)),
        )
    )
    by_scenario = {row["scenario"]: row for row in rows}
    cards = []
    for s in published_scenarios().only(*CARD_FIELDS):
        row = by_scenario.get(s.pk)
        stats = {key: row[key] for key in ("best", "attempts", "good")} if row and row["attempts"] else None
        cards.append({"scenario": s, "stats": stats, "active_run_id": row["active_run_id"] if row else None})
    return cards


def own_run(*, person, run_id: int) -> Run:
    """A run the person plays: their own and nobody else's (others get DoesNotExist, i.e. 404)."""
    return Run.objects.select_related("scenario", "scenario__area").get(pk=run_id, person=person)


def runs_visible_to(viewer) -> QuerySet[Run]:
    """Runs whose review the viewer may read: their own and those of the people they may see."""
    return Run.objects.filter(person__in=people_visible_to(viewer)).select_related("scenario", "person")


def may_score_rubric(viewer, run: Run) -> bool:
    if viewer.pk == run.person_id:
        return False
    if not can_score_rubrics(viewer):
        return False
    return people_visible_to(viewer).filter(pk=run.person_id).exists()


def runs_awaiting_rubric(viewer) -> QuerySet[Run]:
    if not can_score_rubrics(viewer):
        return Run.objects.none()
    return (
        runs_visible_to(viewer)
        .exclude(person=viewer)
        .filter(live=True, rubric_at__isnull=True, scenario__rubric_weight__gt=0)
        .order_by("status", "-started_at")
    )


def recent_runs(*, person, limit: int = 5) -> QuerySet[Run]:
    return (
        Run.objects.filter(person=person)
        .exclude(status=RunStatus.ACTIVE)
        .select_related("scenario")
        .only(*RECENT_FIELDS)[:limit]
    )


@dataclass(frozen=True)
class StepScreen:
    step: Step
    choices: list[dict]  # talk: {"token", "text"} in a shuffled order; the token says nothing
    items: list[dict]  # materials: key and label only, never the need, in a shuffled order
    fields: list[dict]  # form: key, label, options, never the answer


def screen_seed(run: Run) -> int:
    """One seed per run and step: the order and the tokens change from step to step and run to run."""
    return run.pk * 1000 + run.turn


def choice_token(step: Step, key: str, *, seed: int) -> str:
    """An opaque value for a reply button: not the choice's key (keys such as "correct" or
    "not-mine" would give the answer away), and not guessable from one run to the next."""
    return salted_hmac("simulations.choice", f"{seed}:{step.pk}:{key}").hexdigest()[:12]


def choice_key(step: Step, token: str, *, seed: int) -> str:
    """The key of the choice a submitted token stands for ("" when it stands for none)."""
    for choice in step.choices.all():
        if not choice.is_timeout and constant_time_compare(choice_token(step, choice.key, seed=seed), token):
            return choice.key
    return ""


def step_screen(step: Step, *, seed: int) -> StepScreen:
    """What the clerk sees of a step: nothing that gives the answer away, neither in the text nor
    in the values, the order, or the markup (the ideal reply and the required items are often
    written first in the YAML, so both lists are shuffled)."""
    shuffle = random.Random(seed).shuffle
    choices = [
        {"token": choice_token(step, c.key, seed=seed), "text": c.text}
        for c in step.choices.all()
        if not c.is_timeout and step.kind == StepKind.TALK
    ]
    shuffle(choices)
    items = [{"key": i["key"], "label": i["label"]} for i in step.config.get("items", [])]
    shuffle(items)
    fields = [{"key": f["key"], "label": f["label"], "options": f["options"]} for f in step.config.get("fields", [])]
    return StepScreen(step=step, choices=choices, items=items, fields=fields)


def transcript(run: Run) -> list[RunAnswer]:
    return list(run.answers.all())


def review(run: Run) -> dict:
    """The path taken beside the ideal path, with each choice's feedback, policy point and time."""
    answers = list(run.answers.all())
    # The ideal path as it was when the run started (runs from before the snapshot: as it is now).
    ideal = run.ideal_path or ideal_path_snapshot(run.scenario)
    return {
        "answers": answers,
        "ideal": ideal,
        "ideal_count": sum(1 for a in answers if a.is_ideal),
        "total_seconds": (run.finished_at - run.started_at).total_seconds() if run.finished_at else None,
    }


def mistakes_of(*, person) -> QuerySet[ScenarioMistake]:
    return ScenarioMistake.objects.filter(person=person).select_related("step", "step__scenario")


def open_mistakes_count(*, person) -> int:
    return ScenarioMistake.objects.filter(person=person, mastered_at__isnull=True).count()


def outline(scenario: Scenario) -> list[dict]:
    """The graph as an outline for the admin: each step with its choices and where they lead."""
    ideal = {(n["step"], n["choice"]) for n in scenario.ideal_path}
    ideal_steps = {n["step"] for n in scenario.ideal_path}
    rows = []
    for step in scenario.steps.prefetch_related("choices__next_step", "choices__branch_step"):
        rows.append(
            {
                "step": step,
                "on_ideal_path": step.key in ideal_steps,
                "is_start": step.key == scenario.start_key,
                "choices": [{"choice": c, "ideal": (step.key, c.key) in ideal} for c in step.choices.all()],
            }
        )
    return rows


def step_limits(scenario: Scenario) -> dict:
    """The per-step time limits the server will really apply, for the intro: the first step's, the
    shortest and the longest (a scenario's default is only what steps without their own limit get)."""
    steps = list(scenario.steps.exclude(kind=StepKind.ENDING).select_related("scenario"))
    limits = {step.key: step.limit_seconds() for step in steps}
    if not limits:
        return {"first": None, "shortest": None, "longest": None}
    return {
        "first": limits.get(scenario.start_key),
        "shortest": min(limits.values()),
        "longest": max(limits.values()),
    }
