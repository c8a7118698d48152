"""Property tests (hypothesis) for the three importers: for any input no exception escapes, a refused
file writes nothing, and the refusal says why.

Inputs are grown from valid files by damaging one part (a cell, a key, a value, a byte) as well as
drawn at random, so that most examples reach deep into validation rather than failing at the door.
Each example runs in a transaction that is rolled back, so examples do not see each other's rows.
"""

import copy
import csv
import io
import zipfile

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import IllegalCharacterError

from quizzes.bank_format import COLUMNS
from quizzes.models import Option, Question
from quizzes.services.bank_io import import_bank_file
from simulations.importer import ScenarioImportError, import_scenarios
from simulations.models import Choice, Scenario, Step
from tests.conftest import make_area
from tests.simulations.factories import small_scenario
from tests.training.test_importer import good
from training.importer import ImportFailed, import_zip, parse_file
from training.models import Course, Lesson

pytestmark = pytest.mark.django_db
FIXTURES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Text that breaks parsers: formulas, quotes, separators, control characters, CJK, huge, empty.
NASTY = st.sampled_from(
    ["", " ", "=1+1", "+SUM(A1)", "@x", "-2", "'=x", '"', "a,b", "\n", "\r\n", "\t", "\x00", "|", "；", "A|B",
     "单选题", "判断题", "正确", "社会保障", "social-security", "0", "-1", "99", "3.5", "nan", "None", "长" * 5000]
)  # fmt: skip
TEXT = st.one_of(NASTY, st.text(max_size=40))


