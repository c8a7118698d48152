"""A scenario file saved in another encoding is named with a clear message and nothing is written."""

import pytest
import yaml

from simulations.importer import ScenarioImportError, import_scenarios
from simulations.models import Scenario
from tests.simulations.factories import small_scenario, write_yaml

pytestmark = pytest.mark.django_db


def test_a_gbk_scenario_file_is_refused_by_name_and_nothing_is_written(area, tmp_path):
    good = write_yaml(tmp_path, small_scenario(area.code, slug="good"), "good.yaml")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(yaml.safe_dump(small_scenario(area.code, slug="gbk"), allow_unicode=True).encode("gb18030"))
    with pytest.raises(ScenarioImportError) as error:
        import_scenarios(paths=[good, gbk])
    assert [(i.file, i.message.startswith("YAML 格式错误")) for i in error.value.issues] == [("gbk.yaml", True)]
    assert not Scenario.objects.exists()


def test_a_scenario_nested_20000_levels_deep_is_refused_by_name(area, tmp_path):
    from django.core.management import CommandError, call_command

    good = write_yaml(tmp_path, small_scenario(area.code, slug="good"), "good.yaml")
    deep = tmp_path / "deep.yaml"
    deep.write_text("title: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioImportError) as error:
        import_scenarios(paths=[good, deep])
    assert [(i.file, "嵌套" in i.message) for i in error.value.issues] == [("deep.yaml", True)]
    with pytest.raises(CommandError):
        call_command("import_scenarios", str(tmp_path))
    assert not Scenario.objects.exists()
