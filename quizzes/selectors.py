"""Reads for the question bank and attempts (the 错题本's memory cards: memory_selectors)."""

import random
from datetime import timedelta

from django.db.models import Count, F, Max, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import can_edit_content, people_visible_to
from training.models import BusinessArea

from .memory_selectors import book_counts, due_count, forecast
from .models import (
    Attempt,
    AttemptItem,
    AttemptMode,
    AttemptStatus,
    LessonQuestion,
    Option,
    PaperAssignment,
    Question,
    QuestionReport,
    Quiz,
    ReportStatus,
)
from .statistics import item_statistics


def lesson_check_questions(*, lesson) -> list[Question]:
    """The active questions linked to a lesson, in their order, options prefetched."""
    links = (
        LessonQuestion.objects.filter(lesson=lesson, question__is_active=True)
        .select_related("question")
        .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("label")))
        .order_by("sort_order", "id")
    )
    return [link.question for link in links]


def attempt_or_404(*, person, attempt_id: int, mode: str | None = None) -> Attempt:
    """A person's own attempt; anyone else's (whatever their role, even a manager's) is not found."""
    attempts = Attempt.objects.select_related("quiz", "lesson__course__area", "area")
    if mode:
        attempts = attempts.filter(mode=mode)
    return get_object_or_404(attempts, pk=attempt_id, person=person)


def answered_count(attempt: Attempt) -> int:
    """Questions of an attempt with an answer kept (an emptied field does not count)."""
    return sum(
        1
        for response in attempt.items.values_list("response", flat=True)
        if response and (response.get("labels") or response.get("text"))
    )


def attempts_at_quiz(*, person, quiz) -> list[Attempt]:
    return list(Attempt.objects.filter(person=person, quiz=quiz).order_by("-number"))


def draw_questions(
    *,
    area=None,
    count: int,
    kind: str | None = None,
    min_difficulty: int = 1,
    max_difficulty: int = 5,
    exclude_ids=(),
    rng: random.Random | None = None,
) -> list[Question]:
    """A random draw of active questions by rule (组卷, live games); fewer when the bank has fewer.

    area None draws from every area (a live game's "全部条线").
    """
    candidates = Question.objects.filter(
        is_active=True, difficulty__gte=min_difficulty, difficulty__lte=max_difficulty
    ).exclude(pk__in=list(exclude_ids))
    if area is not None:
        candidates = candidates.filter(area=area)
    if kind:
        candidates = candidates.filter(kind=kind)
    ids = sorted(candidates.values_list("pk", flat=True))
    chosen = (rng or random.Random()).sample(ids, min(count, len(ids)))
    by_id = Question.objects.prefetch_related("options").in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def current_item(items):
    """The first question of a practice round not answered yet (None when the round is done)."""
    return next((item for item in items if not item.is_answered), None)


def hub_for(*, person, at) -> dict:
    """Everything the quizzes home shows one person."""
    today = timezone.localdate(at)
    quizzes = list(
        Quiz.objects.filter(is_published=True)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=at))
        .annotate(question_count=Count("fixed_questions", distinct=True), rule_total=Sum("rules__count"))
        .order_by("closes_at", "-created_at")
    )
    # One grouped query says both: which papers the person has open, and their best closed score.
    closed = ~Q(status=AttemptStatus.OPEN)
    mine = (
        Attempt.objects.filter(person=person, quiz__in=quizzes)
        .values("quiz_id")
        .annotate(open=Count("pk", filter=Q(status=AttemptStatus.OPEN)), best=Max("score", filter=closed))
    )
    open_ids, best = set(), {}
    for row in mine:
        if row["open"]:
            open_ids.add(row["quiz_id"])
        best[row["quiz_id"]] = row["best"]  # None: no closed attempt, or none with a score
    for quiz in quizzes:
        quiz.size = quiz.question_count or quiz.rule_total or 0
        quiz.in_progress = quiz.pk in open_ids
        quiz.best_score = best.get(quiz.pk)
    areas = BusinessArea.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_active=True))
    ).filter(question_count__gt=0)
    book = book_counts(person=person, at=at)
    days = forecast(person=person, at=at)
    daily = Attempt.objects.filter(person=person, mode=AttemptMode.DAILY, day=today).first()
    return {
        "quizzes": quizzes,
        "areas": areas,
        "mistake_count": book["count"],
        "mistake_due": book["due"],
        "forecast": days,
        "forecast_total": sum(day["count"] for day in days),
        "daily": daily,
        "streak": daily_streak(person=person, today=today),
        "recent": Attempt.objects.filter(person=person).exclude(status=AttemptStatus.OPEN)[:5],
        "can_manage": can_edit_content(person),
    }