def rolled_back(check):
    """Run check() in a transaction that is always undone: each example starts from the same rows."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@pytest.fixture
def social():
    return make_area("社会保障", code="social-security")


# --- Question bank ------------------------------------------------------------------------------

GOOD_ROW = {
    "题型": "单选题",
    "题干": "补换社保卡需要什么？",
    "选项A": "身份证",
    "选项B": "户口簿",
    "答案": "A",
    "解析": "一次告知",
    "难度": "2",
    "业务条线": "社会保障",
}


def csv_bytes(rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, "replace")


damaged_rows = st.lists(
    st.fixed_dictionaries({}, optional={column: TEXT for column in COLUMNS}).map(lambda d: GOOD_ROW | d),
    min_size=1,
    max_size=5,
)


def check_bank(filename: str, data: bytes) -> None:
    questions, options = Question.objects.count(), Option.objects.count()
    checked, summary = import_bank_file(filename=filename, data=data)  # no exception, whatever the file
    if checked.ok:
        assert Question.objects.count() == questions + summary["create"]
    else:
        assert checked.errors and all(error.message.strip() for error in checked.errors)
        assert (Question.objects.count(), Option.objects.count()) == (questions, options)  # all or nothing


@FIXTURES
@given(rows=damaged_rows, encoding=st.sampled_from(["utf-8-sig", "utf-8", "gb18030"]))
def test_any_csv_bank_imports_whole_or_not_at_all_with_a_reason(social, rows, encoding):
    rolled_back(lambda: check_bank("bank.csv", csv_bytes(rows, encoding)))


# openpyxl cannot write control characters at all, so no .xlsx holds them: strip them while drawing
# rather than reject such rows afterwards (rejecting most draws failed Hypothesis' filter_too_much check).
xlsx_rows = damaged_rows.map(
    lambda rows: [{column: ILLEGAL_CHARACTERS_RE.sub("", value) for column, value in row.items()} for row in rows]
)


@FIXTURES
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["bank.csv", "bank.xlsx", "bank.txt", "BANK.XLSX"]))
def test_any_bytes_as_a_bank_file_get_a_clear_refusal(social, data, filename):
    rolled_back(lambda: check_bank(filename, data))


@FIXTURES
@given(rows=xlsx_rows, formula_at=st.none() | st.sampled_from(COLUMNS))
def test_any_xlsx_bank_imports_whole_or_not_at_all_with_a_reason(social, rows, formula_at):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    buffer = io.BytesIO()
    try:
        for row in rows:
            sheet.append([row.get(column, "") for column in COLUMNS])
        if formula_at:
            sheet.cell(row=2, column=COLUMNS.index(formula_at) + 1, value="=1+1")
        book.save(buffer)
    except IllegalCharacterError:  # openpyxl refuses control characters itself: no such file exists
        assume(False)
    rolled_back(lambda: check_bank("bank.xlsx", buffer.getvalue()))


# --- Lesson packs -------------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
YAML_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)
)


def lesson_front_matter_damaged(key: str, value) -> str:
    text = good("prop")
    head, _, body = text.partition("\n---\n")
    meta = yaml.safe_load(head.removeprefix("---\n"))
    meta[key] = value
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body


lesson_texts = st.one_of(
    st.text(max_size=300),
    st.builds(
        lesson_front_matter_damaged,
        st.sampled_from(
            ["area", "course", "title", "slug", "order", "key_points", "difficult", "reading_minutes", "x"]
        ),
        YAML_VALUES,
    ),  # fmt: skip
    st.builds(lambda junk: "---\n" + junk + "\n---\n正文", st.text(max_size=200)),
)


@FIXTURES
@given(text=lesson_texts)
def test_any_lesson_file_parses_or_is_refused_with_a_reason(text):
    try:
        parse_file("prop.md", text)
    except ValueError as refusal:
        assert str(refusal).strip()


@FIXTURES
@given(
    members=st.dictionaries(
        st.one_of(
            st.sampled_from(["a.md", "ss/b.md", "../up.md", "/abs.md", "c:\\d.md", "x.png"]),
            st.text(min_size=1, max_size=12),
        ),
        lesson_texts,
        min_size=1,
        max_size=4,
    )
)
def test_any_lesson_pack_imports_whole_or_not_at_all(social, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            try:
                archive.writestr(name, text.encode("utf-8", "surrogatepass"))
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile itself cannot write
                assume(False)
    buffer.seek(0)
    buffer.name = "pack.zip"

    def check():
        try:
            import_zip(buffer)
        except ImportFailed as failed:
            assert failed.errors and all(str(error.reason).strip() for error in failed.errors)
            assert not Lesson.objects.exists() and not Course.objects.exists()

    rolled_back(check)


# --- Scenarios ----------------------------------------------------------------------------------


def damage(data: dict, path: list, value):
    """The scenario with the value at a path (keys and list indexes, followed as far as they go) replaced."""
    damaged = copy.deepcopy(data)
    node = damaged
    for step in path[:-1]:
        child = node[step] if isinstance(node, dict) and step in node else None
        if isinstance(node, list) and isinstance(step, int) and node:
            child = node[step % len(node)]
        if not isinstance(child, dict | list):
            break
        node = child
    last = path[-1]
    if isinstance(node, dict):
        node[last if isinstance(last, str) else "x"] = value
    elif node:
        node[last % len(node) if isinstance(last, int) else 0] = value
    return damaged


KEYS = st.sampled_from(["slug", "title", "area", "start", "steps", "choices", "next", "key", "kind", "items",
                        "need", "score", "accuracy", "branch", "below", "rubric", "time_limit", "persona", "fields",
                        0, 1, 2, 3])  # fmt: skip


@FIXTURES
@given(path=st.lists(KEYS, min_size=1, max_size=5), value=YAML_VALUES)
def test_any_scenario_file_imports_whole_or_not_at_all_with_a_reason(social, tmp_path_factory, path, value):
    folder = tmp_path_factory.mktemp("scenarios")
    data = damage(small_scenario(social.code), path, value)
    try:
        (folder / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    except yaml.YAMLError:
        assume(False)

    def check():
        try:
            import_scenarios(paths=[folder / "s.yaml"])
        except ScenarioImportError as error:
            assert error.issues and all(issue.message.strip() for issue in error.issues)
            assert not Scenario.objects.exists() and not Step.objects.exists() and not Choice.objects.exists()

    rolled_back(check)


@FIXTURES
@given(text=st.text(max_size=400) | st.builds(lambda v: yaml.safe_dump(v, allow_unicode=True), YAML_VALUES))
def test_any_text_as_a_scenario_file_is_refused_with_a_reason(social, tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("scenarios")
    (folder / "s.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")

    def check():
        with pytest.raises(ScenarioImportError) as error:
            import_scenarios(paths=[folder / "s.yaml"])
        assert error.value.issues and all(issue.message.strip() for issue in error.value.issues)
        assert not Scenario.objects.exists()

    rolled_back(check)
