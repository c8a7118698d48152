"""manage.py import_questions: the page's import from a shell — all or nothing, every bad row named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.models import Question
from tests.conftest import make_area
from tests.quizzes.test_bank_io import csv_file, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def social():
    return make_area("社会保障", code="social-security")


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_questions", *args, stdout=out, stderr=err)
    except CommandError as failure:
        return out.getvalue(), err.getvalue(), failure
    return out.getvalue(), err.getvalue(), None


def test_a_dry_run_reports_and_writes_nothing_then_the_real_run_imports(social, tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(csv_file(row(), row(stem="第二题")))
    out, _err, failure = run(str(path), "--dry-run")
    assert failure is None and "试运行" in out and "新增 2" in out
    assert not Question.objects.exists()
    out, _err, failure = run(str(path))
    assert failure is None and "新增 2" in out and Question.objects.count() == 2
    out, _err, _failure = run(str(path))
    assert "不变 2" in out


def test_a_broken_file_names_every_bad_row_fails_and_changes_nothing(social, tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(csv_file(row(), row(kind="问答题", stem="题型不对"), row(stem="答案不对", answer="Z")))
    _out, err, failure = run(str(path))
    assert failure is not None and "题库未做任何修改" in str(failure)  # manage.py exits with status 1
    assert "第 3 行：未知题型" in err and "第 4 行：答案 Z 不在选项中" in err
    assert not Question.objects.exists()


def test_a_missing_or_unreadable_file_fails_cleanly(social, tmp_path):
    assert "找不到文件" in str(run(str(tmp_path / "nope.xlsx"))[2])
    fake = tmp_path / "bank.xlsx"
    fake.write_bytes(b"not really a spreadsheet")
    _out, err, failure = run(str(fake))
    assert failure is not None and "整个文件：文件无法读取" in err
