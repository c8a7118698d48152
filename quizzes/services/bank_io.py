"""Import and export of the question bank: validate every row, then apply all of it or nothing.

A center imports in two steps (dry-run preview, then commit); the demo loader takes the same
path in one call. A stem already in the bank updates that question (a new version when its
content changed); the same stem twice in one file is an error.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from training.models import BusinessArea, Lesson

from ..bank_format import (
    ANSWER_SEPARATORS,
    COL_ANSWER,
    COL_AREA,
    COL_DIFFICULTY,
    COL_EXPLANATION,
    COL_KIND,
    COL_LESSONS,
    COL_SOURCE,
    COL_STEM,
    FALSE_WORDS,
    KIND_NAMES,
    KIND_TITLES,
    LABELS,
    OPTION_COLUMNS,
    TRUE_WORDS,
    BankFileError,
    RawRow,
    read_bank_file,
    write_bank_file,
)
from ..models import LessonQuestion, Option, Question, QuestionImport, QuestionKind

TRUE_FALSE_OPTIONS = {"A": "正确", "B": "错误"}


@dataclass
class RowError:
    row: int | None  # None: the file as a whole
    message: str
    stem: str = ""  # the row's 题干, so the admin finds it in the file


@dataclass
class RowProblems:
    row: int | None
    stem: str
    messages: list[str]


@dataclass
class ParsedRow:
    row: int
    kind: str
    stem: str
    options: dict[str, str]
    correct: list[str]
    accepted: list[str]
    explanation: str
    difficulty: int
    area_id: int
    area_name: str
    source: str
    lessons: list[str] = field(default_factory=list)
    action: str = "create"  # create | update | unchanged

    @property
    def kind_label(self) -> str:
        return KIND_TITLES[self.kind]

    @property
    def answer_text(self) -> str:
        """The answer as the file states it: 正确/错误, option letters, or the accepted answers."""
        if self.kind == QuestionKind.TRUE_FALSE:
            return TRUE_FALSE_OPTIONS[self.correct[0]] if self.correct else ""
        if self.kind == QuestionKind.FILL_BLANK:
            return " / ".join(self.accepted)
        return "".join(self.correct)


@dataclass
class Checked:
    rows: list[ParsedRow]
    errors: list[RowError]
    skipped_lessons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_row(self) -> list[RowProblems]:
        """One entry per bad row (the file as a whole first), every problem of that row together."""
        grouped: dict[int | None, RowProblems] = {}
        for error in sorted(self.errors, key=lambda e: e.row or 0):
            entry = grouped.setdefault(error.row, RowProblems(error.row, error.stem, []))
            entry.messages.append(error.message)
        return list(grouped.values())

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts


def _split_answers(text: str) -> list[str]:
    for separator in ANSWER_SEPARATORS:
        text = text.replace(separator, "|")
    return [part.strip() for part in text.split("|") if part.strip()]


def _parse_row(raw: RawRow, areas: dict[str, BusinessArea], lessons: set[str], skip_unknown_lessons: bool):
    """One row to a ParsedRow, or the list of what is wrong with it (every problem, not just the first)."""
    v, problems = raw.values, []
    kind = KIND_NAMES.get(v["题型"].replace(" ", ""))
    if kind is None:
        problems.append(_("未知题型“%(kind)s”（可用：单选题、多选题、判断题、填空题）") % {"kind": v[COL_KIND] or "空"})
    if not v[COL_STEM]:
        problems.append(_("题干为空"))
    area = areas.get(v[COL_AREA]) or areas.get(v[COL_AREA].lower())
    if area is None:
        known = "、".join(sorted({a.name for a in areas.values()}, key=lambda name: name))
        problems.append(_("未知业务条线“%(area)s”（可用：%(known)s）") % {"area": v[COL_AREA] or "空", "known": known})
    difficulty = 3
    if v[COL_DIFFICULTY]:
        try:
            difficulty = int(float(v[COL_DIFFICULTY]))
        except ValueError:
            difficulty = 0
        if not 1 <= difficulty <= 5:
            problems.append(_("难度须为 1 到 5 的整数"))
    options, correct, accepted = {}, [], []
    answer = v[COL_ANSWER].strip()
    if not answer:
        problems.append(_("答案为空"))
    elif kind == QuestionKind.TRUE_FALSE:
        options = dict(TRUE_FALSE_OPTIONS)
        word = answer.upper()
        if word in TRUE_WORDS:
            correct = ["A"]
        elif word in FALSE_WORDS:
            correct = ["B"]
        else:
            problems.append(_("判断题答案须为“正确”或“错误”"))
    elif kind == QuestionKind.FILL_BLANK:
        accepted = _split_answers(answer)
    elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        filled = [label for label, column in zip(LABELS, OPTION_COLUMNS, strict=True) if v[column]]
        options = {label: v[column] for label, column in zip(LABELS, OPTION_COLUMNS, strict=True) if v[column]}
        if len(filled) < 2:
            problems.append(_("选择题至少需要两个选项（选项A、选项B）"))
        elif "".join(filled) != LABELS[: len(filled)]:
            problems.append(_("选项须从 A 开始连续填写"))
        letters = sorted({c for c in answer.upper() if c.isalpha()})
        stray = [c for c in answer.upper() if not (c.isalpha() or c in " ,，、;；")]
        if stray or not letters:
            problems.append(_("答案“%(answer)s”应为选项字母，如 A 或 ABD") % {"answer": answer})
        elif missing := [c for c in letters if c not in options]:
            problems.append(_("答案 %(letters)s 不在选项中") % {"letters": "、".join(missing)})
        elif kind == QuestionKind.SINGLE and len(letters) != 1:
            problems.append(_("单选题只能有一个答案"))
        elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
            problems.append(_("多选题至少有两个正确选项"))
        correct = letters
    slugs = [slug.strip() for slug in v[COL_LESSONS].replace("，", ",").split(",") if slug.strip()]
    unknown = [slug for slug in slugs if slug not in lessons]
    if unknown and not skip_unknown_lessons:
        problems.append(_("未知课时“%(slugs)s”") % {"slugs": "、".join(unknown)})
    if problems:
        return problems
    return ParsedRow(
        row=raw.number,
        kind=kind,
        stem=v[COL_STEM],
        options=options,
        correct=correct,
        accepted=accepted,
        explanation=v[COL_EXPLANATION],
        difficulty=difficulty,
        area_id=area.pk,
        area_name=area.name,
        source=v[COL_SOURCE][:200],
        lessons=[slug for slug in slugs if slug in lessons],
    ), unknown


def check_rows(raw_rows: list[RawRow], *, skip_unknown_lessons: bool = False) -> Checked:
    """Validate every row against the bank as it is now; nothing is written."""
    areas = {}
    for area in BusinessArea.objects.all():
        areas[area.name] = areas[area.code] = areas[area.code.lower()] = area
    lessons = set(Lesson.objects.values_list("slug", flat=True))
    existing = {q.stem: q for q in Question.objects.prefetch_related("options")}
    checked, seen = Checked(rows=[], errors=[]), {}
    if not raw_rows:
        checked.errors.append(RowError(None, _("文件中没有题目。")))
    for raw in raw_rows:
        result = _parse_row(raw, areas, lessons, skip_unknown_lessons)
        if isinstance(result, list):
            checked.errors += [RowError(raw.number, message, raw.values[COL_STEM]) for message in result]
            continue
        row, unknown = result
        checked.skipped_lessons += unknown
        if row.stem in seen:
            checked.errors.append(RowError(row.row, _("题干与第 %(n)s 行重复") % {"n": seen[row.stem]}, row.stem))
            continue
        seen[row.stem] = row.row
        if row.stem in existing:
            row.action = "unchanged" if _same(existing[row.stem], row) else "update"
        checked.rows.append(row)
    return checked


def _same(question: Question, row: ParsedRow) -> bool:
    options = {o.label: o.text for o in question.options.all()}
    correct = sorted(o.label for o in question.options.all() if o.is_correct)
    return (
        question.kind,
        question.area_id,
        question.difficulty,
        question.explanation,
        question.source,
        list(question.accepted_answers),
        options,
        correct,
        question.is_active,
    ) == (
        row.kind,
        row.area_id,
        row.difficulty,
        row.explanation,
        row.source,
        row.accepted,
        row.options,
        row.correct,
        True,
    )


@transaction.atomic
def apply_rows(rows: list[ParsedRow]) -> dict[str, int]:
    """Write checked rows: all in one transaction. An edited question gets a new version."""
    existing = {q.stem: q for q in Question.objects.all()}
    lessons = Lesson.objects.in_bulk([slug for row in rows for slug in row.lessons], field_name="slug")
    linked = 0
    for row in rows:
        question = existing.get(row.stem)
        if question is None:
            question = Question.objects.create(
                area_id=row.area_id,
                kind=row.kind,
                stem=row.stem,
                difficulty=row.difficulty,
                explanation=row.explanation,
                source=row.source,
                accepted_answers=row.accepted,
            )
            _write_options(question, row)
        elif row.action == "update":
            question.area_id, question.kind, question.difficulty = row.area_id, row.kind, row.difficulty
            question.explanation, question.source, question.accepted_answers = row.explanation, row.source, row.accepted
            question.is_active = True
            question.version += 1
            question.save()
            question.options.all().delete()
            _write_options(question, row)
        for slug in row.lessons:
            lesson = lessons[slug]
            _, created = LessonQuestion.objects.get_or_create(
                lesson=lesson, question=question, defaults={"sort_order": lesson.check_questions.count()}
            )
            linked += created
    return {**Checked(rows=rows, errors=[]).counts(), "linked": linked}


def _write_options(question: Question, row: ParsedRow) -> None:
    Option.objects.bulk_create(
        Option(question=question, label=label, text=text[:500], is_correct=label in row.correct)
        for label, text in row.options.items()
    )


# --- The two-step import a content admin uses -------------------------------------------


@dataclass
class Preview:
    upload: QuestionImport | None
    checked: Checked


def preview_import(*, uploaded_by, filename: str, data: bytes, at: datetime) -> Preview:
    """Dry run: read and check the file; keep it (as rows) for the commit only when it is clean."""
    try:
        raw_rows = read_bank_file(filename=filename, data=data)
    except BankFileError as error:
        return Preview(upload=None, checked=Checked(rows=[], errors=[RowError(None, str(error))]))
    checked = check_rows(raw_rows)
    upload = None
    if checked.ok:
        upload = QuestionImport.objects.create(
            uploaded_by=uploaded_by,
            filename=filename[:200],
            rows=[{"number": raw.number, "values": raw.values} for raw in raw_rows],
            created_at=at,
        )
    return Preview(upload=upload, checked=checked)


def check_upload(upload: QuestionImport) -> Checked:
    """Check a kept upload against the bank as it is now (what the preview page shows)."""
    return check_rows([RawRow(number=r["number"], values=r["values"]) for r in upload.rows])


def commit_import(*, upload: QuestionImport, at: datetime) -> Checked:
    """Apply a previewed file. It is checked again (the bank may have changed since) and applied whole."""
    if upload.committed_at:
        return Checked(rows=[], errors=[RowError(None, _("这份文件已经导入过了。"))])
    checked = check_upload(upload)
    if not checked.ok:
        return checked
    with transaction.atomic():
        locked = QuestionImport.objects.select_for_update().get(pk=upload.pk)
        if locked.committed_at:
            return Checked(rows=[], errors=[RowError(None, _("这份文件已经导入过了。"))])
        summary = apply_rows(checked.rows)
        locked.committed_at, locked.summary = at, summary
        locked.save(update_fields=["committed_at", "summary"])
    upload.refresh_from_db()
    return checked


def import_bank_file(
    *, filename: str, data: bytes, skip_unknown_lessons: bool = False, dry_run: bool = False
) -> tuple[Checked, dict]:
    """Read, check and apply in one go (the import_questions command and the demo loader). Raises
    nothing; nothing is written unless every row is valid, and nothing at all on a dry run."""
    try:
        raw_rows = read_bank_file(filename=filename, data=data)
    except BankFileError as error:
        return Checked(rows=[], errors=[RowError(None, str(error))]), {}
    checked = check_rows(raw_rows, skip_unknown_lessons=skip_unknown_lessons)
    if not checked.ok:
        return checked, {}
    if dry_run:
        return checked, checked.counts()
    return checked, apply_rows(checked.rows)


# --- Export -------------------------------------------------------------------------------


def export_bank(*, fmt: str, questions=None) -> bytes:
    """The bank in the import layout (so an export imports back unchanged), formula cells neutralised."""
    questions = questions if questions is not None else Question.objects.filter(is_active=True)
    questions = questions.select_related("area").prefetch_related("options")
    links: dict[int, list[str]] = {}
    for question_id, slug in LessonQuestion.objects.values_list("question_id", "lesson__slug").order_by("lesson__slug"):
        links.setdefault(question_id, []).append(slug)
    records = []
    for question in questions:
        options = list(question.options.all())
        if question.kind == QuestionKind.FILL_BLANK:
            answer = "|".join(question.accepted_answers)
        elif question.kind == QuestionKind.TRUE_FALSE:
            answer = "正确" if any(o.is_correct and o.label == "A" for o in options) else "错误"
        else:
            answer = "".join(o.label for o in options if o.is_correct)
        record = {
            COL_KIND: KIND_TITLES[question.kind],
            COL_STEM: question.stem,
            COL_ANSWER: answer,
            COL_EXPLANATION: question.explanation,
            COL_DIFFICULTY: question.difficulty,
            COL_AREA: question.area.name,
            COL_SOURCE: question.source,
            COL_LESSONS: ",".join(links.get(question.pk, [])),
        }
        if question.kind != QuestionKind.TRUE_FALSE:
            record |= {column: o.text for column, o in zip(OPTION_COLUMNS, options, strict=False)}
        records.append(record)
    return write_bank_file(records, fmt=fmt)
