"""好差评: the import (preview, per-row errors, all-or-nothing, idempotent) and 好评率 beside mastery."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reports.models import ResidentRating
from reports.ratings import good_rate, good_rates
from tests.conftest import make_area, make_team, make_user

pytestmark = pytest.mark.django_db
HEADER = "评价日期,工号,姓名,办理事项,业务条线,评价,差评原因\n"


@pytest.fixture
def setup(client, center):
    team = make_team(center, "红队")
    area = make_area("社会保障", code="shebao")
    wang = make_user(team=team, full_name="王芳", username="w001")
    li = make_user(team=team, full_name="李娜", username="w002")
    manager = make_user(Role.MANAGER, center=center)
    client.force_login(manager)
    return {"area": area, "wang": wang, "li": li, "manager": manager, "team": team}


def _upload(client, text: str, name: str = "ratings.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")
    return client.post(reverse("reports:ratings_import"), {"file": file})


GOOD_ROWS = (
    "2026-03-02,w001,王芳,社保卡补办,社会保障,非常满意,\n"
    "2026-03-02,w001,王芳,社保卡补办,社会保障,非常满意,\n"  # the same rating twice in one day: two ratings
    "2026-03-03,w001,王芳,退休金查询,shebao,不满意,等候时间长\n"
    "2026/3/4,w002,李娜,,,基本满意,\n"  # Excel's own date format
)


def test_a_bad_row_is_reported_and_nothing_is_written(client, setup):
    response = _upload(client, HEADER + GOOD_ROWS + "2026-03-05,w999,无名,,,满意,\n2026-13-01,w001,,,,好,\n")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="rating-errors"' in body
    assert "第 6 行" in body and "w999" in body and "第 7 行" in body and "评价日期" in body
    assert ResidentRating.objects.count() == 0


def test_a_wrong_name_for_the_key_is_an_error(client, setup):
    body = _upload(client, HEADER + "2026-03-02,w001,李娜,,,满意,\n").content.decode()
    assert "不是“李娜”" in body and ResidentRating.objects.count() == 0


def test_import_after_preview_and_again_changes_nothing(client, setup):
    response = _upload(client, HEADER + GOOD_ROWS)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "共 4 条，新增 4 条（其中差评 1 条）" in preview
    assert ResidentRating.objects.count() == 0  # nothing until confirmed
    client.post(response["Location"])
    assert ResidentRating.objects.count() == 4
    again = _upload(client, HEADER + GOOD_ROWS)
    assert "已导入过 4 条" in client.get(again["Location"]).content.decode()
    client.post(again["Location"])
    assert ResidentRating.objects.count() == 4


def test_good_rate_counts_the_upper_three_levels(client, setup):
    client.post(_upload(client, HEADER + GOOD_ROWS)["Location"])
    rates = good_rates(person_ids=[setup["wang"].pk, setup["li"].pk], since=None)
    assert rates[setup["wang"].pk] == (pytest.approx(2 / 3), 3)
    assert rates[setup["li"].pk] == (1.0, 1)
    assert good_rate(person_ids=[setup["wang"].pk, setup["li"].pk], since=None) == (0.75, 4)
    body = client.get(reverse("reports:index")).content.decode()
    assert "67%" in body  # 王芳's 好评率 in the matrix


def test_a_recent_bad_rating_recommends_the_areas_lessons_on_the_clerks_home_page(client, setup):
    today = timezone.localdate()
    text = HEADER + f"{today:%Y-%m-%d},w001,王芳,退休金查询,社会保障,非常不满意,解释不清\n"
    client.post(_upload(client, text)["Location"])
    client.force_login(setup["wang"])
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="recommendation-panel"' in home and "居民差评提醒：社会保障" in home
    assert "?area=shebao" in home
    client.force_login(setup["li"])
    assert "recommendation-panel" not in client.get(reverse("home")).content.decode()


def test_the_supervisor_sees_the_bad_rating_on_the_team_view(client, setup):
    sup = make_user(Role.SUPERVISOR, team=setup["team"])
    setup["team"].supervisors.add(sup)
    today = timezone.localdate()
    client.post(_upload(client, HEADER + f"{today:%Y-%m-%d},w001,王芳,,社会保障,不满意,态度差\n")["Location"])
    client.force_login(sup)
    body = client.get(reverse("reports:team", args=[setup["team"].pk])).content.decode()
    assert 'data-testid="bad-ratings"' in body and "态度差" in body


def test_only_the_director_and_admin_import(client, setup):
    sup = make_user(Role.SUPERVISOR, team=setup["team"])
    client.force_login(sup)
    assert client.get(reverse("reports:ratings_import")).status_code == 403
