"""Competency report: who is weak in what, per person and team, and a safe Excel file."""

import io
import math

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from leaderboard.services import record_result
from reports.selectors import competency_report
from tests.conftest import make_area, make_team, make_user

pytestmark = pytest.mark.django_db
_ids = iter(range(1, 10_000))


def result(person, area, ratio, *, days_ago=0):
    record_result(
        person=person,
        area=area,
        kind="exam",
        activity_id=next(_ids),
        score_ratio=ratio,
        points=int(ratio * 10),
        at=timezone.now() - timezone.timedelta(days=days_ago),
    )


@pytest.fixture
def world(center):
    sup = make_user(Role.SUPERVISOR, center=center)
    red, blue = make_team(center, "红队", supervisors=[sup]), make_team(center, "蓝队")
    ss, mi = make_area("社会保障"), make_area("医疗保障")
    wang, li, zhang = (
        make_user(team=red, full_name="王芳"),
        make_user(team=red, full_name="李娜"),
        make_user(team=blue, full_name="张敏"),
    )
    result(wang, ss, 1.0)
    result(wang, ss, 0.6)
    result(li, ss, 0.4)
    result(zhang, mi, 0.9)
    result(zhang, ss, 0.2, days_ago=60)
    return {"sup": sup, "wang": wang, "li": li, "zhang": zhang, "manager": make_user(Role.MANAGER, center=center)}


def test_matrix_averages_per_person_and_team_and_leaves_unknown_empty(world):
    report = competency_report(world["manager"], period="30", now=timezone.now())
    people = report.people
    assert people.loc[("红队", "王芳"), "社会保障"] == pytest.approx(0.8)
    assert math.isnan(people.loc[("红队", "王芳"), "医疗保障"])
    assert report.teams.loc["红队", "社会保障"] == pytest.approx(0.6)  # mean of members' means (0.8, 0.4)
    assert ("蓝队", "张敏") in people.index and people.loc[("蓝队", "张敏"), "医疗保障"] == pytest.approx(0.9)
    assert dict(report.weak) == {"社会保障": ["李娜"]}


def test_period_filters_old_results(world):
    recent = competency_report(world["manager"], period="30", now=timezone.now())
    everything = competency_report(world["manager"], period="all", now=timezone.now())
    assert math.isnan(recent.people.loc[("蓝队", "张敏"), "社会保障"])
    assert everything.people.loc[("蓝队", "张敏"), "社会保障"] == pytest.approx(0.2)


def test_supervisor_sees_only_the_teams_they_lead(world):
    report = competency_report(world["sup"], period="all", now=timezone.now())
    assert {team for team, _ in report.people.index} == {"红队"}


def test_staff_may_not_open_reports(client, world):
    client.force_login(world["wang"])
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:export")).status_code == 403


def test_page_shows_heat_map_and_weak_list(client, world):
    client.force_login(world["manager"])
    body = client.get(reverse("reports:index") + "?period=30").content.decode()
    assert "需要帮一帮" in body and "李娜" in body and "rp-weak-cell" in body


def test_excel_export_has_the_sheets_and_neutralises_formulas(client, world):
    world["li"].full_name = '=HYPERLINK("http://x","点我")'
    world["li"].save()
    client.force_login(world["manager"])
    response = client.get(reverse("reports:export") + "?period=all")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["个人×业务条线", "班组×业务条线", "业务条线汇总", "说明"]
    names = [cell.value for cell in book["个人×业务条线"]["B"] if cell.value]
    assert "王芳" in names
    assert any(str(name).startswith("'=HYPERLINK") for name in names)
    assert not any(str(name).startswith("=") for name in names)
    assert book["个人×业务条线"]["C1"].value == "社会保障"


def test_the_area_summary_counts_people_in_whole_numbers_even_with_an_empty_area(client, world):
    make_area("居住证")  # no results: pandas turns the count columns into floats
    client.force_login(world["manager"])
    body = client.get(reverse("reports:index") + "?period=all").content.decode()
    assert ".0</td>" not in body
