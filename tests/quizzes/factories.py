"""Question factories shared by every app's tests (quizzes, training checks, live games)."""

import re

from django.conf import settings

from quizzes.models import Option, Question, QuestionKind
from tests.conftest import make_area


def make_question(
    area=None,
    *,
    kind: str = QuestionKind.SINGLE,
    stem: str = "社保卡补换需要携带什么？",
    options: dict[str, str] | None = None,
    correct: str = "A",
    accepted: list[str] | None = None,
    difficulty: int = 3,
    explanation: str = "本人有效身份证件即可办理。",
) -> Question:
    """correct is a string of labels ('A', 'AC'); 判断题 gets A=正确, B=错误 by default."""
    question = Question.objects.create(
        area=area or make_area(),
        kind=kind,
        stem=stem,
        difficulty=difficulty,
        explanation=explanation,
        accepted_answers=accepted or [],
    )
    if kind == QuestionKind.FILL_BLANK:
        return question
    if options is None:
        options = (
            {"A": "正确", "B": "错误"}
            if kind == QuestionKind.TRUE_FALSE
            else {"A": "本人有效身份证件", "B": "户口簿原件", "C": "单位证明", "D": "一寸照片"}
        )
    Option.objects.bulk_create(
        Option(question=question, label=label, text=text, is_correct=label in correct)
        for label, text in options.items()
    )
    return question


def make_lesson(area=None, *, title: str = "社保卡挂失与补换", questions=()):
    """A published lesson (and its course) with the given questions linked as its check."""
    from quizzes.models import LessonQuestion
    from training.models import Course, Lesson

    area = area or make_area()
    n = Course.objects.count() + Lesson.objects.count() + 1
    course = Course.objects.create(area=area, slug=f"course-{area.pk}-{n}", title="社保卡业务")
    lesson = Lesson.objects.create(course=course, slug=f"lesson-{n}", title=title, body_markdown="正文")
    for order, question in enumerate(questions):
        LessonQuestion.objects.create(lesson=lesson, question=question, sort_order=order)
    return lesson


def make_quiz(questions=(), *, title: str = "社保业务月考", points: int = 10, **fields):
    """A fixed-paper quiz over the given questions, each worth `points`."""
    from quizzes.models import Quiz, QuizQuestion

    quiz = Quiz.objects.create(title=title, **fields)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, points=points, sort_order=order)
    return quiz


def one_of_each_kind(area):
    """Four questions, one per kind, whose answers and 解析 are easy to look for in HTML."""
    return [
        make_question(area, stem="单选：社保卡补换凭什么？", explanation="解析-单选", correct="A"),
        make_question(
            area,
            kind=QuestionKind.MULTIPLE,
            stem="多选：两个免于提交指哪些材料？",
            options={"A": "本市部门核发的材料", "B": "电子证照可调取的材料", "C": "外省证明"},
            correct="AB",
            explanation="解析-多选",
        ),
        make_question(
            area,
            kind=QuestionKind.TRUE_FALSE,
            stem="判断：离线码可由代办人办理。",
            correct="A",
            explanation="解析-判断",
        ),
        make_question(
            area,
            kind=QuestionKind.FILL_BLANK,
            stem="填空：材料不全时要____告知。",
            accepted=["一次性书面"],
            explanation="解析-填空",
        ),
    ]


_PLAN = (settings.BASE_DIR / "docs" / "content-plan.md").read_text()
# The content plan's table rows: | area | `course` title | `lesson-slug` title |
PLAN_LESSONS = [(r[0], r[2]) for r in re.findall(r"^\| ([a-z-]+) \| `?([a-z-]+)`?[^|]*\| `([a-z-]+)`", _PLAN, re.M)]


def make_plan_lessons():
    """The 27 demo lessons of docs/content-plan.md (bare), for tests that need their slugs to exist."""
    from training.models import BusinessArea, Course, Lesson

    areas = {area.code: area for area in BusinessArea.objects.all()}
    for index, (area_code, slug) in enumerate(PLAN_LESSONS):
        course, _ = Course.objects.get_or_create(
            slug=f"c-{area_code}", defaults={"area": areas[area_code], "title": area_code}
        )
        if not Lesson.objects.filter(slug=slug).exists():  # training's demo may have loaded it already
            Lesson.objects.create(course=course, slug=slug, title=slug, body_markdown="x", sort_order=index)
