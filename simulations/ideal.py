"""The ideal answer of a step, and the ideal path of a scenario, in words.

Both are snapshotted onto a run (each RunAnswer's ideal_text, the Run's ideal_path), so a review
shows what was ideal when the run was played, whatever the YAML says today.
"""

from django.utils.translation import gettext as _

from .models import Scenario, Step, StepKind


def ideal_text(step: Step) -> str:
    """The ideal answer of a step: the ideal reply, the materials to take, or the form's values."""
    if step.kind == StepKind.MATERIALS:
        items = step.config.get("items", [])
        required = "、".join(i["label"] for i in items if i["need"] == "required")
        exempt = "、".join(i["label"] for i in items if i["need"] == "exempt")
        text = _("应收：%(r)s") % {"r": required or "—"}
        return text + (_("；免于提交：%(e)s") % {"e": exempt} if exempt else "")
    if step.kind == StepKind.FORM:
        return "；".join(f"{f['label']}：{f['answer']}" for f in step.config.get("fields", []))
    ideal = next((c for c in step.choices.all() if c.is_ideal), None)
    return ideal.text if ideal else ""


def ideal_path_snapshot(scenario: Scenario) -> list[dict]:
    """The scenario's ideal path as plain data: each step's title, kind, ideal answer and policy
    point, ending with the good ending's title."""
    steps = {s.key: s for s in scenario.steps.prefetch_related("choices")}
    nodes = []
    for node in scenario.ideal_path:
        step = steps.get(node["step"])
        if step is None:
            continue
        if step.is_ending:
            nodes.append({"title": step.title or step.key, "kind": step.kind, "text": "", "policy_point": ""})
            continue
        choice = next((c for c in step.choices.all() if c.key == node["choice"]), None)
        nodes.append(
            {
                "title": step.title or step.key,
                "kind": step.kind,
                "text": ideal_text(step),
                "policy_point": choice.policy_point if choice else "",
            }
        )
    return nodes
