"""Demo business areas (shared/DOMAIN.md) and the demo lessons in content/lessons/ (idempotent).

The lessons go through the same import a center uses for its own content (training.importer).
"""

from django.conf import settings

from .importer import import_folder
from .services import ensure_area

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


def load(stdout=None) -> None:
    load_areas()
    report = import_folder(LESSONS_FOLDER)
    if stdout:
        stdout.write(f"training: {len(AREAS)} 个业务条线；课时：{report}")
