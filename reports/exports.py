"""The report as files for the district: .xlsx built for Excel users, and CSV.

One row per person with the team on every row (no merged cells, so filters and sorting work),
a styled header, percent formats, widths, frozen panes, the heat-map colours as conditional
formatting, an evidence sheet and a notes sheet. Text goes into string cells (lianbing.spreadsheets
.set_text), so a name like `=HYPERLINK(...)` stays text without a visible apostrophe; CSV has no
cell types, so there such text gets the apostrophe.
"""

import csv
import io
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from leaderboard.mastery import GOOD_FROM, HALF_LIFE_DAYS, MIN_RESULTS, NOT_EVIDENCE, WEAK_BELOW
from leaderboard.models import LedgerEntry
from lianbing.spreadsheets import neutralize, set_text

from .selectors import Matrix, PersonReport

EVIDENCE_LIMIT = 20000
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WEAK_FILL = PatternFill("solid", fgColor="F8D7DA")
FAIR_FILL = PatternFill("solid", fgColor="FFF3CD")
GOOD_FILL = PatternFill("solid", fgColor="D1E7DD")
PERCENT = "0%"


def _sheet(book: Workbook, title: str, header: list[str], widths: list[int], *, first: bool = False):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    for col, (name, width) in enumerate(zip(header, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=col)
        set_text(cell, name)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[1].height = 30
    return sheet


def _put(sheet, row: int, values: list, percent_cols: set[int] = frozenset()) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col)
        set_text(cell, value)
        if col in percent_cols and value is not None:
            cell.number_format = PERCENT


def _heat(sheet, first_col: int, last_col: int, last_row: int) -> None:
    """The page's colours as Excel rules on the mastery columns (blank cells stay blank)."""
    if last_row < 2 or last_col < first_col:
        return
    ref = f"{get_column_letter(first_col)}2:{get_column_letter(last_col)}{last_row}"
    weak, good = WEAK_BELOW / 100, GOOD_FROM / 100
    sheet.conditional_formatting.add(ref, CellIsRule(operator="lessThan", formula=[str(weak)], fill=WEAK_FILL))
    sheet.conditional_formatting.add(
        ref, CellIsRule(operator="between", formula=[str(weak), str(good - 0.0001)], fill=FAIR_FILL)
    )
    sheet.conditional_formatting.add(
        ref, CellIsRule(operator="greaterThanOrEqual", formula=[str(good)], fill=GOOD_FILL)
    )


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value / 100, 3)


def matrix_workbook(matrix: Matrix, *, title: str, evidence_people: list[int], since: datetime | None) -> bytes:
    book = Workbook()
    areas = [area.name for area in matrix.areas]
    people = _sheet(
        book,
        "个人×业务条线",
        ["班组", "姓名", "工号", *areas, "成绩条数", "好评率", "评价条数"],
        [16, 12, 12, *[12] * len(areas), 10, 10, 10],
        first=True,
    )
    first_area, last_area = 4, 3 + len(areas)
    percent_cols = set(range(first_area, last_area + 1)) | {last_area + 2}
    for r, row in enumerate(matrix.people, start=2):
        _put(
            people,
            r,
            [
                row.team,
                row.name,
                row.username,
                *[_ratio(c.mastery) for c in row.cells],
                row.results,
                row.good_rate,
                row.ratings,
            ],
            percent_cols,
        )
    people.freeze_panes = "D2"
    people.auto_filter.ref = f"A1:{get_column_letter(last_area + 3)}{max(1, len(matrix.people) + 1)}"
    _heat(people, first_area, last_area, len(matrix.people) + 1)

    teams = _sheet(book, "班组×业务条线", ["班组", "人数", *areas], [16, 8, *[12] * len(areas)])
    for r, row in enumerate(matrix.teams, start=2):
        _put(teams, r, [row.team, row.members, *[_ratio(c.mastery) for c in row.cells]], set(range(3, 3 + len(areas))))
    teams.freeze_panes = "C2"
    _heat(teams, 3, 2 + len(areas), len(matrix.teams) + 1)

    summary = _sheet(
        book,
        "业务条线汇总",
        ["业务条线", "平均掌握度", "有成绩人数", "暂无成绩人数", "薄弱人数", "证据不足人数", "成绩条数"],
        [18, 12, 12, 12, 10, 12, 10],
    )
    for r, row in enumerate(matrix.summary, start=2):
        _put(
            summary,
            r,
            [
                row["area"].name,
                _ratio(row["average"]),
                row["people"],
                row["untried"],
                row["weak"],
                row["thin"],
                row["results"],
            ],
            {2},
        )
    summary.freeze_panes = "B2"
    _heat(summary, 2, 2, len(matrix.summary) + 1)

    _evidence_sheet(book, person_ids=evidence_people, since=since)
    _notes_sheet(book, title=title)
    return _save(book)


