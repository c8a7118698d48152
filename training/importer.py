"""Import lessons from a folder of Markdown files with YAML front matter (all or nothing).

A file looks like this (docs/training.md lists every key):

    ---
    slug: ss-card-replace
    area: social-security
    course: ss-card
    course_title: 社保卡业务
    title: 社保卡挂失与补换
    order: 2
    key_points: [挂失后补卡, 本人有效身份证件]
    difficult: false
    reading_minutes: 6
    ---
    ## 第一节 ...

Every file is checked before anything is written; one bad file and nothing changes, and the
report names every bad file with its reason. Lessons and courses are matched by slug, so
importing the same folder again updates them and never duplicates them.
"""

import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import safe_yaml
from .models import BusinessArea, Course, Lesson

REQUIRED_KEYS = {"area", "course", "title"}
OPTIONAL_KEYS = {
    "slug",
    "course_title",
    "course_description",
    "course_order",
    "order",
    "key_points",
    "difficult",
    "reading_minutes",
    "published",
    "demo",
}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)(.*)\Z", re.DOTALL)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class ImportFailed(Exception):
    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class LessonFile:
    path: str
    slug: str
    area_code: str
    course_slug: str
    course_title: str
    course_description: str
    course_order: int | None
    title: str
    order: int
    key_points: list[str]
    difficult: bool
    reading_minutes: int
    published: bool
    demo: bool
    body: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    courses_created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("新增 %(c)d 个课时，更新 %(u)d 个，未变 %(n)d 个；新增课程 %(k)d 门") % {
            "c": len(self.created),
            "u": len(self.updated),
            "n": len(self.unchanged),
            "k": len(self.courses_created),
        }


