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
