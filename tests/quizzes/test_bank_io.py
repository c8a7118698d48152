"""Import (all-or-nothing, every bad row listed, a dry run first) and export (formula cells made inert)."""

import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianbing.spreadsheets import neutralize
from quizzes.bank_format import COLUMNS, MAX_BYTES
from quizzes.models import LessonQuestion, Question, QuestionImport
from quizzes.services.bank_io import export_bank, import_bank_file
from tests.conftest import make_area
from tests.quizzes.factories import make_lesson, make_question

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


def csv_file(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join([HEADER, *lines]).encode(encoding)


def row(
    kind="单选题", stem="补换社保卡需要什么？", a="身份证", b="户口簿", c="", answer="A", area="社会保障", lesson=""
):
    return f"{kind},{stem},{a},{b},{c},,,,{answer},解析,2,{area},依据,{lesson}"


@pytest.fixture
def social():
    return make_area("社会保障", code="social-security")


def test_a_good_file_imports_every_kind_and_links_lessons(social):
    lesson = make_lesson(social)
    data = csv_file(
        row(lesson=lesson.slug),
        row(kind="多选题", stem="两个免于提交包括？", c="外省证明", answer="AB"),
        row(kind="判断题", stem="离线码可以代办。", a="", b="", answer="正确"),
        row(kind="填空题", stem="材料不全要____告知。", a="", b="", answer="一次性|一次性书面", area="social-security"),
    )
    checked, summary = import_bank_file(filename="bank.csv", data=data)
    assert checked.ok and summary["create"] == 4 and summary["linked"] == 1
    fill = Question.objects.get(stem="材料不全要____告知。")
    assert fill.accepted_answers == ["一次性", "一次性书面"]
    assert Question.objects.get(stem="离线码可以代办。").options.get(is_correct=True).label == "A"
    assert LessonQuestion.objects.get(lesson=lesson).question.stem == "补换社保卡需要什么？"


def test_a_broken_file_changes_nothing_and_lists_each_bad_row(social):
    make_question(social, stem="原有的题")
    data = csv_file(
        row(),  # row 2 is fine
        row(kind="问答题", stem="题型不对"),  # 3
        row(stem="答案不在选项中", answer="D"),  # 4
        row(stem="没有选项", a="", b=""),  # 5
        row(),  # 6: the same stem as row 2
        row(stem="条线不存在", area="不存在的条线"),  # 7
        row(stem="课时不存在", lesson="no-such-lesson"),  # 8
    )
    checked, _summary = import_bank_file(filename="bank.csv", data=data)
    assert not checked.ok
    assert sorted({error.row for error in checked.errors}) == [3, 4, 5, 6, 7, 8]
    messages = " ".join(error.message for error in checked.errors)
    for words in ["未知题型", "不在选项中", "至少需要两个选项", "第 2 行重复", "未知业务条线", "未知课时"]:
        assert words in messages
    assert list(Question.objects.values_list("stem", flat=True)) == ["原有的题"]


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("bank.csv", b"\xff\xfe\x00garbage" * 3, "编码"),
        ("bank.csv", "题型,题干\n单选题,x".encode(), "缺少必需的列"),
        ("bank.txt", b"x", "只支持"),
        ("bank.csv", b"x" * (MAX_BYTES + 1), "文件过大"),
        ("bank.xlsx", b"not a zip", "无法读取"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(social, filename, data, words):
    checked, _summary = import_bank_file(filename=filename, data=data)
    assert words in checked.errors[0].message and checked.errors[0].row is None
    assert not Question.objects.exists()


def test_gbk_csv_with_or_without_bom_reads(social):
    assert import_bank_file(filename="a.csv", data=csv_file(row(), encoding="gb18030"))[0].ok
    assert import_bank_file(filename="b.csv", data=csv_file(row(stem="另一题"), encoding="utf-8"))[0].ok


def test_reimporting_updates_changed_questions_with_a_new_version(social):
    import_bank_file(filename="a.csv", data=csv_file(row()))
    checked, summary = import_bank_file(filename="a.csv", data=csv_file(row()))
    assert summary["unchanged"] == 1 and Question.objects.get().version == 1
    checked, summary = import_bank_file(filename="a.csv", data=csv_file(row(answer="B")))
    question = Question.objects.get()
    assert summary["update"] == 1 and question.version == 2
    assert question.options.get(is_correct=True).label == "B"


def test_export_neutralises_formula_cells_and_imports_back(social):
    make_question(social, stem='=HYPERLINK("http://evil")', options={"A": "+1", "B": "@SUM(A1)", "C": "-2", "D": "\tx"})
    frame = pd.read_excel(io.BytesIO(export_bank(fmt="xlsx")), dtype=str)
    assert frame.loc[0, "题干"].startswith("'=")
    assert [frame.loc[0, f"选项{x}"][:2] for x in "ABC"] == ["'+", "'@", "'-"]
    text = export_bank(fmt="csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    assert neutralize("\rcmd") == "'\rcmd" and neutralize(3) == 3
    exported = export_bank(fmt="xlsx")
    Question.objects.all().delete()
    checked, _summary = import_bank_file(filename="back.xlsx", data=exported)
    assert checked.ok
    question = Question.objects.get()
    assert question.stem == '=HYPERLINK("http://evil")'  # the quote comes off again on import
    assert [o.text for o in question.options.all()] == ["+1", "@SUM(A1)", "-2", "\tx"]


def test_the_import_page_previews_then_commits(client, content_admin, social):
    client.force_login(content_admin)
    upload = SimpleUploadedFile("bank.csv", csv_file(row(), row(stem="第二题")))
    response = client.post(reverse("quizzes:import"), {"file": upload})
    preview = client.get(response["Location"]).content.decode()
    assert "确认导入" in preview and "第二题" in preview
    assert not Question.objects.exists()  # a dry run so far
    client.post(response["Location"])
    assert Question.objects.count() == 2
    assert QuestionImport.objects.get().committed_at is not None
    client.post(response["Location"])  # committing twice does nothing more
    assert Question.objects.count() == 2


def test_the_import_page_shows_row_errors(client, content_admin, social):
    client.force_login(content_admin)
    upload = SimpleUploadedFile("bank.csv", csv_file(row(answer="Z")))
    html = client.post(reverse("quizzes:import"), {"file": upload}).content.decode()
    assert "第 2 行" in html and "不在选项中" in html and "题库未做任何修改" in html


def test_admin_pages_are_for_content_admins_only(staff_client, manager, client):
    for name, args in [("import", []), ("export", ["csv"]), ("stats", []), ("report_queue", [])]:
        assert staff_client.get(reverse(f"quizzes:{name}", args=args)).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("quizzes:stats")).status_code == 403


def xlsx_with(*rows: list) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_row(**changes) -> list:
    values = dict(zip(COLUMNS, row().split(","), strict=True)) | changes
    return [values[column] for column in COLUMNS]


@pytest.mark.parametrize(
    ("column", "cell"), [("难度", "K3"), ("题干", "B3"), ("答案", "I3"), ("解析", "J3"), ("选项A", "C3")]
)
def test_a_formula_in_any_cell_is_refused_naming_the_cell_and_the_formula(social, column, cell):
    """Hole 5: pandas read a formula cell as blank (no cached value): `=1+1` in 难度 silently became the
    default, and in 题干 or 答案 the message said the cell was empty."""
    data = xlsx_with(xlsx_row(), xlsx_row(**{"题干": "第二题", column: "=1+1"}))
    checked, _summary = import_bank_file(filename="bank.xlsx", data=data)
    assert not checked.ok
    message = " ".join(error.message for error in checked.errors)
    assert cell in message and "=1+1" in message and "公式" in message
    assert "为空" not in message
    assert not Question.objects.exists()


def test_an_exported_bank_with_quoted_formula_text_still_imports(social):
    checked, _summary = import_bank_file(filename="bank.xlsx", data=xlsx_with(xlsx_row(**{"题干": "'=不是公式"})))
    assert checked.ok, checked.errors
    assert Question.objects.get().stem == "=不是公式"


def test_cells_that_look_like_numbers_keep_their_text(social):
    """Mutation survivor: reading the CSV without dtype=str turned 010 into 10 and 2.50 into 2.5."""
    checked, _summary = import_bank_file(filename="a.csv", data=csv_file(row(stem="0101", a="010", b="2.50")))
    assert checked.ok
    question = Question.objects.get()
    assert question.stem == "0101" and [o.text for o in question.options.all()] == ["010", "2.50"]


def test_the_export_of_an_empty_bank_still_has_its_header_row():
    """Mutation survivor: without columns=, an export with no question lost its header."""
    frame = pd.read_excel(io.BytesIO(export_bank(fmt="xlsx")), dtype=str)
    assert list(frame.columns) == COLUMNS and frame.empty
    assert export_bank(fmt="csv").decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
