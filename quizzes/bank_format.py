"""The bank's file layout (the columns Chinese exam platforms use) and reading files safely.

Reading turns an uploaded .xlsx/.csv into rows of plain strings; it knows nothing about the
database. Validation and applying live in services.bank_io.
"""

import io
import zipfile
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from lianbing.spreadsheets import neutralize, unneutralize

from .models import QuestionKind

LABELS = "ABCDEF"
COL_KIND, COL_STEM, COL_ANSWER, COL_EXPLANATION = "题型", "题干", "答案", "解析"
COL_DIFFICULTY, COL_AREA, COL_SOURCE, COL_LESSONS = "难度", "业务条线", "政策依据", "关联课时"
OPTION_COLUMNS = [f"选项{label}" for label in LABELS]
COLUMNS = [
    COL_KIND,
    COL_STEM,
    *OPTION_COLUMNS,
    COL_ANSWER,
    COL_EXPLANATION,
    COL_DIFFICULTY,
    COL_AREA,
    COL_SOURCE,
    COL_LESSONS,
]
REQUIRED = [COL_KIND, COL_STEM, COL_ANSWER, COL_AREA]

KIND_NAMES = {
    "单选题": QuestionKind.SINGLE,
    "单选": QuestionKind.SINGLE,
    "多选题": QuestionKind.MULTIPLE,
    "多选": QuestionKind.MULTIPLE,
    "判断题": QuestionKind.TRUE_FALSE,
    "判断": QuestionKind.TRUE_FALSE,
    "填空题": QuestionKind.FILL_BLANK,
    "填空": QuestionKind.FILL_BLANK,
}
KIND_TITLES = {
    QuestionKind.SINGLE: "单选题",
    QuestionKind.MULTIPLE: "多选题",
    QuestionKind.TRUE_FALSE: "判断题",
    QuestionKind.FILL_BLANK: "填空题",
}
TRUE_WORDS = {"正确", "对", "是", "√", "A", "T", "TRUE"}
FALSE_WORDS = {"错误", "错", "否", "×", "X", "B", "F", "FALSE"}
ANSWER_SEPARATORS = "|｜;；"

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3000
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # an .xlsx of 3000 questions unpacks to a few MB


class BankFileError(Exception):
    """The file as a whole cannot be read (size, format, encoding, missing columns)."""


@dataclass(frozen=True)
class RawRow:
    number: int  # the spreadsheet row number (the header is row 1)
    values: dict[str, str]


def _decode_csv(data: bytes) -> str:
    # Excel saves Chinese CSV either as UTF-8 with a BOM or in the GBK family (GB18030 covers both).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BankFileError(_("无法识别文件编码：请另存为“CSV UTF-8”或 Excel 文件后再上传。"))


def _check_xlsx(data: bytes) -> None:
    """An .xlsx is a zip: refuse anything else, and a small file that would unpack to a huge one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise BankFileError(
            _("文件无法读取：这不是有效的 .xlsx 文件（可在 Excel 中另存为 .xlsx 后再上传）。")
        ) from None
    if "xl/workbook.xml" not in names:
        raise BankFileError(_("文件无法读取：这不是有效的 .xlsx 文件（可在 Excel 中另存为 .xlsx 后再上传）。"))
    if unpacked > MAX_UNPACKED_BYTES:
        raise BankFileError(_("文件解压后过大：请拆分后分批导入。"))


MAX_FORMULAS_NAMED = 10


def _refuse_formulas(data: bytes) -> None:
    """Refuse a workbook whose first sheet (the one read) holds a formula, naming each cell.

    pandas reads the value Excel cached for a formula, and a file written by a program that caches
    none reads as blank: `=1+1` in 难度 silently became the default difficulty."""
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found = []
        for row in book.worksheets[0].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append(f"{get_column_letter(cell.column)}{cell.row}（{str(cell.value)[:40]}）")
    finally:
        book.close()
    if found:
        shown = "、".join(found[:MAX_FORMULAS_NAMED]) + ("……" if len(found) > MAX_FORMULAS_NAMED else "")
        raise BankFileError(
            _("文件含有公式，题库只收文字和数字：%(cells)s。请把这些单元格改成数值（复制后“选择性粘贴 → 值”）再导入。")
            % {"cells": shown}
        )


def read_bank_file(*, filename: str, data: bytes) -> list[RawRow]:
    if len(data) > MAX_BYTES:
        raise BankFileError(_("文件过大：最大 %(mb)s MB。") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise BankFileError(_("文件是空的。"))
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            _check_xlsx(data)
            _refuse_formulas(data)
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
        elif name.endswith(".csv"):
            frame = pd.read_csv(io.StringIO(_decode_csv(data)), dtype=str, keep_default_na=False)
        else:
            raise BankFileError(_("只支持 .xlsx 或 .csv 文件。"))
    except BankFileError:
        raise
    except Exception as error:  # pandas and openpyxl raise many kinds for a broken file
        raise BankFileError(_("文件无法读取：%(error)s") % {"error": str(error)[:200]}) from error
    frame.columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise BankFileError(
            _("缺少必需的列：%(cols)s（若列名是乱码，请检查文件编码）。") % {"cols": "、".join(missing)}
        )
    if len(frame) > MAX_ROWS:
        raise BankFileError(_("行数过多：一次最多导入 %(n)s 题。") % {"n": MAX_ROWS})
    rows = []
    for index, record in enumerate(frame.to_dict("records")):
        values = {column: unneutralize(str(record.get(column, "") or "").strip()) for column in COLUMNS}
        if any(values.values()):
            rows.append(RawRow(number=index + 2, values=values))
    return rows


def write_bank_file(records: list[dict], *, fmt: str) -> bytes:
    """The bank as .xlsx or .csv (UTF-8 with a BOM, so Excel opens it), every cell neutralised."""
    frame = pd.DataFrame(
        [{column: neutralize(record.get(column, "")) for column in COLUMNS} for record in records], columns=COLUMNS
    )
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="题库", engine="openpyxl")
    return buffer.getvalue()