def _evidence_sheet(book: Workbook, *, person_ids: list[int], since: datetime | None) -> None:
    sheet = _sheet(
        book,
        "证据",
        ["班组", "姓名", "工号", "业务条线", "活动类型", "标题", "时间", "得分率"],
        [16, 12, 12, 16, 10, 30, 18, 10],
    )
    rows = LedgerEntry.objects.filter(person_id__in=person_ids).exclude(activity_kind__in=NOT_EVIDENCE)
    if since is not None:
        rows = rows.filter(occurred_at__gte=since)
    values = rows.order_by("-occurred_at").values_list(
        "person__team__name",
        "person__full_name",
        "person__username",
        "area__name",
        "activity_kind",
        "title",
        "occurred_at",
        "score_ratio",
    )[:EVIDENCE_LIMIT]
    labels = dict(LedgerEntry._meta.get_field("activity_kind").choices)
    for r, (team, name, username, area, kind, title, at, ratio) in enumerate(values.iterator(chunk_size=2000), start=2):
        _put(
            sheet,
            r,
            [team or "—", name or username, username, area, str(labels.get(kind, kind)), title, None, ratio],
            {8},
        )
        cell = sheet.cell(row=r, column=7, value=timezone.localtime(at).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "C2"
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(str(v) for v in labels.values()) + '"', allow_blank=True
    )
    sheet.add_data_validation(kinds)
    kinds.add("E2:E1048576")


def _notes_sheet(book: Workbook, *, title: str) -> None:
    sheet = _sheet(book, "说明", ["说明"], [110])
    notes = [
        title,
        f"掌握度：每个业务条线全部成绩的加权平均得分率（0–100%），"
        f"越近的成绩权重越高，权重每 {HALF_LIFE_DAYS:g} 天减半。",
        f"颜色：低于 {WEAK_BELOW}% 为薄弱（红），{GOOD_FROM}% 及以上为良好（绿），其间为一般（黄）。",
        f"空白表示暂无成绩（不等于薄弱）；成绩少于 {MIN_RESULTS} 条时页面上标注“证据不足”。",
        "班组×业务条线：班组成员掌握度的平均值，每位有成绩的成员计一次。",
        "好评率：好差评中“非常满意、满意、基本满意”所占比例。",
        f"证据：该时段内的成绩记录，最多 {EVIDENCE_LIMIT} 条（最新的在前）。",
    ]
    for r, text in enumerate(notes, start=2):
        set_text(sheet.cell(row=r, column=1), text)


def person_workbook(report: PersonReport, *, title: str) -> bytes:
    book = Workbook()
    sheet = _sheet(
        book, "掌握度", ["业务条线", "掌握度", "成绩条数", "好评率", "评价条数"], [18, 10, 10, 10, 10], first=True
    )
    for r, (area, cell, (rate, n)) in enumerate(report.areas, start=2):
        _put(sheet, r, [area.name, _ratio(cell.mastery), cell.results, rate, n], {2, 4})
    sheet.freeze_panes = "B2"
    _heat(sheet, 2, 2, len(report.areas) + 1)
    recent = _sheet(book, "近期成绩", ["时间", "业务条线", "活动类型", "标题", "得分率"], [18, 16, 10, 30, 10])
    for r, entry in enumerate(report.recent, start=2):
        _put(
            recent,
            r,
            [None, entry.area.name, str(entry.get_activity_kind_display()), entry.title, entry.score_ratio],
            {5},
        )
        recent.cell(
            row=r, column=1, value=timezone.localtime(entry.occurred_at).replace(tzinfo=None)
        ).number_format = "yyyy-mm-dd hh:mm"
    _notes_sheet(book, title=title)
    return _save(book)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def matrix_csv(matrix: Matrix) -> bytes:
    """The person sheet as CSV (UTF-8 with a BOM so Excel opens it), formula-like text quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["班组", "姓名", "工号", *[a.name for a in matrix.areas], "成绩条数", "好评率"])
    for row in matrix.people:
        writer.writerow(
            [
                neutralize(row.team),
                neutralize(row.name),
                neutralize(row.username),
                *["" if c.mastery is None else f"{c.mastery:.1f}" for c in row.cells],
                row.results,
                "" if row.good_rate is None else f"{row.good_rate * 100:.1f}%",
            ]
        )
    return out.getvalue().encode("utf-8-sig")
