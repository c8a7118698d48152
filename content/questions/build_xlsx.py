"""Build demo_bank.xlsx from demo_bank.csv (the CSV is the source; edit it, then run this).

    .venv/bin/python content/questions/build_xlsx.py

Every cell is written as text exactly as in the CSV (难度 as a number), with a bold, frozen header
and readable column widths. The file is byte-for-byte reproducible: the workbook's dates and the
zip entries' times are fixed, so rebuilding an unchanged CSV changes nothing in git.
tests/quizzes/test_demo.py checks that the two files import identically.
"""

import csv
import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2026, 1, 1)
WIDTHS = {"题型": 8, "题干": 48, "答案": 8, "解析": 48, "难度": 6, "业务条线": 14, "政策依据": 28, "关联课时": 22}


def build(source: Path, target: Path) -> None:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(header)
    difficulty = header.index("难度")
    for row in body:
        cells = list(row)
        if cells[difficulty].isdigit():
            cells[difficulty] = int(cells[difficulty])
        sheet.append(cells)
    for cell in (cell for row in sheet.iter_rows() for cell in row):
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text as written, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, name in enumerate(header):
        letter = sheet.cell(row=1, column=column + 1).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(name, 16)
        if name in ("题干", "解析"):
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.properties.creator = "练兵 Lianbing"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    target.write_bytes(_fixed_zip_times(buffer.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times (openpyxl stamps the current time on every entry)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets "modified" to now when it saves
                body = _fixed_core_dates(body)
            target.writestr(fixed, body)
    return out.getvalue()


def _fixed_core_dates(body: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", body)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "demo_bank.csv"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".xlsx")
    build(source, target)
    print(f"{target} ← {source}")
