"""Reads for training: the catalogue with a person's progress, search, 继续学习, team completion."""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can_edit_content, can_follow_learning, people_visible_to, teams_visible_to

from .models import BusinessArea, Lesson, LessonProgress
from .rendering import plain_text


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    LEARNED = "learned"


STATUS_LABELS = {Status.NOT_STARTED: _("未开始"), Status.IN_PROGRESS: _("学习中"), Status.LEARNED: _("已学完")}


def status_of(progress: LessonProgress | None) -> Status:
    if progress is None:
        return Status.NOT_STARTED
    return Status.LEARNED if progress.completed_at else Status.IN_PROGRESS


def lessons_for(user) -> QuerySet[Lesson]:
    """Lessons the user may open: the published ones; content admins also see drafts."""
    lessons = Lesson.objects.select_related("course__area")
    return lessons if can_edit_content(user) else lessons.filter(is_published=True)


# A lesson's text, its sanitized HTML and its search text are most of its row; lists, cards and
# neighbours show titles and sections only, so they leave these columns in the database.
TEXT_COLUMNS = ("body_markdown", "body_html", "search_text")
# The catalogue shows a title, minutes and flags a row: the JSON columns (decoded per row) stay behind too.
LIST_DEFERRED = (*TEXT_COLUMNS, "key_points", "sections")


def progress_by_lesson(person) -> dict[int, LessonProgress]:
    return {p.lesson_id: p for p in LessonProgress.objects.filter(person=person)}


def lesson_url(lesson: Lesson, section: str = "") -> str:
    url = reverse("training:lesson", args=[lesson.pk])
    return f"{url}#{section}" if section else url


# --- The catalogue: areas → courses → lessons, with my status -------------------------------------


@dataclass
class LessonRow:
    lesson: Lesson
    status: Status
    progress: LessonProgress | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class CourseBlock:
    course: object
    lessons: list[LessonRow] = field(default_factory=list)

    @property
    def learned(self) -> int:
        return sum(row.status == Status.LEARNED for row in self.lessons)


@dataclass
class AreaBlock:
    area: BusinessArea
    courses: list[CourseBlock] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(c.lessons) for c in self.courses)

    @property
    def learned(self) -> int:
        return sum(c.learned for c in self.courses)

    @property
    def percent(self) -> int:
        return round(100 * self.learned / self.total) if self.total else 0


def catalogue(*, person, area_code: str = "") -> list[AreaBlock]:
    lessons = (
        lessons_for(person)
        .defer(*LIST_DEFERRED)
        .order_by("course__area__sort_order", "course__sort_order", "course_id", "sort_order")
    )
    if area_code:
        lessons = lessons.filter(course__area__code=area_code)
    progress = progress_by_lesson(person)
    areas: dict[int, AreaBlock] = {}
    for lesson in lessons:
        course = lesson.course
        block = areas.setdefault(course.area_id, AreaBlock(area=course.area))
        if not block.courses or block.courses[-1].course.pk != course.pk:
            block.courses.append(CourseBlock(course=course))
        found = progress.get(lesson.pk)
        block.courses[-1].lessons.append(LessonRow(lesson=lesson, status=status_of(found), progress=found))
    return list(areas.values())


def areas_with_lessons() -> QuerySet[BusinessArea]:
    return BusinessArea.objects.filter(courses__lessons__is_published=True).distinct()


# --- Search --------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    row: LessonRow
    before: str
    match: str
    after: str


SNIPPET_CONTEXT = 30


def search(*, person, query: str, limit: int = 50) -> list[SearchHit]:
    """Substring search over titles, key points and text. Fine for a center's few hundred lessons;
    docs/training.md says what replaces it at scale."""
    query = query.strip()
    if not query:
        return []
    lessons = (
        lessons_for(person)
        .filter(Q(search_text__icontains=query) | Q(course__title__icontains=query))
        .order_by("course__area__sort_order", "course__sort_order", "sort_order")[:limit]
    )
    progress = progress_by_lesson(person)
    hits = []
    for lesson in lessons:
        found = progress.get(lesson.pk)
        row = LessonRow(lesson=lesson, status=status_of(found), progress=found)
        hits.append(SearchHit(row, *_snippet(plain_text(lesson.body_html), query)))
    return hits


def _snippet(text: str, query: str) -> tuple[str, str, str]:
    at = text.lower().find(query.lower())
    if at < 0:
        return text[: SNIPPET_CONTEXT * 2] + ("…" if len(text) > SNIPPET_CONTEXT * 2 else ""), "", ""
    start, end = max(0, at - SNIPPET_CONTEXT), at + len(query)
    before = ("…" if start else "") + text[start:at]
    after = text[end : end + SNIPPET_CONTEXT] + ("…" if end + SNIPPET_CONTEXT < len(text) else "")
    return before, text[at:end], after


# --- 继续学习 -------------------------------------------------------------------------------------


@dataclass
class ContinueCard:
    lesson: Lesson
    url: str
    section_title: str
    resuming: bool  # False: nothing in progress, this is the next lesson to start


