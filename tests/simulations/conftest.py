import pytest

from tests.simulations.factories import import_dict, small_scenario


@pytest.fixture
def scenario(area, tmp_path):
    return import_dict(tmp_path, small_scenario(area.code))
