"""Small factories for courses and lessons."""

import itertools

from tests.conftest import make_area
from training.models import Course, Lesson

_seq = itertools.count(1)

BODY = """## 第一节 谁可以办

本市户籍居民。

## 第二节 材料清单

- 本人有效身份证件

## 第三节 办理流程

1. 核验身份
2. 一次告知
"""


def make_course(area=None, title: str | None = None, sort_order: int = 0) -> Course:
    n = next(_seq)
    return Course.objects.create(
        area=area or make_area(), slug=f"course-{n}", title=title or f"课程{n}", sort_order=sort_order
    )


def make_lesson(course=None, *, title: str | None = None, body: str = BODY, sort_order: int = 0, **fields) -> Lesson:
    n = next(_seq)
    return Lesson.objects.create(
        course=course or make_course(),
        slug=fields.pop("slug", f"lesson-{n}"),
        title=title or f"课时{n}",
        body_markdown=body,
        sort_order=sort_order,
        **fields,
    )
