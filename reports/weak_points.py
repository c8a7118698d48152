"""难点: what the center or a team gets wrong most, and how a 难点培训 paper changed it.

- areas: the lowest mean mastery (from the matrix, so leaderboard.mastery's number);
- questions: the lowest facility (mean score ratio of the answers, as in quizzes.statistics), with
  the wrong answer chosen most often;
- mock-reception steps: the highest share of non-ideal replies in the run logs, with the wrong
  reply chosen most often at that step.
All counts are grouped in SQL; only the few worst questions' wrong answers are tallied in Python.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Q

from leaderboard.mastery import mastery_frame
from quizzes.models import Attempt, AttemptItem, Option, PaperAssignment, Question
from simulations.models import RunAnswer

from .selectors import Area, clerks_visible_to, competency_matrix

MIN_ANSWERS = 3  # fewer answers say nothing about a question or step
LIMIT = 10


@dataclass(frozen=True)
class WeakArea:
    area: Area
    average: float
    people: int
    weak: int


@dataclass(frozen=True)
class WeakQuestion:
    question_id: int
    stem: str
    area: str
    answers: int
    facility: float  # 0..1
    top_wrong: str  # the wrong answer chosen most often ("B. …"), or ""
    top_wrong_count: int


@dataclass(frozen=True)
class WeakStep:
    step_id: int
    scenario: str
    step: str
    answers: int
    wrong_share: float  # 0..1
    top_wrong: str
    top_wrong_count: int


@dataclass
class WeakPoints:
    areas: list[WeakArea]
    questions: list[WeakQuestion]
    steps: list[WeakStep]


def weak_points(*, viewer, now: datetime, team_id: int | None = None, since: datetime | None = None) -> WeakPoints:
    people = clerks_visible_to(viewer, team_id=team_id)
    matrix = competency_matrix(viewer=viewer, now=now, team_id=team_id, period="all")
    areas = sorted(
        (
            WeakArea(row["area"], row["average"], row["people"], row["weak"])
            for row in matrix.summary
            if row["average"] is not None
        ),
        key=lambda a: a.average,
    )[:LIMIT]
    return WeakPoints(
        areas=areas, questions=weak_questions(people=people, since=since), steps=weak_steps(people=people, since=since)
    )


def weak_questions(*, people, since: datetime | None = None, limit: int = LIMIT) -> list[WeakQuestion]:
    items = AttemptItem.objects.filter(attempt__person__in=people.values("pk"), ratio__isnull=False)
    if since is not None:
        items = items.filter(answered_at__gte=since)
    grouped = list(
        items.values("question_id")
        .order_by()
        .annotate(n=Count("id"), facility=Avg("ratio"))
        .filter(n__gte=MIN_ANSWERS, question_id__isnull=False)
        .order_by("facility", "-n", "question_id")[:limit]
    )
    ids = [g["question_id"] for g in grouped]
    questions = {q.pk: q for q in Question.objects.filter(pk__in=ids).select_related("area")}
    options = {(o.question_id, o.label): o.text for o in Option.objects.filter(question_id__in=ids)}
    wrong: dict[int, Counter] = {pk: Counter() for pk in ids}
    for question_id, response in items.filter(question_id__in=ids, ratio__lt=1).values_list("question_id", "response"):
        labels = sorted((response or {}).get("labels") or [])
        answer = "".join(labels) or (response or {}).get("text", "").strip()
        if answer:
            wrong[question_id][answer] += 1
    result = []
    for g in grouped:
        question = questions.get(g["question_id"])
        if question is None:
            continue
        top, count = (wrong[question.pk].most_common(1) or [("", 0)])[0]
        if len(top) == 1 and (question.pk, top) in options:
            top = f"{top}. {options[(question.pk, top)]}"
        result.append(WeakQuestion(question.pk, question.stem, question.area.name, g["n"], g["facility"], top, count))
    return result


def weak_steps(*, people, since: datetime | None = None, limit: int = LIMIT) -> list[WeakStep]:
    answers = RunAnswer.objects.filter(run__person__in=people.values("pk"), step__isnull=False)
    if since is not None:
        answers = answers.filter(answered_at__gte=since)
    grouped = list(
        answers.values("step_id", "step__title", "step__key", "run__scenario__title")
        .order_by()
        .annotate(n=Count("id"), wrong=Count("id", filter=Q(is_ideal=False)))
        .filter(n__gte=MIN_ANSWERS, wrong__gt=0)
    )
    grouped.sort(key=lambda g: (-g["wrong"] / g["n"], -g["n"], g["step_id"]))
    grouped = grouped[:limit]
    choices = (
        answers.filter(step_id__in=[g["step_id"] for g in grouped], is_ideal=False)
        .values("step_id", "choice_text")
        .order_by()
        .annotate(n=Count("id"))
    )
    top: dict[int, tuple[str, int]] = {}
    for c in choices:
        if c["n"] > top.get(c["step_id"], ("", 0))[1]:
            top[c["step_id"]] = (c["choice_text"], c["n"])
    return [
        WeakStep(
            step_id=g["step_id"],
            scenario=g["run__scenario__title"],
            step=g["step__title"] or g["step__key"],
            answers=g["n"],
            wrong_share=g["wrong"] / g["n"],
            top_wrong=top.get(g["step_id"], ("", 0))[0],
            top_wrong_count=top.get(g["step_id"], ("", 0))[1],
        )
        for g in grouped
    ]


# --- After a 难点培训 paper: who did it, and mastery before and after ----------------------------


@dataclass
class MemberOutcome:
    person_id: int
    name: str
    attempts: int
    best: float | None  # best submitted score ratio 0..1
    before: float | None  # mean mastery over the paper's areas when it was assigned
    after: float | None  # … now


@dataclass
class AssignmentReport:
    assignment: PaperAssignment
    area_names: list[str]
    members: list[MemberOutcome]

    @property
    def done(self) -> int:
        return sum(1 for m in self.members if m.attempts)


def assignment_report(*, assignment: PaperAssignment, viewer, now: datetime) -> AssignmentReport:
    quiz = assignment.quiz
    area_ids = sorted(
        set(quiz.rules.values_list("area_id", flat=True))
        | set(quiz.fixed_questions.values_list("question__area_id", flat=True))
    )
    from training.models import BusinessArea

    names = list(BusinessArea.objects.filter(pk__in=area_ids).order_by("sort_order").values_list("name", flat=True))
    members = list(clerks_visible_to(viewer, team_id=assignment.team_id).order_by("full_name", "username"))
    attempts = {
        row["person_id"]: row
        for row in Attempt.objects.filter(quiz=quiz, person__in=members)
        .exclude(status="open")
        .values("person_id")
        .order_by()
        .annotate(n=Count("id"))
    }
    best: dict[int, float] = {}
    for person_id, score, max_score in (
        Attempt.objects.filter(quiz=quiz, person__in=members)
        .exclude(status="open")
        .values_list("person_id", "score", "max_score")
    ):
        if max_score:
            best[person_id] = max(best.get(person_id, 0.0), score / max_score)

    def mean_by_person(frame) -> dict[int, float]:
        frame = frame[frame["area_id"].isin(area_ids)]
        return frame.groupby("person_id")["mastery"].mean().round(1).to_dict()

    before = mean_by_person(mastery_frame(people=members, as_of=assignment.created_at))
    after = mean_by_person(mastery_frame(people=members, as_of=now))
    return AssignmentReport(
        assignment=assignment,
        area_names=names,
        members=[
            MemberOutcome(
                person_id=m.pk,
                name=m.full_name or m.username,
                attempts=attempts.get(m.pk, {}).get("n", 0),
                best=best.get(m.pk),
                before=before.get(m.pk),
                after=after.get(m.pk),
            )
            for m in members
        ],
    )
