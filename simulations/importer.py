"""The one import path for scenarios: YAML files in, validated graphs into the database.

All-or-nothing: every file is parsed and validated before anything is written, and the writes
happen in one transaction. Idempotent: a scenario whose file did not change is left alone; one that
changed is updated in place by step and choice keys (runs keep their own snapshots).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from training import safe_yaml
from training.models import BusinessArea

from .graph import Issue, ScenarioSpec, ideal_path, parse_scenario, validate_graph
from .models import Choice, RubricCriterion, Scenario, Step


class ScenarioImportError(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


MAX_FILE_BYTES = 256 * 1024
SUFFIXES = (".yaml", ".yml")


def scenario_files(path: Path) -> list[Path]:
    """The scenario files a path names: a .yaml/.yml file itself, or those directly in a directory
    (not in subdirectories, and no symlink that leads out of it)."""
    if path.is_file():
        return [path] if path.suffix in SUFFIXES else []
    if not path.is_dir():
        return []
    root = path.resolve()
    return sorted(
        p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file() and p.resolve().is_relative_to(root)
    )


def read_yaml(path: Path):
    """One file's YAML, parsed safely (no Python objects, no aliases) and only when small."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(_("文件超过 %(n)s KB") % {"n": MAX_FILE_BYTES // 1024})
    return safe_yaml.load(path.read_text(encoding="utf-8"), aliases=False)


def load_specs(paths: list[Path]) -> tuple[list[ScenarioSpec], list[Issue]]:
    """Parse and validate every file; the issues of all files together."""
    area_codes = set(BusinessArea.objects.values_list("code", flat=True))
    specs: list[ScenarioSpec] = []
    issues: list[Issue] = []
    slugs: dict[str, str] = {}
    for path in paths:
        try:
            data = read_yaml(path)
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            issues.append(Issue(path.name, "", _("YAML 格式错误：%(e)s") % {"e": error}))
            continue
        except (ValueError, OSError) as error:
            issues.append(Issue(path.name, "", str(error)))
            continue
        spec, parse_issues = parse_scenario(data, path.name)
        issues += parse_issues
        if spec is None:
            continue
        if not parse_issues:
            issues += validate_graph(spec, area_codes=area_codes)
        if spec.slug in slugs:
            issues.append(
                Issue(path.name, "", _("场景代码 %(s)s 与 %(f)s 重复") % {"s": spec.slug, "f": slugs[spec.slug]})
            )
        slugs[spec.slug] = path.name
        specs.append(spec)
    return specs, issues


def import_scenarios(*, paths: list[Path]) -> ImportReport:
    specs, issues = load_specs(paths)
    if issues:
        raise ScenarioImportError(issues)
    report = ImportReport()
    with transaction.atomic():
        for spec in specs:
            digest = _digest(spec)
            existing = Scenario.objects.filter(slug=spec.slug).first()
            if existing and existing.source_hash == digest:
                report.unchanged.append(spec.slug)
                continue
            _write(spec, digest, existing)
            (report.updated if existing else report.created).append(spec.slug)
    return report


def _digest(spec: ScenarioSpec) -> str:
    return hashlib.sha256(json.dumps(asdict(spec), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _write(spec: ScenarioSpec, digest: str, scenario: Scenario | None) -> Scenario:
    steps_by_key = spec.step_map()
    path = ideal_path(spec) or []
    chosen = [next(c for c in steps_by_key[step].choices if c.key == choice) for step, choice in path if choice]
    persona = spec.persona
    values = {
        "title": spec.title,
        "area": BusinessArea.objects.get(code=spec.area),
        "summary": spec.summary,
        "persona_name": str(persona.get("name") or ""),
        "persona_age": persona.get("age") if isinstance(persona.get("age"), int) else None,
        "persona_situation": str(persona.get("situation") or ""),
        "persona_brings": str(persona.get("brings") or ""),
        "persona_mood": str(persona.get("mood") or ""),
        "time_limit_seconds": spec.time_limit,
        "step_time_limit_seconds": spec.step_time_limit,
        "start_key": spec.start,
        "rubric_weight": spec.rubric_weight if spec.rubric else 0,
        "ideal_path": [{"step": step, "choice": choice} for step, choice in path],
        "max_accuracy": max(0, sum(c.accuracy for c in chosen)),
        "max_manners": max(0, sum(c.manners for c in chosen)),
        "max_completeness": max(0, sum(c.completeness for c in chosen)),
        "is_demo": spec.demo,
        "is_published": spec.published,
        "source_file": spec.file,
        "source_hash": digest,
    }
    scenario, _created = Scenario.objects.update_or_create(slug=spec.slug, defaults=values)

    steps: dict[str, Step] = {}
    for order, step in enumerate(spec.steps):
        steps[step.key], _ = Step.objects.update_or_create(
            scenario=scenario,
            key=step.key,
            defaults={
                "kind": step.kind,
                "title": step.title,
                "says": step.says,
                "narration": step.narration,
                "prompt": step.prompt,
                "time_limit_seconds": step.time_limit,
                "config": step.config,
                "outcome": step.outcome,
                "sort_order": order,
            },
        )
    scenario.steps.exclude(key__in=steps).delete()
    for step in spec.steps:
        db_step = steps[step.key]
        # Clear the one-ideal / one-timeout flags first so that moving them between keys never
        # trips the partial unique constraints mid-update.
        db_step.choices.update(is_ideal=False, is_timeout=False)
        for order, choice in enumerate(step.choices):
            Choice.objects.update_or_create(
                step=db_step,
                key=choice.key,
                defaults={
                    "text": choice.text,
                    "is_ideal": choice.ideal,
                    "is_timeout": choice.timeout,
                    "accuracy": choice.accuracy,
                    "manners": choice.manners,
                    "completeness": choice.completeness,
                    "feedback": choice.feedback,
                    "policy_point": choice.policy,
                    "next_step": steps[choice.next],
                    "branch_below": choice.branch_below,
                    "branch_step": steps.get(choice.branch_next),
                    "sort_order": order,
                },
            )
        db_step.choices.exclude(key__in=[c.key for c in step.choices]).delete()
    for order, criterion in enumerate(spec.rubric):
        RubricCriterion.objects.update_or_create(
            scenario=scenario,
            key=criterion["key"],
            defaults={
                "title": criterion["title"],
                "description": criterion["description"],
                "levels": criterion["levels"],
                "sort_order": order,
            },
        )
    scenario.rubric_criteria.exclude(key__in=[c["key"] for c in spec.rubric]).delete()
    return scenario
