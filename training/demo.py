"""Demo business areas (shared/DOMAIN.md) and the demo lessons in content/lessons/ (idempotent).

The lessons go through the same import a center uses for its own content (training.importer).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import Role, User

from .importer import import_folder
from .models import Lesson, LessonProgress
from .services import complete_lesson, ensure_area, open_lesson, record_reading

AREAS = [
    ("social-security", "社会保障", "社保卡申领与补换、城乡居民养老保险"),
    ("medical-insurance", "医疗保障", "城乡居民医保登记、零星报销、长期护理保险"),
    ("civil-affairs", "民政救助", "老年综合津贴、最低生活保障"),
    ("residence-permit", "居住证", "居住登记、居住证申领与续签"),
    ("birth-population", "生育与人口", "生育登记、出生一件事"),
    ("employment", "就业", "就业与失业登记"),
    ("yrd-cross-province", "长三角跨省通办", "跨省通办专窗、异地事项代收代办"),
    ("digital-services", "随申码与数字政务", "离线码、电子证照、两个免于提交"),
    ("service-etiquette", "服务规范与礼仪", "首问负责、一次告知、限时办结、文明用语、好差评"),
]
LESSONS_FOLDER = settings.BASE_DIR / "content" / "lessons"


def load_areas() -> None:
    for order, (code, name, description) in enumerate(AREAS, start=1):
        ensure_area(code=code, name=name, description=description, sort_order=order * 10)


# How far each demo clerk (staff01, staff02, …) has got: lessons learned, and whether one is open.
LEARNED = [4, 7, 2, 9, 0, 5, 3, 11, 1, 6, 8, 2]
EVENT_EVERY = timedelta(seconds=60)  # within the heartbeat gap that counts as study time


def _study(person, lesson: Lesson, start: datetime, *, finish: bool) -> datetime:
    """Read the lesson the way the page reports it: open, each section, then (maybe) mark learned."""
    at = start
    open_lesson(person=person, lesson=lesson, at=at)
    sections = [s["anchor"] for s in lesson.sections]
    for section in sections if finish else sections[:2]:
        at += EVENT_EVERY
        record_reading(person=person, lesson=lesson, at=at, section=section)
    if finish:
        at += EVENT_EVERY
        complete_lesson(person=person, lesson=lesson, at=at)
    return at


def load_progress(*, now: datetime) -> int:
    """Demo learning for the demo clerks, so 继续学习 and the team pages have something to show.
    Goes through the same services as the lesson page; a person who already has progress is left alone."""
    lessons = list(
        Lesson.objects.filter(is_published=True, is_demo=True).order_by(
            "course__area__sort_order", "course__sort_order", "sort_order"
        )
    )
    clerks = User.objects.filter(role=Role.STAFF, username__startswith="staff", is_active=True).order_by("username")
    count = 0
    for index, clerk in enumerate(clerks):
        if not lessons or LessonProgress.objects.filter(person=clerk).exists():
            continue
        learned = LEARNED[index % len(LEARNED)]
        # Spread over the last weeks, one lesson a day or two, the open one most recently.
        at = now - timedelta(days=2 * learned + 1, hours=index)
        for lesson in lessons[:learned]:
            _study(clerk, lesson, at, finish=True)
            at += timedelta(days=2)
        if index % 3 != 2 and learned < len(lessons):  # two clerks in three stopped mid-lesson
            _study(clerk, lessons[learned], now - timedelta(hours=3 + index), finish=False)
        count += 1
    return count


def load(stdout=None) -> None:
    load_areas()
    report = import_folder(LESSONS_FOLDER)
    people = load_progress(now=timezone.now())
    if stdout:
        stdout.write(f"training: {len(AREAS)} 个业务条线；课时：{report}；{people} 人的示例学习进度")
