"""Who may see what, CSRF, hostile files, and no answer in any page before it is due."""

import io
import re
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from lianbing.spreadsheets import neutralize, unneutralize
from quizzes.bank_format import MAX_BYTES, read_bank_file
from quizzes.models import Attempt, AttemptMode, QuestionImport, QuestionReport
from quizzes.services.bank_io import export_bank
from quizzes.services.exams import save_answer, start_exam, submit_exam
from quizzes.services.practice import daily_practice, start_practice
from tests.conftest import PASSWORD, make_center, make_user
from tests.quizzes.factories import make_question, make_quiz, one_of_each_kind
from tests.quizzes.test_bank_io import csv_file, row

pytestmark = pytest.mark.django_db

# What must never reach the browser before the question is answered (or the exam submitted).
SECRETS = {
    "单选：社保卡补换凭什么？": ["解析-单选"],
    "多选：两个免于提交指哪些材料？": ["解析-多选"],
    "判断：离线码可由代办人办理。": ["解析-判断"],
    "填空：材料不全时要____告知。": ["解析-填空", "一次性书面"],
}
MARKERS = ["正确答案", "is_correct", "choice correct", "回答正确", "回答错误", "accepted_answers"]


def assert_nothing_given_away(html: str, stems=SECRETS) -> None:
    for stem in stems:
        for secret in SECRETS[stem]:
            assert secret not in html, secret
    for marker in MARKERS:
        assert marker not in html, marker