def import_folder(folder: Path | str, *, dry_run: bool = False) -> ImportReport:
    """Check every *.md file under folder, then write them all in one transaction."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImportFailed([FileError(str(folder), _("不是一个文件夹"))])
    paths = sorted(p for p in folder.rglob("*.md") if not p.name.startswith((".", "_")) and p.name != "README.md")
    if not paths:
        raise ImportFailed([FileError(str(folder), _("文件夹里没有 .md 课时文件"))])
    files, errors = [], []
    for path in paths:
        name = str(path.relative_to(folder))
        try:
            files.append(parse_file(name, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            errors.append(FileError(name, _("不是 UTF-8 编码的文本")))
        except ValueError as error:
            errors.append(FileError(name, str(error)))
    errors += _check_together(files)
    if errors:
        raise ImportFailed(_one_per_file(errors))
    with transaction.atomic():
        report = _write(files)
        if dry_run:
            transaction.set_rollback(True)
    return report


# An upload in the admin: a center's lesson pack is a few hundred small Markdown files at most.
ZIP_MAX_FILES = 1000
ZIP_MAX_BYTES = 20 * 1024 * 1024


def import_zip(upload, *, dry_run: bool = False) -> ImportReport:
    """The same import for a .zip of Markdown files uploaded in the admin (all or nothing).

    Only the *.md members are unpacked, into a temporary folder; a member whose path leaves the
    folder (absolute, or with ..) is refused, and so is a pack that unpacks to more than
    ZIP_MAX_BYTES (a zip bomb), before anything is written."""
    name = getattr(upload, "name", "") or "upload.zip"
    if _size_of(upload) > ZIP_MAX_BYTES:  # packed bigger than a pack may unpack to: padding, not lessons
        raise ImportFailed([FileError(name, _("压缩包过大：最多 %(n)d 个文件、解压后 20 MB") % {"n": ZIP_MAX_FILES})])
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError):
        raise ImportFailed([FileError(name, _("不是有效的 .zip 文件"))]) from None
    with archive, tempfile.TemporaryDirectory(prefix="lessons-") as folder:
        members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".md")]
        unsafe = [m.filename for m in members if _leaves_folder(m.filename)]
        if unsafe:
            raise ImportFailed([FileError(f, _("路径不安全（绝对路径或含 ..）")) for f in unsafe])
        if not members:
            raise ImportFailed([FileError(name, _("压缩包里没有 .md 课时文件"))])
        too_big = ImportFailed(
            [FileError(name, _("压缩包过大：最多 %(n)d 个文件、解压后 20 MB") % {"n": ZIP_MAX_FILES})]
        )
        if len(members) > ZIP_MAX_FILES:
            raise too_big
        unpacked = 0
        for member in members:
            with archive.open(member) as source:
                data = source.read(ZIP_MAX_BYTES + 1 - unpacked)  # the sizes in the zip directory can lie
            unpacked += len(data)
            if unpacked > ZIP_MAX_BYTES:
                raise too_big
            target = Path(folder, *PurePosixPath(member.filename.replace("\\", "/")).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return import_folder(folder, dry_run=dry_run)


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:  # a plain file object
        position = upload.seek(0, 2)
        upload.seek(0)
        return position
    return size


def _leaves_folder(member: str) -> bool:
    path = PurePosixPath(member.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in member


# As much as the admin preview accepts: a lesson is read in minutes, not hours.
LESSON_MAX_CHARS = 100_000


def parse_file(name: str, text: str) -> LessonFile:
    """One file's front matter and body, or ValueError with the reason in Chinese."""
    if len(text) > LESSON_MAX_CHARS:
        raise ValueError(_("课时文件超过 %(n)s 个字符，请拆成几个课时") % {"n": LESSON_MAX_CHARS})
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise ValueError(_("缺少文件开头由 --- 包围的 front matter"))
    try:
        meta = safe_yaml.load(match.group(1))
    except yaml.YAMLError as error:
        raise ValueError(_("front matter 不是有效的 YAML：%(e)s") % {"e": str(error).splitlines()[0]}) from None
    if not isinstance(meta, dict):
        raise ValueError(_("front matter 应是“键: 值”的列表"))
    missing = sorted(REQUIRED_KEYS - meta.keys())
    if missing:
        raise ValueError(_("缺少字段：%(keys)s") % {"keys": ", ".join(missing)})
    unknown = sorted(set(meta) - REQUIRED_KEYS - OPTIONAL_KEYS)
    if unknown:
        raise ValueError(_("未知字段：%(keys)s") % {"keys": ", ".join(map(str, unknown))})
    body = match.group(2).strip()
    if not body:
        raise ValueError(_("正文为空"))
    slug = str(meta.get("slug") or slugify(Path(name).stem))
    for key, value in (("slug", slug), ("area", meta["area"]), ("course", meta["course"])):
        if not isinstance(value, str) or not _SLUG.match(value):
            raise ValueError(_("%(key)s 只能由字母、数字、- 和 _ 组成：%(value)r") % {"key": key, "value": value})
    key_points = meta.get("key_points") or []
    if not isinstance(key_points, list) or not all(isinstance(p, str) and p.strip() for p in key_points):
        raise ValueError(_("key_points 应是文字列表"))
    return LessonFile(
        path=name,
        slug=slug,
        area_code=meta["area"],
        course_slug=meta["course"],
        course_title=_text(meta, "course_title", 100),
        course_description=_text(meta, "course_description", 300),
        course_order=_integer(meta, "course_order", None, 0, 1000),
        title=_text(meta, "title", 120, required=True),
        order=_integer(meta, "order", 0, 0, 1000),
        key_points=[p.strip() for p in key_points],
        difficult=_boolean(meta, "difficult"),
        reading_minutes=_integer(meta, "reading_minutes", 5, 1, 60),
        published=_boolean(meta, "published", True),
        demo=_boolean(meta, "demo"),
        body=body,
    )


def _text(meta: dict, key: str, max_length: int, required: bool = False) -> str:
    value = meta.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(_("%(key)s 不能为空") % {"key": key})
        return ""
    value = str(value).strip()
    if len(value) > max_length:
        raise ValueError(_("%(key)s 超过 %(n)d 个字") % {"key": key, "n": max_length})
    return value


def _integer(meta: dict, key: str, default, low: int, high: int):
    value = meta.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(_("%(key)s 应是 %(low)d 到 %(high)d 之间的整数") % {"key": key, "low": low, "high": high})
    return value


