"""The .xlsx and CSV files: the stated sheets and formats, no merged cells, formula-like text as text."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.conftest import make_area, make_team, make_user
from tests.reports.conftest import result

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def director(client, center):
    team = make_team(center, "红队")
    area = make_area("社会保障")
    evil = make_user(team=team, full_name=EVIL)
    good = make_user(team=team, full_name="王芳")
    for _ in range(3):
        result(evil, area, 0.3)
        result(good, area, 0.9)
    manager = make_user(Role.MANAGER, center=center)
    client.force_login(manager)
    return {"evil": evil, "good": good, "center": center}


def test_the_workbook_is_built_for_excel_users(client, director):
    response = client.get(reverse("reports:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{timezone.localdate():%Y%m%d}.xlsx" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["个人×业务条线", "班组×业务条线", "业务条线汇总", "证据", "说明"]
    sheet = book["个人×业务条线"]
    assert [c.value for c in sheet[1]][:4] == ["班组", "姓名", "工号", "社会保障"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "D2"
    assert sheet.column_dimensions["B"].width >= 10
    assert all(not book[name].merged_cells.ranges for name in book.sheetnames)
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    evil_name = rows[EVIL][1]
    assert evil_name.data_type == "s" and evil_name.value == EVIL  # text, no visible apostrophe
    assert rows["王芳"][3].value == pytest.approx(0.9) and rows["王芳"][3].number_format == "0%"
    assert rows["王芳"][0].value == "红队" and rows[EVIL][0].value == "红队"
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    assert {rule.operator for rule in rules} == {"lessThan", "between", "greaterThanOrEqual"}
    evidence = book["证据"]
    assert evidence.max_row == 1 + 6 and evidence["H2"].number_format == "0%"
    assert book["说明"]["A3"].value.startswith("掌握度")


def test_the_formula_stays_text_in_the_file_itself(client, director):
    """Excel reads the XML, not openpyxl: the name must be a string cell, never an <f> formula."""
    import zipfile

    data = client.get(reverse("reports:export")).content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r"<c [^>]*>(?:(?!</c>).)*HYPERLINK(?:(?!</c>).)*</c>", sheet_xml)
    assert len(cells) == 1 and 't="inlineStr"' in cells[0] and "<f>" not in cells[0]


def test_csv_quotes_formula_like_text(client, director):
    response = client.get(reverse("reports:export_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["班组", "姓名", "工号"]
    names = [row[1] for row in rows[1:]]
    assert "'" + EVIL in names and "王芳" in names


def test_the_person_workbook(client, director):
    response = client.get(reverse("reports:person_export", args=[director["good"].pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["掌握度", "近期成绩", "说明"]
    assert book["掌握度"]["B2"].value == pytest.approx(0.9)
