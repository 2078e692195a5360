"""Reading the one sheet of an uploaded Excel workbook (.xlsx) as rows of text, safely.

A workbook is a zip archive of XML files, so an uploaded one is checked before
openpyxl reads it: it must be a zip, an Excel workbook, of one sheet, and
unpack to at most ``MAX_UNPACKED_BYTES`` (a small file that unpacks to
gigabytes, a "zip bomb", is refused from its table of contents; Python's
zipfile never unpacks more than an entry declares). openpyxl reads it in
read-only mode, row by row, through defusedxml (no entity expansion), and the
reading stops at ``max_rows`` rows or ``max_cells`` cells.

Each cell becomes the text a CSV file would hold: numbers as written (Excel
keeps 15 significant digits, so 0.1 + 0.2 reads as 0.3), a date as
``2025-03-31``, or ``2025-03`` when its cell shows only the month. A formula
gives the result the spreadsheet saved with it; a formula saved without one
(files written by programs often are) refuses the file rather than reading an
empty cell.
"""

import datetime
import io
import math
import re
import warnings
import zipfile
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# An encrypted workbook, and an Excel 97-2003 one, is an OLE compound file.
_COMPOUND_FILE_START = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 1000
MAX_COLUMNS = 100
# What a cell's number format shows, once its quoted text and [colour] parts are removed.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_SAVE_AS = "Save it from your spreadsheet as “Excel Workbook (.xlsx)” or as “CSV UTF-8”."

Rows = list[tuple[int, list[str]]]


class SheetRefused(Exception):
    """The file cannot be read as a workbook of one sheet; ``message`` says why, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is (or claims to be) a spreadsheet file rather than text: a zip
    archive, as .xlsx and .ods files are, or an OLE compound file, as .xls and
    password-protected workbooks are."""
    return data.startswith((*_ZIP_STARTS, _COMPOUND_FILE_START))


def read_sheet(data: bytes, *, max_rows: int, max_cells: int) -> Rows:
    """The sheet's first row (its row number 1) and every non-blank row after it, each with
    its row number and its cells as text, trailing empty cells left out.

    Raises ``SheetRefused`` for anything that is not an .xlsx workbook of one sheet
    that can be read within the limits.
    """
    archive = _open_archive(data)
    with warnings.catch_warnings():
        # openpyxl warns of parts it does not read (data validation, styles); they hold no data.
        warnings.simplefilter("ignore")
        rows, formulas = _read(archive, data_only=False, max_rows=max_rows, max_cells=max_cells)
        if formulas:
            _fill_formula_results(archive, rows, formulas)
    return rows


