"""A scenario file as plain data, and the checks that make it a playable graph.

parse_scenario turns one YAML document into a ScenarioSpec (schema errors are issues, not
exceptions); validate_graph finds unreachable steps, dead ends without an ending, choices pointing
nowhere, loops without exit and an unknown area. Every issue names its file and step.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .timing import check_timeouts_and_times

KINDS = ("talk", "materials", "form", "ending")
OUTCOMES = {"materials": ("correct", "missing", "over_asked"), "form": ("correct", "wrong")}
NEEDS = ("required", "exempt", "unneeded")
TIMEOUT_KEY = "timeout"

# What fits the database columns (and keeps a file a scenario, not a novel). Checked at import, so
# a too-long text is an issue naming its file and step, never a database error half-way.
KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_STEPS, MAX_CHOICES, MAX_ITEMS, MAX_FIELDS, MAX_OPTIONS, MAX_CRITERIA = 100, 12, 30, 12, 20, 12
MAX_POINTS = 100  # a choice's delta on one dimension, either way
SCENARIO_TEXT = {"slug": 80, "title": 100, "summary": 300, "area": 40, "start": 60}
PERSONA_TEXT = {"name": 30, "situation": 300, "brings": 200, "mood": 60}
STEP_TEXT = {"key": 60, "title": 60, "says": 2000, "narration": 300, "prompt": 200}
CHOICE_TEXT = {"key": 60, "text": 300, "feedback": 2000, "policy": 300, "next": 60, "branch_next": 60}


@dataclass(frozen=True)
class Issue:
    file: str
    step: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" · 步骤 {self.step}" if self.step else "")
        return f"{where}: {self.message}"


@dataclass
class ChoiceSpec:
    key: str
    text: str
    next: str
    ideal: bool = False
    timeout: bool = False
    accuracy: int = 0
    manners: int = 0
    completeness: int = 0
    feedback: str = ""
    policy: str = ""
    branch_below: int | None = None
    branch_next: str = ""

    def targets(self) -> list[str]:
        return [t for t in (self.next, self.branch_next) if t]


@dataclass
class StepSpec:
    key: str
    kind: str
    title: str = ""
    says: str = ""
    narration: str = ""
    prompt: str = ""
    time_limit: int | None = None
    config: dict = field(default_factory=dict)
    outcome: str = ""
    choices: list[ChoiceSpec] = field(default_factory=list)

    @property
    def ideal(self) -> ChoiceSpec | None:
        return next((c for c in self.choices if c.ideal), None)


@dataclass
class ScenarioSpec:
    file: str
    slug: str
    title: str
    area: str
    start: str
    time_limit: int
    step_time_limit: int
    persona: dict
    summary: str = ""
    demo: bool = False
    published: bool = True
    rubric_weight: float = 0.0
    rubric: list[dict] = field(default_factory=list)
    steps: list[StepSpec] = field(default_factory=list)

    def step_map(self) -> dict[str, StepSpec]:
        return {s.key: s for s in self.steps}


class _Reader:
    """Reads fields off a mapping and records what is missing or mistyped."""

    def __init__(self, file: str, issues: list[Issue]):
        self.file, self.issues = file, issues

    def issue(self, step: str, message: str) -> None:
        self.issues.append(Issue(self.file, step, message))

    def text(self, data: dict, name: str, step: str = "", *, required: bool = False, default: str = "") -> str:
        value = data.get(name, default)
        if value is None or value == "":
            if required:
                self.issue(step, _("缺少字段 %(name)s") % {"name": name})
            return default
        if not isinstance(value, str | int | float):
            self.issue(step, _("字段 %(name)s 应为文字") % {"name": name})
            return default
        return str(value).strip()

    def integer(
        self,
        data: dict,
        name: str,
        step: str = "",
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ):
        value = data.get(name)
        if value is None:
            if required:
                self.issue(step, _("缺少字段 %(name)s") % {"name": name})
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.issue(step, _("字段 %(name)s 应为整数") % {"name": name})
            return None
        if minimum is not None and value < minimum:
            self.issue(step, _("字段 %(name)s 不能小于 %(min)s") % {"name": name, "min": minimum})
            return None
        if maximum is not None and value > maximum:
            self.issue(step, _("字段 %(name)s 不能大于 %(max)s") % {"name": name, "max": maximum})
            return None
        return value


def parse_scenario(data: Any, file: str) -> tuple[ScenarioSpec | None, list[Issue]]:
    issues: list[Issue] = []
    read = _Reader(file, issues)
    if not isinstance(data, dict):
        read.issue("", _("文件内容应为一个场景（键值结构）"))
        return None, issues
    persona = data.get("persona") or {}
    if not isinstance(persona, dict) or not persona.get("name") or not persona.get("situation"):
        read.issue("", _("persona 需要 name 与 situation"))
        persona = persona if isinstance(persona, dict) else {}
    spec = ScenarioSpec(
        file=file,
        slug=read.text(data, "slug", required=True),
        title=read.text(data, "title", required=True),
        area=read.text(data, "area", required=True),
        start=read.text(data, "start", required=True),
        time_limit=read.integer(data, "time_limit", required=True, minimum=10, maximum=4 * 3600) or 0,
        step_time_limit=read.integer(data, "step_time_limit", minimum=5, maximum=3600) or 90,
        persona={k: persona.get(k) for k in ("name", "age", "situation", "brings", "mood")},
        summary=read.text(data, "summary"),
        demo=bool(data.get("demo", False)),
        published=bool(data.get("published", True)),
    )
    _parse_rubric(data.get("rubric"), spec, read)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        read.issue("", _("steps 应为非空列表"))
        return spec, issues
    default_timeout = data.get("timeout")
    if default_timeout is not None and not isinstance(default_timeout, dict):
        read.issue("", _("timeout 应为键值结构（next、feedback、score…）"))
        default_timeout = None
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps, start=1):
        step = _parse_step(raw, index, read, default_timeout=default_timeout or {})
        if step is None:
            continue
        if step.key in seen:
            read.issue(step.key, _("步骤代码重复"))
            continue
        seen.add(step.key)
        spec.steps.append(step)
    issues += check_limits(spec)
    return spec, issues


def check_limits(spec: ScenarioSpec) -> list[Issue]:
    """Lengths, counts and key formats: what the tables hold and what a page can show."""
    issues: list[Issue] = []

    def issue(step: str, message: str) -> None:
        issues.append(Issue(spec.file, step, message))

    def texts(step: str, obj, limits: dict[str, int]) -> None:
        for name, limit in limits.items():
            value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name)
            if isinstance(value, str) and len(value) > limit:
                issue(step, _("字段 %(name)s 超过 %(n)s 字") % {"name": name, "n": limit})

    def key(step: str, value: str, what: str) -> None:
        if value and not KEY_PATTERN.match(value):
            issue(step, _("%(what)s %(key)s 只能用字母、数字、- 和 _") % {"what": what, "key": value})

    texts("", spec, SCENARIO_TEXT)
    texts("", spec.persona, PERSONA_TEXT)
    key("", spec.slug, "slug")
    if len(spec.steps) > MAX_STEPS:
        issue("", _("步骤不能超过 %(n)s 个") % {"n": MAX_STEPS})
    if len(spec.rubric) > MAX_CRITERIA:
        issue("", _("评分项不能超过 %(n)s 个") % {"n": MAX_CRITERIA})
    for criterion in spec.rubric:
        texts("", criterion, {"key": 60, "title": 60, "description": 200})
        key("", criterion["key"], _("评分项代码"))
    for step in spec.steps:
        texts(step.key, step, STEP_TEXT)
        key(step.key, step.key, _("步骤代码"))
        if len(step.choices) > MAX_CHOICES + 1:
            issue(step.key, _("选项不能超过 %(n)s 个") % {"n": MAX_CHOICES})
        for choice in step.choices:
            texts(step.key, choice, CHOICE_TEXT)
            key(step.key, choice.key, _("选项代码"))
            if any(abs(getattr(choice, n)) > MAX_POINTS for n in ("accuracy", "manners", "completeness")):
                issue(step.key, _("选项 %(c)s 的分值应在 ±%(n)s 之内") % {"c": choice.key, "n": MAX_POINTS})
            if choice.branch_below is not None and abs(choice.branch_below) > 1000:
                issue(step.key, _("branch.below 应在 ±1000 之内"))
        items, fields = step.config.get("items", []), step.config.get("fields", [])
        if len(items) > MAX_ITEMS or len(fields) > MAX_FIELDS:
            issue(step.key, _("材料最多 %(i)s 项，表单字段最多 %(f)s 个") % {"i": MAX_ITEMS, "f": MAX_FIELDS})
        for entry in items + fields:
            texts(step.key, entry, {"key": 60, "label": 100, "why": 300})
            if len(entry.get("options", [])) > MAX_OPTIONS or any(len(o) > 100 for o in entry.get("options", [])):
                issue(step.key, _("表单字段最多 %(n)s 个选项，每个不超过 100 字") % {"n": MAX_OPTIONS})
    return issues


def _parse_rubric(raw: Any, spec: ScenarioSpec, read: _Reader) -> None:
    if not raw:
        return
    if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list) or not raw["criteria"]:
        read.issue("", _("rubric 需要 weight 与 criteria 列表"))
        return
    weight = raw.get("weight", 0.3)
    if not isinstance(weight, int | float) or not 0 < weight <= 1:
        read.issue("", _("rubric.weight 应在 0 到 1 之间"))
        return
    spec.rubric_weight = float(weight)
    for index, criterion in enumerate(raw["criteria"], start=1):
        levels = criterion.get("levels") if isinstance(criterion, dict) else None
        ok_levels = isinstance(levels, list) and len(levels) >= 2
        ok_levels = ok_levels and all(
            isinstance(lv, dict) and lv.get("label") and isinstance(lv.get("points"), int) for lv in levels
        )
        if not isinstance(criterion, dict) or not criterion.get("title") or not ok_levels:
            read.issue("", _("评分项 %(n)s 需要 title 与至少两个 levels（label、points）") % {"n": index})
            continue
        spec.rubric.append(
            {
                "key": str(criterion.get("key") or f"c{index}"),
                "title": str(criterion["title"]),
                "description": str(criterion.get("description", "")),
                "levels": [
                    {"label": str(lv["label"]), "points": lv["points"], "description": str(lv.get("description", ""))}
                    for lv in levels
                ],
            }
        )


def _parse_step(raw: Any, index: int, read: _Reader, *, default_timeout: dict) -> StepSpec | None:
    if not isinstance(raw, dict) or not raw.get("key"):
        read.issue(f"#{index}", _("每个步骤需要 key"))
        return None
    key = str(raw["key"])
    kind = raw.get("kind", "talk")
    if kind not in KINDS:
        read.issue(key, _("未知的步骤类型 %(kind)s") % {"kind": kind})
        return None
    step = StepSpec(
        key=key,
        kind=kind,
        title=read.text(raw, "title", key),
        says=read.text(raw, "says", key),
        narration=read.text(raw, "narration", key),
        prompt=read.text(raw, "prompt", key),
        time_limit=read.integer(raw, "time_limit", key, minimum=5, maximum=3600),
    )
    if kind == "ending":
        step.outcome = raw.get("outcome", "")
        if step.outcome not in ("good", "bad"):
            read.issue(key, _("结局需要 outcome: good 或 bad"))
        return step
    if kind == "talk":
        raw_choices = raw.get("choices")
        if not isinstance(raw_choices, list):
            raw_choices = []
        for n, choice in enumerate(raw_choices, start=1):
            parsed = _parse_choice(choice, key, read, default_key=f"c{n}")
            if parsed:
                step.choices.append(parsed)
    else:
        _parse_checked_step(raw, step, read)
    _add_timeout(raw.get("timeout"), step, read, default=default_timeout)
    return step


def _parse_choice(raw: Any, step: str, read: _Reader, *, default_key: str, text: str = "") -> ChoiceSpec | None:
    if not isinstance(raw, dict):
        read.issue(step, _("选项格式不正确"))
        return None
    score = raw.get("score") or {}
    if not isinstance(score, dict):
        read.issue(step, _("score 应为 accuracy/manners/completeness"))
        score = {}
    branch = raw.get("branch") or {}
    if branch and (not isinstance(branch, dict) or not isinstance(branch.get("below"), int) or not branch.get("next")):
        read.issue(step, _("branch 需要 below（整数）与 next"))
        branch = {}
    choice = ChoiceSpec(
        key=str(raw.get("key") or default_key),
        text=read.text(raw, "text", step, required=not text, default=text),
        next=read.text(raw, "next", step),
        ideal=bool(raw.get("ideal", False)),
        feedback=read.text(raw, "feedback", step),
        policy=read.text(raw, "policy", step),
        branch_below=branch.get("below"),
        branch_next=str(branch.get("next", "")),
    )
    for name in ("accuracy", "manners", "completeness"):
        value = read.integer(score, name, step)
        setattr(choice, name, value or 0)
    return choice


OUTCOME_TEXT = {
    "correct": "材料与信息核对无误",
    "missing": "漏了必需材料",
    "over_asked": "要了不需要或可免于提交的材料",
    "wrong": "受理信息有误",
}


def _parse_checked_step(raw: dict, step: StepSpec, read: _Reader) -> None:
    """Materials and form steps: the configuration, and one choice per outcome of the check."""
    if step.kind == "materials":
        items = raw.get("items")
        if not isinstance(items, list) or not items:
            read.issue(step.key, _("材料清单需要 items"))
            items = []
        clean = []
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict) or not item.get("label") or item.get("need") not in NEEDS:
                read.issue(step.key, _("材料 %(n)s 需要 label 与 need（required/exempt/unneeded）") % {"n": n})
                continue
            clean.append(
                {"key": str(item.get("key") or f"m{n}"), "label": str(item["label"]), "need": item["need"]}
                | ({"why": str(item["why"])} if item.get("why") else {})
            )
        step.config = {"items": clean}
    else:
        fields = raw.get("fields")
        if not isinstance(fields, list) or not fields:
            read.issue(step.key, _("受理表单需要 fields"))
            fields = []
        clean = []
        for n, item in enumerate(fields, start=1):
            options = item.get("options") if isinstance(item, dict) else None
            if not isinstance(options, list) or not item.get("label") or item.get("answer") not in options:
                read.issue(step.key, _("表单字段 %(n)s 需要 label、options，且 answer 在 options 之中") % {"n": n})
                continue
            clean.append(
                {
                    "key": str(item.get("key") or f"f{n}"),
                    "label": str(item["label"]),
                    "options": [str(o) for o in options],
                    "answer": str(item["answer"]),
                }
            )
        step.config = {"fields": clean}
    outcomes = raw.get("outcomes")
    if not isinstance(outcomes, dict):
        outcomes = {}
    for name in OUTCOMES[step.kind]:
        if name not in outcomes:
            read.issue(step.key, _("缺少结果 outcomes.%(name)s") % {"name": name})
            continue
        choice = _parse_choice(outcomes[name], step.key, read, default_key=name, text=OUTCOME_TEXT[name])
        if choice:
            choice.key, choice.ideal = name, name == "correct"
            step.choices.append(choice)


def _add_timeout(raw: Any, step: StepSpec, read: _Reader, *, default: dict) -> None:
    """Every step with choices gets a timeout choice: what happens when the clerk says nothing.

    Where it leads must be written down (the step's own `timeout:` or the scenario's): silence is
    not the ideal reply, so the story cannot simply go on where the ideal reply leads (the
    resident would answer "那太好了！" as if helped). Unless the file gives a score, the timeout
    costs on each dimension as much as the worst reply of the step (and never gains anything):
    saying nothing must never be the safe answer.
    """
    raw = raw if isinstance(raw, dict) else {}
    given = default | raw
    if not given.get("next"):
        read.issue(
            step.key,
            _("缺少超时分支：请写明 timeout.next（窗口沉默时居民怎么说、走到哪一步），可在场景级 timeout 中统一设置"),
        )
    real = list(step.choices)
    worst = {name: min([getattr(c, name) for c in real] + [0]) for name in ("accuracy", "manners", "completeness")}
    defaults = {
        "text": _("（超时未作答，居民等候过久）"),
        "feedback": _("超时未作答：窗口长时间沉默，居民等候过久。"),
        "policy": _("限时办结：窗口应及时回应居民。"),
        "score": worst,
    }
    choice = _parse_choice(defaults | given, step.key, read, default_key=TIMEOUT_KEY, text=defaults["text"])
    if choice:
        choice.key, choice.timeout, choice.ideal = TIMEOUT_KEY, True, False
        step.choices.append(choice)


def validate_graph(spec: ScenarioSpec, *, area_codes: set[str]) -> list[Issue]:
    issues: list[Issue] = []

    def issue(step: str, message: str) -> None:
        issues.append(Issue(spec.file, step, message))

    if spec.area and spec.area not in area_codes:
        issue("", _("未知的业务条线 %(area)s") % {"area": spec.area})
    steps = spec.step_map()
    if spec.start and spec.start not in steps:
        issue("", _("起始步骤 %(key)s 不存在") % {"key": spec.start})
    edges: dict[str, list[str]] = {}
    replies: dict[str, list[str]] = {}  # without the timeouts: silence is no way out of a loop
    for step in spec.steps:
        if step.kind == "ending":
            edges[step.key] = replies[step.key] = []
            continue
        real = [c for c in step.choices if not c.timeout]
        if not real:
            issue(step.key, _("死路：没有任何选项，也不是结局"))
        keys = [c.key for c in step.choices]
        if len(keys) != len(set(keys)):
            issue(step.key, _("选项代码重复"))
        if step.kind == "talk" and sum(c.ideal for c in real) != 1:
            issue(step.key, _("需要恰好一个理想选项（ideal: true）"))
        for choice in step.choices:
            if not choice.next:
                issue(step.key, _("选项 %(c)s 没有 next") % {"c": choice.key})
            for target in choice.targets():
                if target not in steps:
                    issue(step.key, _("选项 %(c)s 指向不存在的步骤 %(t)s") % {"c": choice.key, "t": target})
        edges[step.key] = [t for c in step.choices for t in c.targets() if t in steps]
        replies[step.key] = [t for c in real for t in c.targets() if t in steps]
    if spec.start not in steps:
        return issues

    reachable = _reach(spec.start, edges)
    for step in spec.steps:
        if step.key not in reachable:
            issue(step.key, _("无法到达：从起始步骤走不到这里"))
    reverse: dict[str, list[str]] = {key: [] for key in steps}
    for source, targets in replies.items():
        for target in targets:
            reverse[target].append(source)
    can_finish: set[str] = set()
    for step in spec.steps:
        if step.kind == "ending":
            can_finish |= _reach(step.key, reverse)
    if not any(s.kind == "ending" for s in spec.steps):
        issue("", _("没有任何结局步骤"))
    for key in sorted(reachable - can_finish, key=list(steps).index):
        if replies[key]:
            issue(key, _("无出口的循环：从这里出发永远到不了结局"))
    _check_ideal_path(spec, steps, issue)
    for step_key, message in check_timeouts_and_times(spec):
        issue(step_key, message)
    return issues


def _reach(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in edges.get(todo.pop(), []):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _check_ideal_path(spec: ScenarioSpec, steps: dict[str, StepSpec], issue) -> None:
    path = ideal_path(spec)
    if path is None:
        issue("", _("理想路径（每步的理想选项）走不到一个好结局"))
    elif steps[path[-1][0]].outcome != "good":
        issue(path[-1][0], _("理想路径终点应为 outcome: good 的结局"))


def ideal_path(spec: ScenarioSpec) -> list[tuple[str, str]] | None:
    """[(step key, ideal choice key), ..., (ending key, "")], or None when it never ends."""
    steps = spec.step_map()
    path: list[tuple[str, str]] = []
    key, seen = spec.start, set()
    while key in steps and key not in seen:
        seen.add(key)
        step = steps[key]
        if step.kind == "ending":
            path.append((key, ""))
            return path
        ideal = step.ideal
        if ideal is None:
            return None
        path.append((key, ideal.key))
        key = ideal.next
    return None