def _boolean(meta: dict, key: str, default: bool = False) -> bool:
    value = meta.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(_("%(key)s 应是 true 或 false") % {"key": key})
    return value


def _check_together(files: list[LessonFile]) -> list[FileError]:
    """Rules across files and against the database: known areas, one slug per file, one course per area."""
    errors = []
    areas = set(BusinessArea.objects.values_list("code", flat=True))
    existing_courses = dict(Course.objects.values_list("slug", "area__code"))
    seen_slugs: dict[str, str] = {}
    course_area: dict[str, tuple[str, str]] = {}
    course_titles: dict[str, tuple[str, str]] = {}
    for f in files:
        if f.area_code not in areas:
            errors.append(FileError(f.path, _("业务条线 %(code)s 不存在") % {"code": f.area_code}))
        if f.slug in seen_slugs:
            errors.append(
                FileError(f.path, _("slug %(slug)s 与 %(other)s 重复") % {"slug": f.slug, "other": seen_slugs[f.slug]})
            )
        seen_slugs.setdefault(f.slug, f.path)
        area_of_course = existing_courses.get(f.course_slug)
        if area_of_course and area_of_course != f.area_code:
            errors.append(
                FileError(
                    f.path,
                    _("课程 %(course)s 属于业务条线 %(area)s，不是 %(given)s")
                    % {"course": f.course_slug, "area": area_of_course, "given": f.area_code},
                )
            )
        first = course_area.setdefault(f.course_slug, (f.area_code, f.path))
        if first[0] != f.area_code:
            errors.append(
                FileError(
                    f.path,
                    _("课程 %(course)s 在 %(other)s 中属于 %(area)s")
                    % {"course": f.course_slug, "other": first[1], "area": first[0]},
                )
            )
        if f.course_title:
            title = course_titles.setdefault(f.course_slug, (f.course_title, f.path))
            if title[0] != f.course_title:
                errors.append(
                    FileError(
                        f.path,
                        _("课程 %(course)s 的标题与 %(other)s 不一致") % {"course": f.course_slug, "other": title[1]},
                    )
                )
    for f in files:
        if f.course_slug not in existing_courses and f.course_slug not in course_titles:
            errors.append(FileError(f.path, _("新课程 %(course)s 需要 course_title") % {"course": f.course_slug}))
    return errors


def _one_per_file(errors: list[FileError]) -> list[FileError]:
    reasons: dict[str, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.path, []).append(error.reason)
    return [FileError(path, "；".join(reasons[path])) for path in sorted(reasons)]


def _write(files: list[LessonFile]) -> ImportReport:
    report = ImportReport()
    areas = {a.code: a for a in BusinessArea.objects.all()}
    courses: dict[str, Course] = {}
    for f in files:
        course = courses.get(f.course_slug)
        if course is None:
            course, created = Course.objects.get_or_create(
                slug=f.course_slug,
                defaults={"area": areas[f.area_code], "title": f.course_title, "sort_order": f.course_order or 0},
            )
            if created:
                report.courses_created.append(course.slug)
            courses[course.slug] = course
        changes = {
            "title": f.course_title or course.title,
            "description": f.course_description or course.description,
            "sort_order": course.sort_order if f.course_order is None else f.course_order,
        }
        if any(getattr(course, k) != v for k, v in changes.items()):
            for k, v in changes.items():
                setattr(course, k, v)
            course.save()
        _write_lesson(f, course, report)
    return report


def _write_lesson(f: LessonFile, course: Course, report: ImportReport) -> None:
    values = {
        "course": course,
        "title": f.title,
        "sort_order": f.order,
        "body_markdown": f.body,
        "key_points": f.key_points,
        "is_difficult": f.difficult,
        "reading_minutes": f.reading_minutes,
        "is_published": f.published,
        "is_demo": f.demo,
    }
    lesson = Lesson.objects.filter(slug=f.slug).first()
    if lesson is None:
        Lesson.objects.create(slug=f.slug, **values)
        report.created.append(f.slug)
    elif any(getattr(lesson, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(lesson, k, v)
        lesson.save()
        report.updated.append(f.slug)
    else:
        report.unchanged.append(f.slug)
