"""Scenario factories: every scenario in a test goes through the same import service as content."""

import copy
import itertools
from pathlib import Path

import yaml
from django.conf import settings

from simulations.importer import import_scenarios
from simulations.models import Scenario
from training.services import ensure_area

JIANG_FILE = Path(settings.BASE_DIR) / "content" / "scenarios" / "01-jiang-ayi-anhui-ss-card.yaml"
_seq = itertools.count(1)


def load_jiang() -> Scenario:
    ensure_area(code="yrd-cross-province", name="长三角跨省通办")
    import_scenarios(paths=[JIANG_FILE])
    return Scenario.objects.get(slug="jiang-ayi-anhui-ss-card")


def choice(key, next_, *, ideal=False, accuracy=0, manners=0, completeness=0, **extra) -> dict:
    data = {"key": key, "text": f"回应{key}", "next": next_, "ideal": ideal, "feedback": f"反馈{key}"}
    data["score"] = {"accuracy": accuracy, "manners": manners, "completeness": completeness}
    return data | extra


def small_scenario(area_code: str, **overrides) -> dict:
    """ask (talk) → docs (materials) → form (form) → done; 'rude' on ask ends early with a bad rating.

    Ideal path points: accuracy 10 + 10 + 10 = 30, manners 5, completeness 10 + 5 = 15."""
    data = {
        "slug": f"small-{next(_seq)}",
        "title": "测试场景",
        "area": area_code,
        "time_limit": 300,
        "step_time_limit": 60,
        "persona": {"name": "测试居民", "age": 70, "situation": "来办事", "mood": "平静"},
        "start": "ask",
        # Silence at any step: the resident leaves (the importer wants every step's timeout branch).
        "timeout": {"next": "left", "feedback": "居民等不到回应，离开了。"},
        "steps": [
            {
                "key": "ask",
                "title": "开场",
                "says": "我要办事。",
                "choices": [
                    choice("good", "docs", ideal=True, accuracy=10, manners=5),
                    choice("meh", "docs", accuracy=-5, manners=-5, branch={"below": 0, "next": "left"}),
                    choice("rude", "left", manners=-10),
                ],
            },
            {
                "key": "docs",
                "kind": "materials",
                "items": [
                    {"key": "id", "label": "身份证", "need": "required"},
                    {"key": "hukou", "label": "户口簿", "need": "exempt", "why": "系统可查的理由"},
                    {"key": "photo", "label": "照片", "need": "unneeded"},
                ],
                "outcomes": {
                    "correct": {"score": {"accuracy": 10, "completeness": 10}, "next": "form"},
                    "missing": {"score": {"completeness": -5}, "next": "form"},
                    "over_asked": {"score": {"accuracy": -5}, "next": "form"},
                },
            },
            {
                "key": "form",
                "kind": "form",
                "fields": [{"key": "matter", "label": "事项", "options": ["甲", "乙"], "answer": "乙"}],
                "outcomes": {
                    "correct": {"score": {"accuracy": 10, "completeness": 5}, "next": "done"},
                    "wrong": {"score": {"accuracy": -5}, "next": "done"},
                },
            },
            {"key": "done", "kind": "ending", "outcome": "good", "title": "办结"},
            {"key": "left", "kind": "ending", "outcome": "bad", "title": "离开"},
        ],
    }
    return data | overrides


# A supervisor rubric of two criteria, 4 points each, weighing 0.4 of the final score.
RUBRIC = {
    "weight": 0.4,
    "criteria": [
        {"key": "a", "title": "首问负责", "levels": [{"label": "差", "points": 0}, {"label": "好", "points": 4}]},
        {"key": "b", "title": "一次告知", "levels": [{"label": "差", "points": 0}, {"label": "好", "points": 4}]},
    ],
}


def write_yaml(directory: Path, data: dict, name: str | None = None) -> Path:
    path = directory / (name or f"{data.get('slug', 'scenario')}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def import_dict(directory: Path, data: dict) -> Scenario:
    import_scenarios(paths=[write_yaml(directory, copy.deepcopy(data))])
    return Scenario.objects.get(slug=data["slug"])
