"""Demo scenarios: the YAML pack in content/scenarios/, loaded through the same import service a
center uses for its own scenarios; then a few runs of demo staff played through the same services
as the player, so a fresh demo has reviews, scenario points to practise and, for sup1, a live run
waiting for the rubric (idempotent: a person's run of a scenario is played once)."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .importer import import_scenarios, scenario_files
from .models import Run, Scenario
from .services import Answer, start_run, submit_answer

SCENARIO_DIR = Path(settings.BASE_DIR) / "content" / "scenarios"


def talk(key: str) -> Answer:
    return Answer(choice_key=key)


JIANG_FORM = Answer(
    values={
        "matter": "外省社保卡补换（长三角跨省通办）",
        "channel": "长三角“一网通办”跨省通办专窗",
        "delivery": "约10个工作日制卡，邮寄到家",
    }
)


@dataclass(frozen=True)
class SampleRun:
    username: str
    slug: str
    ago: timedelta  # when the run started, before now
    answers: list[tuple[Answer, int]]  # each answer with the seconds it took
    live: bool = False


SAMPLE_RUNS = [
    # 王芳 (staff01, sup1's team): 蒋阿姨 on the ideal path, then 赵女士 with the exempt papers asked for.
    SampleRun(
        "staff01",
        "jiang-ayi-anhui-ss-card",
        timedelta(days=3, hours=2),
        [
            (talk("yrd"), 18),
            (talk("one-notice"), 15),
            (Answer(ticked=["id-card", "old-card"]), 35),
            (JIANG_FORM, 55),
            (talk("mail"), 12),
        ],
    ),
    SampleRun(
        "staff01",
        "zhao-jie-two-exemptions",
        timedelta(days=1, hours=5),
        [
            (talk("check-system"), 20),
            (Answer(ticked=["id", "job", "registration"]), 42),
            (talk("sorry"), 15),
            (talk("time"), 25),
        ],
    ),
    # 李娜 (staff02): 王叔叔's 离线码 after a wrong first reply and the recovery.
    SampleRun(
        "staff02",
        "wang-shushu-offline-code",
        timedelta(days=2, hours=1),
        [
            (talk("buy-phone"), 30),
            (talk("fix"), 20),
            (Answer(ticked=["id"]), 30),
            (talk("explain-all"), 25),
        ],
    ),
    # 杨帆 (staff07, sup1's team): 出生一件事 handled department by department; the father leaves.
    SampleRun(
        "staff07",
        "li-family-birth-one-thing",
        timedelta(days=2, hours=4),
        [(talk("separately"), 25), (talk("queue"), 40)],
    ),
    # 刘洋 (staff04, sup1's team): 蒋阿姨 played live in front of sup1 an hour ago, awaiting the rubric.
    SampleRun(
        "staff04",
        "jiang-ayi-anhui-ss-card",
        timedelta(hours=1),
        [
            (talk("yrd"), 22),
            (talk("one-notice"), 18),
            (Answer(ticked=["id-card", "old-card", "photo"]), 48),
            (talk("apologize"), 14),
            (JIANG_FORM, 70),
            (talk("come-pick"), 16),
        ],
        live=True,
    ),
]


def load(stdout=None) -> None:
    report = import_scenarios(paths=scenario_files(SCENARIO_DIR))
    played = load_sample_runs(at=timezone.now())
    if stdout:
        total = len(report.created) + len(report.updated) + len(report.unchanged)
        stdout.write(f"simulations: {total} 个模拟接待场景（新增 {len(report.created)}），示例接待记录 {played} 条")


def load_sample_runs(*, at) -> int:
    """Play the sample runs that are not there yet; returns how many were played."""
    people = {u.username: u for u in get_user_model().objects.filter(username__in={s.username for s in SAMPLE_RUNS})}
    scenarios = {s.slug: s for s in Scenario.objects.filter(slug__in={s.slug for s in SAMPLE_RUNS})}
    played = 0
    for sample in SAMPLE_RUNS:
        person, scenario = people.get(sample.username), scenarios.get(sample.slug)
        if person is None or scenario is None or Run.objects.filter(person=person, scenario=scenario).exists():
            continue
        when = at - sample.ago
        run = start_run(person=person, scenario=scenario, live=sample.live, at=when)
        for answer, seconds in sample.answers:
            when += timedelta(seconds=seconds)
            result = submit_answer(run=run, turn=run.turn, answer=answer, at=when)
            if not result.accepted:
                raise RuntimeError(f"demo run {sample.username}/{sample.slug}: {result.reason}")
            run = result.run
        if run.is_active:
            raise RuntimeError(f"demo run {sample.username}/{sample.slug} did not reach an ending")
        played += 1
    return played
