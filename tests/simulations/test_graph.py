"""Scenario files are validated as graphs before anything is written; each error names file and step."""

import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from simulations.demo import SCENARIO_DIR
from simulations.importer import ScenarioImportError, import_scenarios, scenario_files
from simulations.models import Choice, Scenario
from tests.simulations.factories import small_scenario, write_yaml
from training import demo as training_demo

pytestmark = pytest.mark.django_db


def issues_for(tmp_path, data, name="broken.yaml"):
    with pytest.raises(ScenarioImportError) as error:
        import_scenarios(paths=[write_yaml(tmp_path, data, name)])
    return [(i.file, i.step, i.message) for i in error.value.issues]


def step(data, key):
    return next(s for s in data["steps"] if s["key"] == key)


def test_a_valid_scenario_imports_with_its_ideal_path_and_maximum_points(area, tmp_path):
    import_scenarios(paths=[write_yaml(tmp_path, small_scenario(area.code, slug="ok"))])
    scenario = Scenario.objects.get(slug="ok")
    assert [n["step"] for n in scenario.ideal_path] == ["ask", "docs", "form", "done"]
    assert (scenario.max_accuracy, scenario.max_manners, scenario.max_completeness) == (30, 5, 15)
    timeout = Choice.objects.get(step__scenario=scenario, step__key="ask", is_timeout=True)
    # Silence leads where the file says (here the scenario's timeout: the resident leaves) and costs,
    # on each dimension, as much as the step's worst reply: meh -5 accuracy, rude -10 manners.
    assert timeout.next_step.key == "left"
    assert (timeout.accuracy, timeout.manners, timeout.completeness) == (-5, -10, 0)


def test_unreachable_step_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    data["steps"].append({"key": "island", "kind": "ending", "outcome": "good"})
    assert any(s == "island" and "无法到达" in m for _f, s, m in issues_for(tmp_path, data))


def test_dead_end_without_an_ending_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    step(data, "ask")["choices"][1]["next"] = "stuck"
    data["steps"].append({"key": "stuck", "says": "……", "choices": []})
    assert any(s == "stuck" and "死路" in m for _f, s, m in issues_for(tmp_path, data))


def test_choice_pointing_nowhere_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    step(data, "ask")["choices"][2]["next"] = "nowhere"
    found = issues_for(tmp_path, data)
    assert ("broken.yaml", "ask", "选项 rude 指向不存在的步骤 nowhere") in found


def test_loop_without_exit_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    step(data, "ask")["choices"][1]["next"] = "loop-a"
    data["steps"] += [
        {"key": "loop-a", "choices": [{"key": "x", "text": "再说一遍", "next": "loop-b", "ideal": True}]},
        {"key": "loop-b", "choices": [{"key": "y", "text": "还是不懂", "next": "loop-a", "ideal": True}]},
    ]
    found = issues_for(tmp_path, data)
    assert {s for _f, s, m in found if "无出口的循环" in m} == {"loop-a", "loop-b"}


def test_a_loop_with_an_exit_is_fine(area, tmp_path):
    data = small_scenario(area.code, slug="loopy")
    step(data, "ask")["choices"][1]["next"] = "again"
    data["steps"].append(
        {
            "key": "again",
            "choices": [
                {"key": "retry", "text": "您再说一遍", "next": "again"},
                {"key": "go", "text": "明白了", "next": "docs", "ideal": True},
            ],
        }
    )
    import_scenarios(paths=[write_yaml(tmp_path, data)])
    assert Scenario.objects.filter(slug="loopy").exists()


def test_unknown_area_is_reported(area, tmp_path):
    found = issues_for(tmp_path, small_scenario("no-such-area"))
    assert ("broken.yaml", "", "未知的业务条线 no-such-area") in found


def test_import_is_all_or_nothing_and_idempotent(area, tmp_path):
    good = write_yaml(tmp_path, small_scenario(area.code, slug="good-one"), "a.yaml")
    bad_data = small_scenario(area.code, slug="bad-one")
    step(bad_data, "ask")["choices"][0]["next"] = "nowhere"
    bad = write_yaml(tmp_path, bad_data, "b.yaml")
    with pytest.raises(ScenarioImportError):
        import_scenarios(paths=[good, bad])
    assert not Scenario.objects.exists()

    assert import_scenarios(paths=[good]).created == ["good-one"]
    assert import_scenarios(paths=[good]).unchanged == ["good-one"]
    changed = copy.deepcopy(small_scenario(area.code, slug="good-one", title="改过的标题"))
    assert import_scenarios(paths=[write_yaml(tmp_path, changed, "a.yaml")]).updated == ["good-one"]
    assert Scenario.objects.get().title == "改过的标题"


def test_the_command_reports_errors_by_file_and_step(area, tmp_path, capsys):
    data = small_scenario(area.code)
    step(data, "ask")["choices"][0]["next"] = "nowhere"
    write_yaml(tmp_path, data, "mine.yaml")
    with pytest.raises(CommandError):
        call_command("import_scenarios", str(tmp_path))
    assert "mine.yaml · 步骤 ask: 选项 good 指向不存在的步骤 nowhere" in capsys.readouterr().err


