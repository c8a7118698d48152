"""Demo center, teams and people (idempotent)."""

from django.conf import settings

from .models import Role
from .services import ensure_center, ensure_person, ensure_team

CENTER_NAME = "新泾镇社区事务受理服务中心（示例）"
TEAMS = ["综合受理一组", "综合受理二组", "社保医保组"]
SUPERVISORS = [("sup1", "陈建华"), ("sup2", "刘晓燕"), ("sup3", "周志强")]
STAFF_NAMES = [
    "王芳",
    "李娜",
    "张敏",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周婷",
    "吴刚",
    "徐慧",
    "孙涛",
    "胡悦",
    "朱琳",
    "高翔",
    "林晨",
    "何佳",
    "郭颖",
    "马超",
    "罗敏",
    "梁雪",
    "宋杰",
    "郑爽",
    "谢蓉",
    "韩冰",
    "唐宁",
    "冯悦",
    "于洁",
    "董浩",
    "萧雅",
]


def load(stdout=None) -> None:
    password = settings.DEMO_PASSWORD
    center = ensure_center(name=CENTER_NAME, district="长宁区")
    teams = [ensure_team(center=center, name=name) for name in TEAMS]
    for (username, name), team in zip(SUPERVISORS, teams, strict=True):
        supervisor, _ = ensure_person(
            username=username, full_name=name, role=Role.SUPERVISOR, center=center, team=team, password=password
        )
        team.supervisors.add(supervisor)
    for index, name in enumerate(STAFF_NAMES, start=1):
        ensure_person(
            username=f"staff{index:02d}",
            full_name=name,
            role=Role.STAFF,
            center=center,
            team=teams[(index - 1) % len(teams)],
            password=password,
        )
    ensure_person(username="manager", full_name="沈主任", role=Role.MANAGER, center=center, password=password)
    ensure_person(username="admin", full_name="钱老师", role=Role.ADMIN, center=center, password=password)
    if stdout:
        stdout.write(f"accounts: {center.name}, {len(teams)} 个班组, {len(STAFF_NAMES)} 名窗口人员")


def demo_accounts() -> list[dict]:
    """The accounts the login page lists in demo mode, one per role first."""
    return [
        {"username": "staff01", "label": "窗口工作人员（王芳）"},
        {"username": "sup1", "label": "班组长（陈建华）"},
        {"username": "manager", "label": "中心主任（沈主任）"},
        {"username": "admin", "label": "内容管理员（钱老师）"},
    ]
