"""Demo 好差评: three months of resident ratings for the demo center's clerks, about 99% good
(the rate the 新泾镇 article in the seed material reports), loaded through the real import."""

import csv
import io
import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User

from .ratings import COLUMNS, commit_import, preview_import

DAYS = 90
MATTERS = {
    "social-security": ["社保卡补换", "城乡居民养老保险登记"],
    "medical-insurance": ["医保零星报销", "长护险申请"],
    "civil-affairs": ["老年综合津贴申请", "低保申请"],
    "residence-permit": ["居住证续签", "居住登记"],
    "birth-population": ["生育登记", "出生一件事"],
    "yrd-cross-province": ["跨省通办代收"],
}
BAD_REASONS = ["等候时间过长", "材料要求没有一次讲清", "解释政策不耐烦", "让我跑了两次"]


def _rows(manager, today) -> list[list[str]]:
    from training.models import BusinessArea

    areas = {a.code: a.name for a in BusinessArea.objects.filter(code__in=MATTERS)}
    clerks = list(User.objects.filter(center=manager.center, role=Role.STAFF, is_active=True).order_by("username"))
    rows = []
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() == 6:  # the centers open six days a week
            continue
        for clerk in clerks:
            # Seeded by clerk and day: a day's ratings are the same whenever the demo is loaded.
            rng = random.Random(f"{clerk.username}:{day.isoformat()}")
            for n in range(rng.randint(0, 3)):
                code = rng.choice(sorted(areas))
                bad = rng.random() < 0.01
                level = (
                    rng.choice(["不满意", "非常不满意"]) if bad else rng.choice(["非常满意"] * 8 + ["满意", "基本满意"])
                )
                rows.append(
                    [
                        day.isoformat(),
                        clerk.username,
                        clerk.full_name,
                        rng.choice(MATTERS[code]),
                        areas[code],
                        level,
                        rng.choice(BAD_REASONS) if bad else "",
                        f"DEMO-{clerk.username}-{day:%Y%m%d}-{n}",
                    ]
                )
    return rows


def load(stdout=None) -> None:
    manager = User.objects.filter(username="manager", role=Role.MANAGER).select_related("center").first()
    if manager is None or manager.center is None:
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    # The 评价编号 keeps re-loads idempotent: a later load adds only the days since.
    writer.writerows(_rows(manager, timezone.localdate()))
    now = timezone.now()
    checked, upload = preview_import(
        uploaded_by=manager, filename="demo-ratings.csv", data=out.getvalue().encode(), at=now
    )
    if upload is None:
        raise RuntimeError(f"demo ratings do not import: {checked.errors[:3]}")
    counts = commit_import(upload=upload, at=now)
    if stdout:
        stdout.write(f"reports: 好差评 {counts['new']} 条新增（差评 {counts['bad']} 条）")
