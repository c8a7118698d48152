"""Checks that a scenario's silence and its clock tell the truth (run by the importer).

- A timeout must not lead where the ideal reply leads, and must cost at least as much as the
  worst reply of its step: silence is neither helpful nor the safe choice.
- A time written in a text (the summary, a step's narration or prompt, a timeout's words) must be
  the limit the server really applies: "每步 1 分 30 秒" over a step of 60 s is an issue.
"""

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .graph import ScenarioSpec

DIMENSIONS = ("accuracy", "manners", "completeness")
_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = r"(\d+|[一两二三四五六七八九十])"
# Longest forms first: "1 分 30 秒", "1 分半", "1:30", "2 分钟", "半分钟", "90 秒".
DURATION = re.compile(
    rf"{_NUM}\s*分\s*(\d+)\s*秒|{_NUM}\s*分半(?:钟)?|(\d+):([0-5]\d)(?!\d)|{_NUM}\s*分钟|(半)\s*分钟|{_NUM}\s*秒(?:钟)?"
)
PER_STEP = re.compile(r"(每一?步|每个步骤|每轮)[^，。；]{0,6}$")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text]


def durations(text: str) -> list[tuple[int, int]]:
    """Every time span written in a text, in seconds, with where it starts."""
    found = []
    for match in DURATION.finditer(text or ""):
        g = match.groups()
        if g[0]:
            seconds = _number(g[0]) * 60 + int(g[1])
        elif g[2]:
            seconds = _number(g[2]) * 60 + 30
        elif g[3]:
            seconds = int(g[3]) * 60 + int(g[4])
        elif g[5]:
            seconds = _number(g[5]) * 60
        elif g[6]:
            seconds = 30
        else:
            seconds = _number(g[7])
        found.append((match.start(), seconds))
    return found


def _words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return _("%(s)s 秒") % {"s": rest}
    return _("%(m)s 分 %(s)s 秒") % {"m": minutes, "s": rest} if rest else _("%(m)s 分钟") % {"m": minutes}


def step_limit(spec: "ScenarioSpec", step) -> int:
    return step.time_limit or spec.step_time_limit


def check_timeouts_and_times(spec: "ScenarioSpec") -> list[tuple[str, str]]:
    issues: list[tuple[str, str]] = []
    playable = [step for step in spec.steps if step.kind != "ending"]
    for step in playable:
        timeout = next((c for c in step.choices if c.timeout), None)
        real = [c for c in step.choices if not c.timeout]
        ideal = step.ideal
        if timeout and ideal and timeout.next and timeout.next == ideal.next:
            issues.append(
                (
                    step.key,
                    _(
                        "超时分支走到了理想回应的下一步 %(next)s：窗口沉默，居民却像得到帮助一样接着说。"
                        "请让超时走到符合沉默的回应或结局"
                    )
                    % {"next": timeout.next},
                )
            )
        if timeout and real:
            worst = min(real, key=lambda c: sum(getattr(c, d) for d in DIMENSIONS))
            if sum(getattr(timeout, d) for d in DIMENSIONS) > sum(getattr(worst, d) for d in DIMENSIONS):
                issues.append(
                    (
                        step.key,
                        _("超时扣分比最差的回应 %(c)s 还轻：沉默不能比说错话更划算") % {"c": worst.key},
                    )
                )
        limit = step_limit(spec, step)
        texts = [step.narration, step.prompt] + ([timeout.text, timeout.feedback] if timeout else [])
        for text in texts:
            for _start, seconds in durations(text):
                if seconds != limit:
                    issues.append(
                        (
                            step.key,
                            _("文字写的时限 %(said)s 与本步实际时限 %(real)s 不符")
                            % {"said": _words(seconds), "real": _words(limit)},
                        )
                    )
    limits = {step.key: step_limit(spec, step) for step in playable}
    for start, seconds in durations(spec.summary):
        if PER_STEP.search(spec.summary[:start]):
            other = next((key for key, limit in limits.items() if limit != seconds), None)
            if other:
                issues.append(
                    (
                        "",
                        _("简介写每步 %(said)s，但步骤 %(step)s 限时 %(real)s")
                        % {"said": _words(seconds), "step": other, "real": _words(limits[other])},
                    )
                )
        elif seconds != spec.time_limit:
            issues.append(
                (
                    "",
                    _("简介写的时限 %(said)s 与整场时限 %(real)s 不符")
                    % {"said": _words(seconds), "real": _words(spec.time_limit)},
                )
            )
    return issues