def test_practice_pages_give_nothing_away_before_each_answer(staff_client, staff, area):
    one_of_each_kind(area)
    attempt = start_practice(person=staff, area=area, at=timezone.now())
    items = list(attempt.items.order_by("position"))
    for item in items:
        waiting = [i.snapshot["stem"] for i in items if i.position >= item.position]
        full = staff_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
        card = staff_client.get(
            reverse("quizzes:practice_next", args=[attempt.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
        assert item.snapshot["stem"] in full and item.snapshot["stem"] in card
        assert_nothing_given_away(full, waiting)
        assert_nothing_given_away(card, waiting)
        feedback = staff_client.post(
            reverse("quizzes:practice_answer", args=[attempt.pk, item.position]),
            {f"q{item.position}": "A"},
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert "正确答案" in feedback and SECRETS[item.snapshot["stem"]][0] in feedback  # due now: shown


def test_the_daily_page_and_a_resumed_exam_give_nothing_away(staff_client, staff, area):
    one_of_each_kind(area)
    daily = daily_practice(person=staff, at=timezone.now())
    assert_nothing_given_away(staff_client.get(reverse("quizzes:attempt", args=[daily.pk])).content.decode())

    quiz = make_quiz(list(area.questions.all()), time_limit_seconds=600)
    attempt = start_exam(person=staff, quiz=quiz, at=timezone.now())
    for position, values in [(1, ["A"]), (2, ["A", "B"]), (3, ["A"]), (4, ["一次"])]:
        save_answer(attempt=attempt, position=position, values=values, at=timezone.now())
    resumed = staff_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "checked" in resumed and 'value="一次"' in resumed  # the saved answers are back
    assert f'data-deadline="{timezone.localtime(attempt.deadline).isoformat()}"' in resumed  # the server's clock
    assert_nothing_given_away(resumed)
    started = staff_client.post(reverse("quizzes:quiz_start", args=[quiz.pk]), follow=True).content.decode()
    assert_nothing_given_away(started)  # 继续作答 lands on the same page


def test_another_persons_ids_are_not_found_whatever_the_role(client, staff, area, content_admin):
    one_of_each_kind(area)
    now = timezone.now()
    exam = start_exam(person=staff, quiz=make_quiz(list(area.questions.all())), at=now)
    practice = start_practice(person=staff, area=area, at=now)
    done = start_exam(person=staff, quiz=make_quiz(list(area.questions.all())[:1], title="另一场"), at=now)
    submit_exam(attempt=done, answers={1: ["A"]}, at=now)
    item = done.items.get()
    urls = [
        ("get", reverse("quizzes:attempt", args=[exam.pk])),
        ("get", reverse("quizzes:attempt", args=[done.pk])),
        ("post", reverse("quizzes:attempt_answer", args=[exam.pk, 1])),
        ("post", reverse("quizzes:attempt_submit", args=[exam.pk])),
        ("post", reverse("quizzes:practice_answer", args=[practice.pk, 1])),
        ("get", reverse("quizzes:practice_next", args=[practice.pk])),
        ("get", reverse("quizzes:report_question", args=[item.pk])),
        ("post", reverse("quizzes:report_question", args=[item.pk])),
    ]
    for other in [make_user(), make_user(Role.SUPERVISOR), make_user(Role.MANAGER), content_admin]:
        client.force_login(other)
        for method, url in urls:
            assert getattr(client, method)(url, {"q1": "A", "text": "x"}).status_code == 404, (other.role, url)
    exam.refresh_from_db()
    practice.refresh_from_db()
    assert exam.is_open and practice.is_open and not QuestionReport.objects.exists()
    assert not practice.items.filter(answered_at__isnull=False).exists()


def test_a_position_an_attempt_does_not_have_is_not_found(staff_client, staff, area):
    one_of_each_kind(area)
    exam = start_exam(person=staff, quiz=make_quiz(list(area.questions.all())), at=timezone.now())
    practice = start_practice(person=staff, area=area, at=timezone.now())
    assert staff_client.post(reverse("quizzes:attempt_answer", args=[exam.pk, 99]), {"q99": "A"}).status_code == 404
    assert staff_client.post(reverse("quizzes:practice_answer", args=[practice.pk, 99])).status_code == 404
    # and an exam is never graded question by question through the practice door
    staff_client.post(reverse("quizzes:practice_answer", args=[exam.pk, 1]), {"q1": "A"})
    assert exam.items.get(position=1).ratio is None


def test_another_admins_import_is_not_found(client, content_admin, area):
    upload = QuestionImport.objects.create(uploaded_by=content_admin, filename="a.csv", created_at=timezone.now())
    client.force_login(make_user(Role.ADMIN, center=content_admin.center))
    assert client.get(reverse("quizzes:import_preview", args=[upload.pk])).status_code == 404
    assert client.post(reverse("quizzes:import_preview", args=[upload.pk])).status_code == 404


def test_every_post_needs_the_csrf_token_and_htmx_sends_it_from_the_body(staff, area):
    one_of_each_kind(area)
    practice = start_practice(person=staff, area=area, at=timezone.now())
    exam = start_exam(person=staff, quiz=make_quiz(list(area.questions.all())), at=timezone.now())
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=staff.username, password=PASSWORD)
    posts = [
        reverse("quizzes:practice_start"),
        reverse("quizzes:daily"),
        reverse("quizzes:quiz_start", args=[exam.quiz_id]),
        reverse("quizzes:attempt_answer", args=[exam.pk, 1]),
        reverse("quizzes:attempt_submit", args=[exam.pk]),
        reverse("quizzes:practice_answer", args=[practice.pk, 1]),
    ]
    for url in posts:
        assert browser.post(url, {"q1": "A"}, HTTP_HX_REQUEST="true").status_code == 403, url
    page = browser.get(reverse("quizzes:attempt", args=[practice.pk])).content.decode()
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page).group(1)
    answered = browser.post(
        reverse("quizzes:practice_answer", args=[practice.pk, 1]),
        {"q1": "A"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert answered.status_code == 200 and "正确答案" in answered.content.decode()
    assert Attempt.objects.filter(mode=AttemptMode.DAILY).count() == 0


# --- Hostile files -------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))  # 60 MB of zeros, ~60 KB packed
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bank.csv", b"x" * (MAX_BYTES + 1), "文件过大"),
        ("bank.xlsx", "题型,题干\n单选题,x".encode(), "不是有效的 .xlsx"),  # a CSV renamed .xlsx
        ("bank.xls", b"\xd0\xcf\x11\xe0old excel", "只支持"),
        ("bank.xlsx", _zip_bomb(), "解压后过大"),
    ],
)
def test_the_import_page_refuses_hostile_files_cleanly(client, content_admin, name, data, words):
    client.force_login(content_admin)
    response = client.post(reverse("quizzes:import"), {"file": SimpleUploadedFile(name, data)})
    html = response.content.decode()
    assert response.status_code == 200 and words in html and "整个文件" in html
    assert not QuestionImport.objects.exists()


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", " =HYPERLINK(1)", "\n\t=cmd|' /C calc'!A0", "  +1"]
)
def test_formula_like_cells_are_neutralised_and_come_back_unchanged(cell):
    assert neutralize(cell) == "'" + cell
    assert unneutralize(neutralize(cell)) == cell


def test_the_xlsx_export_holds_no_formula_cell_and_no_cell_that_could_start_one(area):
    make_question(
        area, stem=' =HYPERLINK("http://evil","点我")', options={"A": "  +1", "B": "-2", "C": "@x", "D": "好"}
    )
    data = export_bank(fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    for cell in cells:
        text = str(cell.value)
        assert not text.lstrip().startswith(("=", "+", "-", "@")), cell.coordinate
    text = export_bank(fmt="csv").decode("utf-8-sig")
    assert "' =HYPERLINK" in text and "'  +1" in text


def test_the_import_strips_the_quote_only_from_cells_it_neutralised(area):
    rows = read_bank_file(filename="a.csv", data=csv_file(row(stem="'=1+1", a="'普通文字", area=area.name)))
    assert rows[0].values["题干"] == "=1+1" and rows[0].values["选项A"] == "'普通文字"


def test_the_report_queue_names_only_people_the_admin_may_see(client, content_admin, area):
    question = make_question(area)
    colleague, stranger = (
        make_user(center=content_admin.center, full_name="同中心"),
        make_user(center=make_center(), full_name="外中心"),
    )
    for reporter in (colleague, stranger):
        QuestionReport.objects.create(
            question=question, reporter=reporter, question_version=1, text="答案有误", created_at=timezone.now()
        )
    client.force_login(content_admin)
    html = client.get(reverse("quizzes:report_queue")).content.decode()
    assert "同中心" in html and "外中心" not in html and "其他中心学员" in html


def test_autosave_after_the_deadline_is_refused_through_the_page(staff_client, staff, area):
    one_of_each_kind(area)
    quiz = make_quiz(list(area.questions.all()), time_limit_seconds=60)
    attempt = start_exam(person=staff, quiz=quiz, at=timezone.now() - timedelta(minutes=2))
    url = reverse("quizzes:attempt_answer", args=[attempt.pk, 1])
    response = staff_client.post(url, {"q1": "A"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == attempt.get_absolute_url() and "未被接受" in response.content.decode()
    assert staff_client.post(url, {"q1": "A"}).status_code == 409
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.items.get(position=1).response == {}
