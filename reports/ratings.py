"""好差评: import the resident ratings file of the 好差评 system, and read 好评率 beside mastery.

The file (.xlsx or .csv, one row per rating, 一事一评价) has the columns in COLUMNS. A clerk is
matched by 工号 = their login name in 练兵 (the key the district's systems share); when the row also
gives 姓名 it must be that person's name, which catches a wrong 工号. Like the question-bank import:
every row is checked first and the errors are listed per row; only a file without errors is kept
for the preview, and confirming writes all of it in one transaction. Re-importing rows already
imported (the same 评价编号, or without one the same content) skips them, so nothing counts twice.
"""

import hashlib
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User
from lianbing.spreadsheets import unneutralize
from training.models import BusinessArea

from .models import GOOD_FROM_LEVEL, RatingImport, RatingLevel, ResidentRating

COL_DATE, COL_KEY, COL_NAME, COL_MATTER, COL_AREA = "评价日期", "工号", "姓名", "办理事项", "业务条线"
COL_LEVEL, COL_REASON, COL_ID = "评价", "差评原因", "评价编号"
COLUMNS = [COL_DATE, COL_KEY, COL_NAME, COL_MATTER, COL_AREA, COL_LEVEL, COL_REASON, COL_ID]
REQUIRED = [COL_DATE, COL_KEY, COL_LEVEL]
LEVELS = {str(label): value for value, label in RatingLevel.choices}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
RECOMMEND_DAYS = 30  # a bad rating this recent puts the area's lessons on the clerk's home page


class RatingFileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)  # valid rows, JSON-ready
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (spreadsheet row, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _read(filename: str, data: bytes) -> pd.DataFrame:
    if not data:
        raise RatingFileError(_("文件是空的。"))
    if len(data) > MAX_BYTES:
        raise RatingFileError(_("文件过大：最大 %(mb)s MB。") % {"mb": MAX_BYTES // (1024 * 1024)})
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(info.file_size for info in archive.infolist()) > 20 * MAX_BYTES:
                    raise RatingFileError(_("文件解压后过大：请拆分后分批导入。"))
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
        elif name.endswith(".csv"):
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = data.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise RatingFileError(_("无法识别文件编码：请另存为“CSV UTF-8”或 Excel 文件后再上传。"))
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        else:
            raise RatingFileError(_("只支持 .xlsx 或 .csv 文件。"))
    except RatingFileError:
        raise
    except Exception as error:  # pandas and openpyxl raise many kinds for a broken file
        raise RatingFileError(_("文件无法读取：%(error)s") % {"error": str(error)[:200]}) from error
    frame.columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise RatingFileError(_("缺少必需的列：%(cols)s。") % {"cols": "、".join(missing)})
    if len(frame) > MAX_ROWS:
        raise RatingFileError(_("行数过多：一次最多导入 %(n)s 条。") % {"n": MAX_ROWS})
    return frame


def _parse_date(text: str) -> date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    for candidate in (text[:10], text):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    try:
        return datetime.strptime(text[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def check_file(*, center, filename: str, data: bytes) -> Checked:
    """Read and check every row against the center's people and the business areas."""
    checked = Checked()
    try:
        frame = _read(filename, data)
    except RatingFileError as error:
        checked.errors.append((None, str(error)))
        return checked
    people = {u.username: u for u in User.objects.filter(center=center, is_active=True)}
    areas = {}
    for area in BusinessArea.objects.all():
        areas[area.name] = area
        areas[area.code] = area
    seen: Counter = Counter()
    for index, record in enumerate(frame.to_dict("records")):
        number = index + 2
        values = {c: unneutralize(str(record.get(c, "") or "").strip()) for c in COLUMNS}
        if not any(values.values()):
            continue
        problems = []
        rated_on = _parse_date(values[COL_DATE])
        if rated_on is None:
            problems.append(_("评价日期“%(v)s”无法识别（请用 2026-03-01 这样的格式）") % {"v": values[COL_DATE]})
        person = people.get(values[COL_KEY])
        if person is None:
            problems.append(_("找不到工号为“%(v)s”的本中心人员") % {"v": values[COL_KEY]})
        elif values[COL_NAME] and values[COL_NAME] != person.full_name:
            problems.append(
                _("工号 %(key)s 是“%(name)s”，不是“%(given)s”")
                % {"key": person.username, "name": person.full_name, "given": values[COL_NAME]}
            )
        level = LEVELS.get(values[COL_LEVEL])
        if level is None:
            problems.append(
                _("评价“%(v)s”不是 %(levels)s 之一") % {"v": values[COL_LEVEL], "levels": "、".join(LEVELS)}
            )
        area = None
        if values[COL_AREA]:
            area = areas.get(values[COL_AREA])
            if area is None:
                problems.append(_("没有名为“%(v)s”的业务条线") % {"v": values[COL_AREA]})
        if problems:
            checked.errors.extend((number, message) for message in problems)
            continue
        content = "|".join(
            [
                rated_on.isoformat(),
                person.username,
                values[COL_MATTER],
                values[COL_AREA],
                str(level),
                values[COL_REASON],
            ]
        )
        seen[content] += 1  # two identical ratings on one day are two ratings: number them
        key = values[COL_ID] or "h:" + hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest()[:40]
        checked.rows.append(
            {
                "row": number,
                "rated_on": rated_on.isoformat(),
                "person_id": person.pk,
                "person": person.full_name or person.username,
                "area_id": area.pk if area else None,
                "area": area.name if area else "",
                "matter": values[COL_MATTER][:200],
                "level": level,
                "level_label": values[COL_LEVEL],
                "reason": values[COL_REASON][:500],
                "source_key": key[:80],
            }
        )
    keys = Counter(row["source_key"] for row in checked.rows)
    for row in checked.rows:
        if keys[row["source_key"]] > 1 and not row["source_key"].startswith("h:"):
            checked.errors.append((row["row"], _("评价编号 %(k)s 在文件中出现了不止一次") % {"k": row["source_key"]}))
    if not checked.rows and not checked.errors:
        checked.errors.append((None, _("文件里没有评价记录。")))
    return checked


def preview_import(*, uploaded_by, filename: str, data: bytes, at: datetime) -> tuple[Checked, RatingImport | None]:
    """Check the file; keep it for the confirmation only when every row is valid (nothing else is written)."""
    checked = check_file(center=uploaded_by.center, filename=filename, data=data)
    if not checked.ok:
        return checked, None
    upload = RatingImport.objects.create(
        uploaded_by=uploaded_by, center=uploaded_by.center, filename=filename[:200], rows=checked.rows, created_at=at
    )
    return checked, upload


def preview_counts(upload: RatingImport) -> dict[str, int]:
    existing = set(
        ResidentRating.objects.filter(
            center=upload.center, source_key__in=[r["source_key"] for r in upload.rows]
        ).values_list("source_key", flat=True)
    )
    new = [r for r in upload.rows if r["source_key"] not in existing]
    return {
        "total": len(upload.rows),
        "new": len(new),
        "known": len(upload.rows) - len(new),
        "bad": sum(1 for r in new if r["level"] < GOOD_FROM_LEVEL),
    }


@transaction.atomic
def commit_import(*, upload: RatingImport, at: datetime) -> dict[str, int]:
    """Write the checked rows, all or nothing; rows imported before are skipped (idempotent)."""
    upload = RatingImport.objects.select_for_update().get(pk=upload.pk)
    if upload.committed_at:
        return upload.summary
    counts = preview_counts(upload)
    existing = set(
        ResidentRating.objects.filter(
            center=upload.center, source_key__in=[r["source_key"] for r in upload.rows]
        ).values_list("source_key", flat=True)
    )
    ResidentRating.objects.bulk_create(
        ResidentRating(
            center=upload.center,
            person_id=row["person_id"],
            area_id=row["area_id"],
            rated_on=date.fromisoformat(row["rated_on"]),
            matter=row["matter"],
            level=row["level"],
            reason=row["reason"],
            source_key=row["source_key"],
            imported_at=at,
        )
        for row in upload.rows
        if row["source_key"] not in existing
    )
    upload.committed_at, upload.summary = at, counts
    upload.save(update_fields=["committed_at", "summary"])
    return counts


# --- Reads -------------------------------------------------------------------------------------

GOOD = Q(level__gte=GOOD_FROM_LEVEL)


def _rated(person_ids, since: date | None):
    rows = ResidentRating.objects.filter(person_id__in=person_ids)
    return rows.filter(rated_on__gte=since) if since else rows


def good_rates(*, person_ids, since: date | None) -> dict[int, tuple[float, int]]:
    """{person id: (好评率 0..1, ratings)} for the people with ratings (one grouped query)."""
    grouped = (
        _rated(person_ids, since).values("person_id").order_by().annotate(n=Count("id"), good=Count("id", filter=GOOD))
    )
    return {g["person_id"]: (g["good"] / g["n"], g["n"]) for g in grouped}


def good_rate(*, person_ids, since: date | None) -> tuple[float | None, int]:
    totals = _rated(person_ids, since).aggregate(n=Count("id"), good=Count("id", filter=GOOD))
    return (totals["good"] / totals["n"] if totals["n"] else None, totals["n"])


def good_rates_by_area(*, person_id: int) -> dict[int, tuple[float, int]]:
    grouped = (
        ResidentRating.objects.filter(person_id=person_id, area__isnull=False)
        .values("area_id")
        .order_by()
        .annotate(n=Count("id"), good=Count("id", filter=GOOD))
    )
    return {g["area_id"]: (g["good"] / g["n"], g["n"]) for g in grouped}


def bad_ratings(*, person_ids, since: date | None, limit: int = 50) -> list[ResidentRating]:
    rows = _rated(person_ids, since).exclude(GOOD).select_related("person", "area")
    return list(rows.order_by("-rated_on", "-id")[:limit])


def recommended_area_ids(*, person, today: date) -> list[int]:
    """Areas of the person's bad ratings in the last RECOMMEND_DAYS days, the latest first."""
    rows = (
        ResidentRating.objects.filter(
            person=person, area__isnull=False, rated_on__gte=today - timedelta(days=RECOMMEND_DAYS)
        )
        .exclude(GOOD)
        .order_by("-rated_on", "-id")
        .values_list("area_id", flat=True)
    )
    return list(dict.fromkeys(rows))