def daily_overview(*, person, at) -> dict:
    """What the 每日一练 start page shows: today's attempt if made, the streak, reviews due."""
    today = timezone.localdate(at)
    return {
        "daily": Attempt.objects.filter(person=person, mode=AttemptMode.DAILY, day=today).first(),
        "streak": daily_streak(person=person, today=today),
        "due": due_count(person=person, at=at),
    }


def daily_streak(*, person, today) -> int:
    """Days in a row with a finished 每日一练, up to today (or yesterday, when today's is not done yet)."""
    days = set(
        Attempt.objects.filter(person=person, mode=AttemptMode.DAILY, status=AttemptStatus.SUBMITTED).values_list(
            "day", flat=True
        )
    )
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def question_statistics() -> list[dict]:
    """Every answered question with its item analysis and open 纠错 reports, the flagged ones first."""
    rows = (
        AttemptItem.objects.filter(
            question__isnull=False,
            ratio__isnull=False,
            answered_at__isnull=False,
            attempt__max_score__gt=0,
        )
        .exclude(attempt__status=AttemptStatus.OPEN)
        .annotate(total=F("attempt__score") / F("attempt__max_score"))
        .values_list("question_id", "ratio", "total")
    )
    stats = item_statistics(rows)
    questions = Question.objects.select_related("area").in_bulk(list(stats))
    reports = dict(
        QuestionReport.objects.filter(status=ReportStatus.OPEN, question_id__in=list(stats))
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    table = [
        {"question": questions[pk], "stats": item, "open_reports": reports.get(pk, 0)}
        for pk, item in stats.items()
        if pk in questions
    ]
    table.sort(key=lambda row: (not row["stats"].flags, -row["open_reports"], row["stats"].facility))
    return table


def open_reports(*, viewer) -> list[QuestionReport]:
    """The 纠错 queue. The bank is shared by every center, so is the queue; a reporter's name is
    shown only to admins who may see that person (accounts.permissions), else just "another center"."""
    reports = list(
        QuestionReport.objects.filter(status=ReportStatus.OPEN)
        .select_related("question__area", "reporter")
        .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("label")))
    )
    visible = set(
        people_visible_to(viewer).filter(pk__in={r.reporter_id for r in reports}).values_list("pk", flat=True)
    )
    for report in reports:
        report.reporter_name = report.reporter.display_name if report.reporter_id in visible else None
    return reports


# --- 难点培训 assignments (written by services.assignments) ---------------------------------------


def open_assignments(*, person, now) -> list[PaperAssignment]:
    """The 难点培训 papers of the person's team that are still due, soonest first."""
    if not person.team_id:
        return []
    return list(
        PaperAssignment.objects.filter(team_id=person.team_id, due_at__gt=now, quiz__is_published=True)
        .select_related("quiz")
        .order_by("due_at", "pk")
    )


def assigned_area_ids(*, person, now) -> list[int]:
    """The areas of the person's team's open 难点培训 papers (每日一练 leans on them), soonest due first."""
    ids: list[int] = []
    for assignment in open_assignments(person=person, now=now):
        rule_areas = assignment.quiz.rules.values_list("area_id", flat=True)
        named_areas = assignment.quiz.fixed_questions.values_list("question__area_id", flat=True)
        for area_id in [*rule_areas, *named_areas]:
            if area_id not in ids:
                ids.append(area_id)
    return ids
