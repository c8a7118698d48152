"""Spreadsheet safety shared by every import and export (question bank, reports, 好差评).

A cell that starts like a formula is run by Excel, WPS and LibreOffice when the file is opened
(CSV/formula injection). Exports keep such text inert; imports undo the marking so a file that was
exported imports back unchanged.
"""

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    # Spreadsheet programs skip leading spaces and line breaks before deciding a cell is a formula.
    return value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)


def neutralize(value):
    """For CSV (which has no cell types): a cell that could start a formula, also after leading
    whitespace, gets a quote before it, so it is shown as text and never run."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """Undo neutralize() so that exported files import back unchanged."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


def set_text(cell, value) -> None:
    """Put a value into an openpyxl cell; text is always stored as a string cell (data_type "s").

    openpyxl turns any str starting with "=" into a formula; forcing the type keeps a name such as
    `=HYPERLINK(...)` as the text it is, with no visible apostrophe.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