def _open_archive(data: bytes) -> io.BytesIO:
    if data.startswith(_COMPOUND_FILE_START):
        if _ENCRYPTED_PACKAGE in data:
            raise SheetRefused(
                "The workbook is protected by a password, so it cannot be read. Open it, "
                "remove the password (File › Info › Protect Workbook in Excel) and save it again."
            )
        raise SheetRefused(
            "The file is an Excel 97–2003 workbook (.xls), which the upload cannot read. "
            + _SAVE_AS
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise SheetRefused(
            f"The file is a damaged or incomplete zip archive, not a workbook that can be read. "
            f"{_SAVE_AS}"
        ) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names and "mimetype" in names:
            kind = "an OpenDocument spreadsheet (.ods)"
        elif "xl/workbook.bin" in names:
            kind = "an Excel binary workbook (.xlsb)"
        else:
            kind = "a zip archive but not an Excel workbook"
        raise SheetRefused(f"The file is {kind}, which the upload cannot read. {_SAVE_AS}")
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ARCHIVE_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise SheetRefused(
            f"The workbook unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB "
            f"(or more than {MAX_ARCHIVE_ENTRIES} parts), more than a sheet the upload "
            "accepts can hold. Upload fewer rows at a time."
        )
    return io.BytesIO(data)


def _load(archive: io.BytesIO, *, data_only: bool):
    try:
        return load_workbook(archive, read_only=True, data_only=data_only, keep_links=False)
    except SheetRefused:
        raise
    except Exception:  # openpyxl raises many kinds on a malformed file
        raise SheetRefused(
            f"The workbook cannot be read: it may be damaged, or not saved by a spreadsheet "
            f"program. {_SAVE_AS}"
        ) from None


def _sheet(workbook):
    names = workbook.sheetnames
    if len(names) != 1:
        listed = ", ".join(f"“{name}”" for name in names)
        raise SheetRefused(
            f"The workbook has {len(names)} sheets ({listed}); the upload reads a workbook of "
            "one sheet. Delete the other sheets, or copy the data into a new workbook."
        )
    sheet = workbook[names[0]]
    if not hasattr(sheet, "iter_rows"):
        raise SheetRefused(f"The workbook's sheet “{names[0]}” is a chart, not a sheet of cells.")
    # The size a sheet declares may be wrong; read every row it has.
    sheet.reset_dimensions()
    return sheet


def _read(archive, *, data_only: bool, max_rows: int, max_cells: int):
    """The rows, and where formulas are (row number, column index) when not ``data_only``."""
    workbook = _load(archive, data_only=data_only)
    rows: Rows = []
    formulas: list[tuple[int, int]] = []
    cells = 0
    try:
        sheet = _sheet(workbook)
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if number > max_rows:
                    raise SheetRefused(
                        f"The sheet goes on beyond row {max_rows:,} (it has cells there, if "
                        f"only formatted ones); the upload reads at most {max_rows:,} rows. "
                        "Upload the data in smaller files."
                    )
                # Counted as the sheet holds them, formatted empty cells too: all are read.
                cells += len(row)
                if cells > max_cells:
                    raise SheetRefused(
                        f"The sheet has more than {max_cells:,} cells, more than the upload "
                        "reads at once. Upload the data in smaller files, or delete the "
                        "columns it does not need."
                    )
                texts = []
                for index, cell in enumerate(row):
                    if cell.data_type == "f" and not data_only:
                        formulas.append((number, index))
                        texts.append(cell.value)
                    else:
                        texts.append(_text(cell.value, cell.number_format))
                while texts and texts[-1] == "":
                    texts.pop()
                if number > 1 and not texts:
                    continue
                if len(texts) > MAX_COLUMNS:
                    raise SheetRefused(
                        f"Row {number} has data in column {get_column_letter(len(texts))}; "
                        f"the upload reads at most {MAX_COLUMNS} columns."
                    )
                rows.append((number, texts))
        except SheetRefused:
            raise
        except Exception:  # as in _load: a malformed sheet
            raise SheetRefused(
                f"The workbook's sheet cannot be read: it may be damaged. {_SAVE_AS}"
            ) from None
    finally:
        workbook.close()
    return rows, formulas


def _fill_formula_results(archive, rows: Rows, formulas: list[tuple[int, int]]) -> None:
    """Put each formula's saved result in its place; refuse the file if any has none."""
    wanted = {}
    for number, index in formulas:
        wanted.setdefault(number, set()).add(index)
    # The same sheet again, with each formula's saved result in place of the formula.
    results, _ = _read(archive, data_only=True, max_rows=math.inf, max_cells=math.inf)
    by_number = dict(results)
    missing = []
    for number, texts in rows:
        for index in sorted(wanted.get(number, ())):
            saved = by_number.get(number, [])
            result = saved[index] if index < len(saved) else ""
            if result == "":
                missing.append(f"{get_column_letter(index + 1)}{number} ({texts[index]})")
            texts[index] = result
    if missing:
        more = f", and {len(missing) - 3} more" if len(missing) > 3 else ""
        cells = "1 cell holds" if len(missing) == 1 else f"{len(missing)} cells hold"
        raise SheetRefused(
            f"{cells} a formula saved without its result: {', '.join(missing[:3])}{more}. "
            "Open the file in your spreadsheet program and save it again, or replace the "
            "formulas with their values."
        )


def _text(value, number_format: str) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        # Excel keeps 15 significant digits; the binary noise beyond them is not the value.
        return format(Decimal(f"{value:.15g}"), "f")
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            return value.isoformat(sep=" ")
        value = value.date()
    if isinstance(value, datetime.date):
        shown = _FORMAT_LITERALS.sub("", number_format or "").lower()
        # A date typed as "2025-03" is stored as 1 March and shown as a month: a month.
        if "d" not in shown and "m" in shown:
            return f"{value:%Y-%m}"
        if "d" not in shown and "m" not in shown and "y" in shown:
            return f"{value:%Y}"
        return value.isoformat()
    return str(value)
