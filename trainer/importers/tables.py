"""Read a table from CSV, tab-separated text or XLSX (first sheet), with line numbers.

Shared by the CPT, NCCI and MUE importers. Rows come back as lists of strings (numbers
from a spreadsheet as their integer text when whole, dates as YYYYMMDD), each with the
line (CSV) or row (XLSX) number a person sees in the file.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from trainer.importers import file_error

csv.field_size_limit(1 << 24)


def decode_text(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.strftime("%Y%m%d")
    return str(value).strip()


def is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    try:
        with zipfile.ZipFile(path) as zf:
            return "[Content_Types].xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def count_rows(path: Path) -> int:
    """A quick estimate of the rows (for a progress bar)."""
    if is_xlsx(path):
        try:
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            n = wb.worksheets[0].max_row or 0
            wb.close()
            return n
        except Exception:  # noqa: BLE001 - only an estimate
            return 0
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-empty row of a CSV/TSV/text or XLSX file."""
    path = Path(path)
    if is_xlsx(path):
        yield from _xlsx_rows(path)
        return
    raw = path.read_bytes()
    if raw[:2] == b"PK":
        raise file_error(path, None, "this is a zip file; unzip it and import the .csv, "
                                     ".txt or .xlsx file inside")
    if b"\0" in raw[:4096]:
        raise file_error(path, None, "this is not a text, CSV or XLSX file (old .xls "
                                     "spreadsheets: save as .xlsx or CSV first)")
    text = decode_text(raw)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                yield line, [c.strip() for c in cells]
            line = reader.line_num + 1
    except csv.Error as exc:
        raise file_error(path, reader.line_num, f"cannot read this line as {_name(delimiter)}"
                                                f" ({exc}); check its quotes") from None


def _name(delimiter: str) -> str:
    return {"\t": "tab-separated text", ",": "CSV", "|": "pipe-separated text",
            ";": "semicolon-separated text"}[delimiter]


def _sniff_delimiter(text: str) -> str:
    """Tab, comma, pipe or semicolon: whichever splits the first lines most consistently."""
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    best, best_score = ",", -1
    for d in ("\t", ",", "|", ";"):
        counts = [ln.count(d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        # the delimiter present on most lines wins; tab first on ties
        score = sum(1 for c in counts if c > 0)
        if score > best_score:
            best, best_score = d, score
    return best


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
        raise file_error(path, None, f"cannot open this spreadsheet ({exc}); save it again "
                                     "as .xlsx or CSV") from None
    try:
        ws = wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in row]
            if any(cells):
                yield i, cells
    finally:
        wb.close()


def norm_header(cell: str) -> str:
    """Lower case, single spaces, no punctuation but / and *: ``"Column 1\\n"`` -> ``column 1``."""
    out = []
    for ch in cell.lower():
        out.append(ch if ch.isalnum() or ch in "/*=" else " ")
    return " ".join("".join(out).split())
