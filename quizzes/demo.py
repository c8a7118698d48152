"""Demo question bank and exams (idempotent).

The bank is content/questions/demo_bank.csv, imported through the same service a center's
content admin uses (services.bank_io). Lesson links (关联课时) are made for the lessons that
exist; when the training demo has not loaded a lesson, that link is skipped and counted, never
an error here (a center's own import reports an unknown lesson as a row error).
"""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from training.models import BusinessArea

from .models import Attempt, PaperKind, PaperRule, Question, QuestionKind, QuestionReport, Quiz, QuizQuestion
from .services.bank_io import import_bank_file
from .services.exams import start_exam, submit_exam

BANK_FILE = settings.BASE_DIR / "content" / "questions" / "demo_bank.csv"


def load(stdout=None) -> None:
    checked, summary = import_bank_file(filename=BANK_FILE.name, data=BANK_FILE.read_bytes(), skip_unknown_lessons=True)
    if not checked.ok:
        problems = "; ".join(f"{error.row or '-'}: {error.message}" for error in checked.errors[:10])
        raise CommandError(f"quizzes: demo bank is invalid: {problems}")
    _load_quizzes()
    taken = _load_sample_results()
    if stdout:
        skipped = len(checked.skipped_lessons)
        stdout.write(
            f"quizzes: 题库 {len(checked.rows)} 题（新增 {summary['create']}，更新 {summary['update']}），"
            f"课后小测关联 {summary['linked']} 条"
            + (f"，{skipped} 条课时链接因课时不存在而跳过" if skipped else "")
            + (f"；示例作答 {taken} 份" if taken else "")
        )


@transaction.atomic
def _load_quizzes() -> None:
    areas = {area.code: area for area in BusinessArea.objects.all()}

    fixed, _ = Quiz.objects.update_or_create(
        title="社保医保业务测验（示例）",
        defaults={
            "description": "社保卡、城乡居民养老保险、城乡居民医保与长期护理保险的综合测验，固定试卷，每题 10 分。",
            "paper_kind": PaperKind.FIXED,
            "time_limit_seconds": 15 * 60,
            "max_attempts": 3,
            "pass_ratio": 0.6,
            "is_demo": True,
        },
    )
    picks = list(
        Question.objects.filter(area__code__in=["social-security", "medical-insurance"]).order_by(
            "area__sort_order", "id"
        )[::3][:10]
    )
    for order, question in enumerate(picks):
        QuizQuestion.objects.get_or_create(quiz=fixed, question=question, defaults={"sort_order": order, "points": 10})

    quick, _ = Quiz.objects.update_or_create(
        title="跨省通办快速测（示例）",
        defaults={
            "description": "五道题、三分钟，体验倒计时和自动交卷。",
            "paper_kind": PaperKind.FIXED,
            "time_limit_seconds": 3 * 60,
            "max_attempts": 0,
            "pass_ratio": 0.6,
            "is_demo": True,
        },
    )
    for order, question in enumerate(Question.objects.filter(area__code="yrd-cross-province").order_by("id")[:5]):
        QuizQuestion.objects.get_or_create(quiz=quick, question=question, defaults={"sort_order": order, "points": 20})

    drawn, _ = Quiz.objects.update_or_create(
        title="窗口服务规范月考（示例·规则组卷）",
        defaults={
            "description": (
                "每次作答按规则从题库随机抽题（组卷）：服务规范 6 题、数字政务 2 题、跨省通办 2 题，题目与选项乱序。"
            ),
            "paper_kind": PaperKind.RULES,
            "time_limit_seconds": 20 * 60,
            "max_attempts": 0,
            "shuffle_questions": True,
            "shuffle_options": True,
            "pass_ratio": 0.8,
            "is_demo": True,
        },
    )
    if not drawn.rules.exists():
        rules = [
            ("service-etiquette", QuestionKind.SINGLE, 1, 3, 4),
            ("service-etiquette", QuestionKind.TRUE_FALSE, 1, 5, 2),
            ("digital-services", "", 1, 5, 2),
            ("yrd-cross-province", "", 1, 5, 2),
        ]
        for order, (code, kind, low, high, count) in enumerate(rules):
            if code in areas:
                PaperRule.objects.create(
                    quiz=drawn,
                    area=areas[code],
                    kind=kind,
                    min_difficulty=low,
                    max_difficulty=high,
                    count=count,
                    points=10,
                    sort_order=order,
                )


# Twelve demo clerks (not staff01, whose own pages start fresh) took the fixed demo exam in the
# past days, so the statistics page and the 纠错 queue have something to show.
SAMPLE_PEOPLE = [f"staff{n:02d}" for n in range(2, 14)]
SAMPLE_REPORTS = [
    ("staff03", "解析里写的办理时限和窗口张贴的办事指南不一致，麻烦核实一下。（示例内容）"),
    ("staff07", "我们窗口现在的做法和这道题的答案不一样，是不是有新的口径？请核实。（示例内容）"),
]


def _load_sample_results() -> int:
    """Played through the exam services (start, submit), like a real sitting; once only."""
    quiz = Quiz.objects.filter(title="社保医保业务测验（示例）").first()
    people = list(get_user_model().objects.filter(username__in=SAMPLE_PEOPLE).order_by("username"))
    if quiz is None or not people or Attempt.objects.filter(quiz=quiz, person__in=people).exists():
        return 0
    rng = random.Random(2026)
    now = timezone.now()
    for index, person in enumerate(people):
        ability = 0.35 + 0.05 * index  # 0.35 .. 0.9: a spread, so the upper and lower groups differ
        at = now - timedelta(days=1 + index % 5, hours=rng.randint(1, 6))
        attempt = start_exam(person=person, quiz=quiz, at=at, rng=rng)
        answers = {}
        for item in attempt.items.select_related("question"):
            difficulty = item.question.difficulty if item.question else 2
            right = rng.random() < ability - 0.08 * (difficulty - 2)
            answers[item.position] = _answer(item.snapshot, right=right, rng=rng)
        submit_exam(attempt=attempt, answers=answers, at=at + timedelta(minutes=rng.randint(6, 14)))
    items = {i.question_id: i for i in Attempt.objects.filter(quiz=quiz).first().items.all()}
    reporters = get_user_model().objects.in_bulk([u for u, _ in SAMPLE_REPORTS], field_name="username")
    for (username, text), item in zip(SAMPLE_REPORTS, list(items.values())[:2], strict=False):
        if username in reporters:
            QuestionReport.objects.create(
                question_id=item.question_id,
                reporter=reporters[username],
                question_version=item.question_version,
                text=text,
                created_at=now - timedelta(hours=3),
            )
    return len(people)


def _answer(snapshot: dict, *, right: bool, rng: random.Random) -> list[str]:
    if snapshot["kind"] == QuestionKind.FILL_BLANK:
        return [snapshot["accepted_answers"][0] if right else "不清楚"]
    correct = [o["label"] for o in snapshot["options"] if o["is_correct"]]
    wrong = [o["label"] for o in snapshot["options"] if not o["is_correct"]]
    if right:
        return correct
    if snapshot["kind"] == QuestionKind.MULTIPLE and rng.random() < 0.5:
        return correct[:1]  # 少选
    return [rng.choice(wrong)] if wrong else []
