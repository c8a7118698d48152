"""manage.py backup and restore: a restore brings back exactly the rows of the backup (SQLite and PostgreSQL).

The suite runs on SQLite and again on PostgreSQL (`make test`), so both engines' paths are exercised.
"""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Center, User
from tests.conftest import make_area, make_center, make_team, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def some_data():
    center = make_center("中心甲")
    team = make_team(center)
    for _ in range(3):
        make_user(team=team)
    make_area("社会保障", code="social-security")
    return center


def test_a_restore_brings_back_the_rows_of_the_backup(some_data, tmp_path):
    before = row_counts()
    assert before["accounts.User"] == 3
    path = tmp_path / ("backup" + (".sqlite3" if connection.vendor == "sqlite" else ".pgdump"))
    call_command("backup", str(path))
    assert path.is_file() and not path.with_name(path.name + ".partial").exists()

    User.objects.filter(pk=User.objects.first().pk).delete()
    make_center("备份之后才有的中心")
    assert row_counts() != before

    call_command("restore", str(path), "--yes")
    assert row_counts() == before
    assert not Center.objects.filter(name="备份之后才有的中心").exists()
    make_user(team=some_data.teams.first())  # the restored database takes writes (sequences came back too)


def test_restore_asks_for_confirmation_and_refuses_a_file_that_is_not_a_backup(some_data, tmp_path):
    before = row_counts()
    bogus = tmp_path / "notes.txt"
    bogus.write_text("这不是备份")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), "--yes")
    assert row_counts() == before


def test_backup_without_a_path_writes_under_var_backups(some_data, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("backup")
    written = list((tmp_path / "backups").iterdir())
    assert len(written) == 1 and written[0].name.startswith("lianbing-")
