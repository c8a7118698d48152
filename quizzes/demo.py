"""Demo question bank and exams (idempotent).

The bank is content/questions/demo_bank.csv, imported through the same service a center's
content admin uses (services.bank_io). Lesson links (关联课时) are made for the lessons that
exist; when the training demo has not loaded a lesson, that link is skipped and counted, never
an error here (a center's own import reports an unknown lesson as a row error).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from training.models import BusinessArea

from .models import PaperKind, PaperRule, Question, QuestionKind, Quiz, QuizQuestion
from .services.bank_io import import_bank_file

BANK_FILE = settings.BASE_DIR / "content" / "questions" / "demo_bank.csv"


def load(stdout=None) -> None:
    checked, summary = import_bank_file(filename=BANK_FILE.name, data=BANK_FILE.read_bytes(), skip_unknown_lessons=True)
    if not checked.ok:
        problems = "; ".join(f"{error.row or '-'}: {error.message}" for error in checked.errors[:10])
        raise CommandError(f"quizzes: demo bank is invalid: {problems}")
    _load_quizzes()
    if stdout:
        skipped = len(checked.skipped_lessons)
        stdout.write(
            f"quizzes: 题库 {len(checked.rows)} 题（新增 {summary['create']}，更新 {summary['update']}），"
            f"课后小测关联 {summary['linked']} 条" + (f"，{skipped} 条课时链接因课时不存在而跳过" if skipped else "")
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
