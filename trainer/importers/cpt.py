"""Import a CPT file the user is licensed for: code + descriptor, with a header row.

Accepted: CSV, tab-, pipe- or semicolon-separated text (UTF-8 or Windows-1252), or XLSX
(first sheet). The header row names the columns; the first row that has both a code
column and a descriptor column is the header (licence notices above it are skipped):

- code column: ``Code``, ``CPT Code``, ``CPT``, ``HCPCS``, ``Procedure Code``, ``CPT_CODE``
- descriptor column, first found of: ``Long Descriptor``, ``Long Description``,
  ``Descriptor``, ``Description``, ``Medium Descriptor``, ``Short Descriptor``,
  ``Consumer Friendly Descriptor``, ``Desc``

Codes are CPT shapes: 5 digits (Category I) or 4 digits then F, T, U or M. The
descriptors replace our summaries in this bank only (source ``licensed CPT file``); they
are never written anywhere else.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import sqlite_utils

from trainer import catalog
from trainer.importers import ImportSummary, ProgressFn, Ticker, file_error
from trainer.importers.tables import count_rows, norm_header, read_rows

CODE_HEADERS = ("code", "cpt code", "cpt", "cpt codes", "hcpcs", "hcpcs code",
                "procedure code", "cpt code id", "cpt_code", "cptcode")
DESCRIPTOR_HEADERS = ("long descriptor", "long description", "descriptor", "description",
                      "long desc", "medium descriptor", "medium description",
                      "short descriptor", "short description",
                      "consumer friendly descriptor", "consumer descriptor", "desc")
_CPT = re.compile(r"^\d{4}[0-9FTUM]$")
_HEADER_SCAN_ROWS = 30


def _find_header(cells: list[str]) -> tuple[int, int] | None:
    names = [norm_header(c).replace("_", " ") for c in cells]
    code_col = next((i for i, n in enumerate(names) if n in CODE_HEADERS), None)
    if code_col is None:
        return None
    for want in DESCRIPTOR_HEADERS:
        for i, n in enumerate(names):
            if n == want and i != code_col:
                return code_col, i
    return None


def import_cpt(db: sqlite_utils.Database, path: Path, *, progress: ProgressFn = None) -> ImportSummary:
    path = Path(path)
    estimate = max(1, count_rows(path))
    tick = Ticker(progress, estimate * 2)
    header = None
    header_line = None
    found: dict[str, str] = {}
    for line, cells in read_rows(path):
        if line % 200 == 0:
            tick(min(line, estimate))
        if header is None:
            header = _find_header(cells)
            if header is None:
                if line >= _HEADER_SCAN_ROWS:
                    break
                continue
            header_line = line
            continue
        ci, di = header
        code = catalog.normalize_code(cells[ci] if ci < len(cells) else "")
        desc = " ".join((cells[di] if di < len(cells) else "").split())
        if not code:
            raise file_error(path, line, "the code cell is empty; every row needs a code "
                                         "and a descriptor")
        if not _CPT.match(code):
            raise file_error(path, line, f'"{code}" is not a CPT code (5 digits, or 4 digits '
                                         "then F, T, U or M); remove the row or fix the code")
        if not desc:
            raise file_error(path, line, f"{code} has no descriptor; every row needs one")
        found[code] = desc
    if header is None:
        raise file_error(path, 1, "no header row naming a code column (Code, CPT Code) and a "
                                  "descriptor column (Long Descriptor, Description); add one "
                                  "as the first line")
    if not found:
        raise file_error(path, header_line, "the header is there but no codes follow it")
    tick(estimate)
    rows = [catalog.make_row(code, summary=desc, source=catalog.SOURCE_LICENSED_CPT,
                             kind="procedure", system="cpt")
            for code, desc in sorted(found.items())]

    def merge_progress(done: int, of: int) -> None:
        tick(estimate + done * estimate // max(1, of))

    def keep(old: dict, new: dict) -> dict | None:
        # the licensed text replaces our summary; status and dates stay as they were
        return dict(new, status=old["status"], added=old["added"],
                    effective=old["effective"], terminated=old["terminated"])

    with db.atomic():
        counts = catalog.merge_codes(db, rows, systems={"cpt"}, keep=keep,
                                     progress=merge_progress)
        summary = ImportSummary("cpt", catalog.SOURCE_LICENSED_CPT, str(path), read=len(rows),
                                **counts.as_dict())
        if summary.changed:
            catalog.record_import(db, kind="cpt", file=path.name,
                                  sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                                  source=catalog.SOURCE_LICENSED_CPT, counts=counts.as_dict())
    summary.notes.append("The descriptors stay in this bank on this computer only.")
    tick.done()
    return summary
