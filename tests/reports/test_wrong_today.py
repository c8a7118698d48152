"""The three bugs of issue 10's "Wrong today", through the page and the file a director uses.

Each failed before the fix: namesakes were one averaged row, people without results were missing,
and the Excel file merged the 班组 cells so continuation rows had no team.
"""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from leaderboard.services import record_result
from tests.conftest import make_area, make_team, make_user

pytestmark = pytest.mark.django_db


def _result(person, area, ratio, activity_id):
    record_result(
        person=person, area=area, kind="exam", activity_id=activity_id, score_ratio=ratio, points=1, at=timezone.now()
    )


@pytest.fixture
def namesakes(center):
    team = make_team(center, "红队")
    area = make_area("社会保障")
    first, second = make_user(team=team, full_name="王芳"), make_user(team=team, full_name="王芳")
    _result(first, area, 1.0, 1)
    _result(second, area, 0.2, 2)
    idle = make_user(team=team, full_name="赵闲")
    return {"manager": make_user(Role.MANAGER, center=center), "first": first, "second": second, "idle": idle}


def _people_rows(body: str) -> list[str]:
    table = body.split('data-testid="people-matrix"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr\b.*?</tr>", table.split("<tbody>", 1)[1], flags=re.S)


def test_namesakes_in_one_team_stay_two_rows(client, namesakes):
    client.force_login(namesakes["manager"])
    rows = [row for row in _people_rows(client.get(reverse("reports:index")).content.decode()) if "王芳" in row]
    assert len(rows) == 2
    assert any("100" in row for row in rows) and any("20" in row for row in rows)  # not one averaged 60


def test_every_active_clerk_is_a_row_and_no_result_is_not_weak(client, namesakes):
    client.force_login(namesakes["manager"])
    rows = [row for row in _people_rows(client.get(reverse("reports:index")).content.decode()) if "赵闲" in row]
    assert len(rows) == 1
    assert "暂无成绩" in rows[0] and "weak" not in rows[0]


def test_the_excel_file_has_the_team_on_every_row_and_no_merged_cells(client, namesakes):
    client.force_login(namesakes["manager"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:export")).content))
    sheet = book["个人×业务条线"]
    assert not sheet.merged_cells.ranges
    header = [cell.value for cell in sheet[1]]
    team_col, name_col = header.index("班组"), header.index("姓名")
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[name_col]]
    assert len(rows) == 3
    assert all(row[team_col] == "红队" for row in rows)