def test_the_demo_pack_imports_cleanly_and_twice(db):
    training_demo.load()
    files = scenario_files(SCENARIO_DIR)
    assert len(files) >= 8
    assert len(import_scenarios(paths=files).created) == len(files)
    assert len(import_scenarios(paths=files).unchanged) == len(files)
    assert Scenario.objects.filter(slug="jiang-ayi-anhui-ss-card", area__code="yrd-cross-province").exists()


def test_a_missing_start_and_an_ideal_path_ending_badly_are_reported(area, tmp_path):
    data = small_scenario(area.code, start="nope")
    assert ("broken.yaml", "", "起始步骤 nope 不存在") in issues_for(tmp_path, data)
    data = small_scenario(area.code)
    step(data, "form")["outcomes"]["correct"]["next"] = "left"  # the ideal path now ends with 离开
    assert any(s == "left" and "理想路径终点" in m for _f, s, m in issues_for(tmp_path, data))


def test_schema_errors_name_the_step(area, tmp_path):
    data = small_scenario(area.code)
    del step(data, "docs")["outcomes"]["over_asked"]
    step(data, "form")["fields"][0]["answer"] = "丙"  # not among the options
    found = issues_for(tmp_path, data)
    assert ("broken.yaml", "docs", "缺少结果 outcomes.over_asked") in found
    assert any(s == "form" and "answer 在 options 之中" in m for _f, s, m in found)
    data = small_scenario(area.code)
    step(data, "ask")["choices"][0]["ideal"] = False  # no ideal reply left (checked once the schema is right)
    assert ("broken.yaml", "ask", "需要恰好一个理想选项（ideal: true）") in issues_for(tmp_path, data)


def test_texts_too_long_for_the_database_and_odd_keys_are_issues_not_crashes(area, tmp_path):
    data = small_scenario(area.code)
    step(data, "ask")["title"] = "长" * 61
    step(data, "ask")["choices"][0]["text"] = "话" * 301
    step(data, "ask")["choices"][1]["score"]["accuracy"] = 5000
    data["steps"][1]["key"] = "docs<script>"
    found = issues_for(tmp_path, data)
    assert ("broken.yaml", "ask", "字段 title 超过 60 字") in found
    assert ("broken.yaml", "ask", "字段 text 超过 300 字") in found
    assert any(s == "ask" and "±100" in m for _f, s, m in found)
    assert any(s == "docs<script>" and "只能用字母" in m for _f, s, m in found)


def test_yaml_is_read_safely(area, tmp_path):
    python_object = tmp_path / "object.yaml"
    python_object.write_text("!!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("a: &a [x, x, x]\nb: [*a, *a, *a]\n", encoding="utf-8")
    huge = tmp_path / "huge.yaml"
    huge.write_text("summary: " + "长" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioImportError) as error:
        import_scenarios(paths=[python_object, aliases, huge])
    messages = {i.file: i.message for i in error.value.issues}
    assert messages["object.yaml"].startswith("YAML 格式错误")
    assert "别名" in messages["aliases.yaml"]
    assert messages["huge.yaml"] == "文件超过 256 KB"


def test_the_command_reads_only_yaml_files_of_the_directory_given(area, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    write_yaml(outside, small_scenario(area.code, slug="outside"), "outside.yaml")
    pack = tmp_path / "pack"
    pack.mkdir()
    write_yaml(pack, small_scenario(area.code, slug="inside"), "inside.yaml")
    (pack / "escape.yaml").symlink_to(outside / "outside.yaml")  # a link out of the directory is skipped
    (pack / "notes.txt").write_text("not a scenario", encoding="utf-8")
    call_command("import_scenarios", str(pack))
    assert list(Scenario.objects.values_list("slug", flat=True)) == ["inside"]
    with pytest.raises(CommandError, match="不是 .yaml/.yml 文件"):
        call_command("import_scenarios", str(pack / "notes.txt"))
    with pytest.raises(CommandError, match="不是 .yaml/.yml 文件"):
        call_command("import_scenarios", str(tmp_path / "no-such-dir"))


def test_the_demo_pack_has_the_cases_the_issue_asks_for(db):
    training_demo.load()
    import_scenarios(paths=scenario_files(SCENARIO_DIR))
    titles = " ".join(Scenario.objects.values_list("title", flat=True))
    assert Scenario.objects.filter(is_demo=True).count() >= 8
    jiang = Scenario.objects.get(slug="jiang-ayi-anhui-ss-card")
    assert "跨省通办" in jiang.summary and "帮办代办" in jiang.summary and jiang.persona_name == "蒋阿姨"
    assert "离线码" in titles and "出生一件事" in titles
    exempt = Scenario.objects.get(slug="zhao-jie-two-exemptions")
    assert any(i["need"] == "exempt" for s in exempt.steps.all() for i in s.config.get("items", []))
    kinds = set(Scenario.objects.values_list("steps__kind", flat=True))
    assert kinds == {"talk", "materials", "form", "ending"}
    assert Scenario.objects.filter(rubric_weight__gt=0).exists()
