"""Question factories shared by every app's tests (quizzes, training checks, live games)."""

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