def continue_learning(*, person) -> ContinueCard | None:
    """The lesson and section where the person stopped (their most recent unfinished lesson),
    else the first lesson they have not started."""
    last = (
        LessonProgress.objects.filter(person=person, completed_at__isnull=True, lesson__in=lessons_for(person))
        .select_related("lesson__course__area")
        .defer(*(f"lesson__{column}" for column in TEXT_COLUMNS))
        .order_by("-last_event_at")
        .first()
    )
    if last:
        lesson = last.lesson
        return ContinueCard(lesson, lesson_url(lesson, last.section), lesson.section_title(last.section), True)
    started = LessonProgress.objects.filter(person=person).values("lesson_id")
    upcoming = (
        lessons_for(person)
        .defer(*TEXT_COLUMNS)
        .exclude(pk__in=started)
        .order_by("course__area__sort_order", "course__sort_order", "sort_order")
        .first()
    )
    if upcoming:
        return ContinueCard(upcoming, lesson_url(upcoming), "", False)
    return None


def neighbours(*, lesson: Lesson, person) -> tuple[Lesson | None, Lesson | None]:
    # Only a sibling's title and link are shown: no course, area or JSON columns for each of them.
    siblings = list(
        lessons_for(person)
        .select_related(None)
        .only("pk", "title", "sort_order")
        .filter(course_id=lesson.course_id)
        .order_by("sort_order", "title")
    )
    index = next((i for i, other in enumerate(siblings) if other.pk == lesson.pk), None)
    if index is None:
        return None, None
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


# --- Team completion, for supervisors and managers -----------------------------------------------


@dataclass
class MemberProgress:
    person: object
    learned: int
    in_progress: int
    seconds: int
    last_event_at: object
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.learned / self.total) if self.total else 0

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


@dataclass
class TeamProgress:
    team: object
    members: list[MemberProgress]
    total_lessons: int

    @property
    def percent(self) -> int:
        possible = len(self.members) * self.total_lessons
        return round(100 * sum(m.learned for m in self.members) / possible) if possible else 0


def _published() -> QuerySet[Lesson]:
    return Lesson.objects.filter(is_published=True)


def _members(viewer, teams) -> QuerySet:
    # A subquery, so that the permission joins cannot multiply the progress rows counted below.
    return User.objects.filter(pk__in=people_visible_to(viewer).values("pk"), team__in=teams)


def team_progress(*, viewer, area_code: str = "") -> list[TeamProgress]:
    """Per team the viewer leads (supervisor) or oversees (manager): each member's completion."""
    lessons = _published()
    if area_code:
        lessons = lessons.filter(course__area__code=area_code)
    total = lessons.count()
    teams = list(teams_visible_to(viewer).order_by("center__name", "name"))
    people = (
        _members(viewer, teams)
        .annotate(
            learned=Count(
                "lesson_progress",
                filter=Q(lesson_progress__completed_at__isnull=False, lesson_progress__lesson__in=lessons),
            ),
            in_progress=Count(
                "lesson_progress",
                filter=Q(lesson_progress__completed_at__isnull=True, lesson_progress__lesson__in=lessons),
            ),
            seconds=Sum("lesson_progress__seconds_spent", filter=Q(lesson_progress__lesson__in=lessons)),
            last_event_at=Max("lesson_progress__last_event_at", filter=Q(lesson_progress__lesson__in=lessons)),
        )
        .order_by("full_name", "username")
    )
    by_team: dict[int, list[MemberProgress]] = {team.pk: [] for team in teams}
    for person in people:
        by_team[person.team_id].append(
            MemberProgress(person, person.learned, person.in_progress, person.seconds or 0, person.last_event_at, total)
        )
    return [TeamProgress(team, by_team[team.pk], total) for team in teams]


@dataclass
class LessonCompletion:
    lesson: Lesson
    per_team: list[tuple[int, int]]  # (learned, members) in the order of the teams


def lesson_completion_by_team(*, viewer, area_code: str = "") -> tuple[list, list[LessonCompletion]]:
    """For each lesson, how many members of each visible team have learned it."""
    teams = list(teams_visible_to(viewer).order_by("center__name", "name"))
    people = _members(viewer, teams)
    sizes = dict(people.values_list("team").annotate(n=Count("pk")).values_list("team", "n"))
    lessons = (
        _published()
        .select_related("course__area")
        .order_by("course__area__sort_order", "course__sort_order", "sort_order")
    )
    if area_code:
        lessons = lessons.filter(course__area__code=area_code)
    learned = {
        (row["lesson"], row["person__team"]): row["n"]
        for row in LessonProgress.objects.filter(completed_at__isnull=False, person__in=people, lesson__in=lessons)
        .values("lesson", "person__team")
        .annotate(n=Count("pk"))
    }
    rows = [
        LessonCompletion(lesson, [(learned.get((lesson.pk, team.pk), 0), sizes.get(team.pk, 0)) for team in teams])
        for lesson in lessons
    ]
    return teams, rows


def people_whose_learning_is_visible_to(viewer) -> QuerySet[User]:
    """Whose lesson progress the viewer may open: their own; a supervisor also their teams' members,
    a manager or content admin their center."""
    if can_follow_learning(viewer):
        return people_visible_to(viewer)
    return User.objects.filter(pk=viewer.pk, is_active=True)


def person_lessons(*, person) -> list[AreaBlock]:
    """One person's status in every published lesson (for their supervisor or manager)."""
    return catalogue(person=person)
