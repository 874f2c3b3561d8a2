"""Import the CMS Alpha-Numeric HCPCS file (the yearly zip, or the fixed-width ``.txt``).

Layout (1-based columns): 1-5 code (a modifier is 2 characters, right-aligned), 6-10
sequence number, 11 record type (3 code, 4 code continuation, 7 modifier, 8 modifier
continuation), 12-91 long description, 92-119 short description, 269-276 date added,
277-284 action effective date, 285-292 termination date (blank while active), 293 action
code. Disclaimer lines before the first record are skipped. Continuation lines are joined
to the long description. Terminated codes are kept and marked terminated with their date.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import sqlite_utils

from trainer import catalog
from trainer.importers import ImportSummary, ProgressFn, Ticker, file_error
from trainer.importers.tables import decode_text

_RECORD = re.compile(r"^[ 0-9A-Z]{5}\d{5}[3478]")
_CODE = re.compile(r"^[A-Z]\d{4}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_YEAR_IN_NAME = re.compile(r"HCPC(?:S)?[_-]?(\d{4})", re.I)


def _read_input(path: Path) -> tuple[str, str, bytes]:
    """(text, member name, raw bytes) of the fixed-width file, from a zip or a .txt."""
    raw = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            best = None
            for info in zf.infolist():
                if info.is_dir() or not info.filename.lower().endswith(".txt"):
                    continue
                data = zf.read(info)
                text = decode_text(data)
                n = sum(1 for line in text.splitlines()[:400] if _RECORD.match(line))
                if n and (best is None or n > best[0]):
                    best = (n, info.filename, data, text)
            if best is None:
                raise file_error(path, None,
                                 "no fixed-width HCPCS .txt file inside this zip; use the "
                                 "'Alpha-Numeric HCPCS File' zip as CMS publishes it")
            return best[3], best[1], best[2]
    return decode_text(raw), path.name, raw


def _date(path: Path, line_no: int, value: str, what: str) -> str | None:
    v = value.strip()
    if not v:
        return None
    if not re.fullmatch(r"\d{8}", v):
        raise file_error(path, line_no, f'{what} "{v}" is not a date written YYYYMMDD; '
                                        "is this the CMS fixed-width file?")
    y, m, d = v[:4], v[4:6], v[6:]
    if not ("01" <= m <= "12" and "01" <= d <= "31"):
        raise file_error(path, line_no, f'{what} "{v}" is not a real date')
    return f"{y}-{m}-{d}"


def parse_hcpcs(path: Path, progress: ProgressFn = None) -> tuple[list[dict], str, int]:
    """(records, year, data lines) from the CMS file. Records: code, kind (code|modifier),
    long, short, added, effective, terminated, line. Raises ImportFileError on a bad line."""
    path = Path(path)
    text, member, _raw = _read_input(path)
    lines = text.splitlines()
    tick = Ticker(progress, len(lines) * 2)
    records: list[dict] = []
    started = False
    data_lines = 0
    for i, line in enumerate(lines, start=1):
        if i % 500 == 0:
            tick(i)
        if not line.strip():
            continue
        if not _RECORD.match(line):
            if not started:
                continue  # the disclaimer before the first record
            raise file_error(path, i, "this line is not an HCPCS record (5-character code, "
                                      "5-digit sequence number, record type 3, 4, 7 or 8); "
                                      "use the file exactly as CMS publishes it")
        started = True
        data_lines += 1
        code = line[0:5].strip()
        rtype = line[10]
        long_part = line[11:91].strip()
        if rtype in "48":
            prev = records[-1] if records else None
            want = "code" if rtype == "4" else "modifier"
            if prev is None or prev["code"] != code or prev["kind"] != want:
                raise file_error(path, i, f'continuation line for "{code}" does not follow '
                                          f"the {want} record it continues")
            if long_part:
                prev["long"] = f"{prev['long']} {long_part}".strip()
            continue
        kind = "code" if rtype == "3" else "modifier"
        if kind == "code" and not _CODE.match(code):
            raise file_error(path, i, f'"{code}" is not an HCPCS Level II code '
                                      "(a letter and 4 digits)")
        if kind == "modifier" and not _MODIFIER.match(code):
            raise file_error(path, i, f'"{code}" is not an HCPCS modifier (2 characters)')
        if len(line) < 284:
            raise file_error(path, i, f"the record for {code} is cut short ({len(line)} "
                                      "characters, 293 expected); the file may be damaged")
        records.append({
            "code": code, "kind": kind, "long": long_part,
            "short": line[91:119].strip(),
            "added": _date(path, i, line[268:276], "date added"),
            "effective": _date(path, i, line[276:284], "action effective date"),
            "terminated": _date(path, i, line[284:292], "termination date"),
            "line": i,
        })
    if not records:
        raise file_error(path, None, "no HCPCS records found; use the 'Alpha-Numeric HCPCS "
                                     "File' zip (or its .txt) as CMS publishes it")
    m = _YEAR_IN_NAME.search(member) or _YEAR_IN_NAME.search(path.name)
    if m:
        year = m.group(1)
    else:
        dates = [r["effective"] or r["added"] or "" for r in records]
        year = max(dates)[:4] if any(dates) else "file"
    for r in records:
        r["long"] = re.sub(r"\s+", " ", r["long"]).strip() or r["short"]
    return records, year, data_lines


def import_hcpcs(db: sqlite_utils.Database, path: Path, *, progress: ProgressFn = None) -> ImportSummary:
    """Import the CMS HCPCS file into the catalog; returns what it did."""
    path = Path(path)
    n_lines_holder: list[int] = []

    def parse_progress(done: int, total: int) -> None:
        n_lines_holder[:] = [total]
        if progress:
            progress(done, total)

    records, year, _data_lines = parse_hcpcs(path, parse_progress)
    total = n_lines_holder[0] if n_lines_holder else len(records) * 2
    source = f"CMS HCPCS {year}"
    rows = []
    for r in records:
        status = "terminated" if r["terminated"] else "active"
        if r["kind"] == "modifier":
            row = catalog.make_row(r["code"], summary=r["long"], source=source, kind="modifier",
                                   system="modifier", category="HCPCS modifier",
                                   status=status, added=r["added"], effective=r["effective"],
                                   terminated=r["terminated"], billable=None)
        else:
            row = catalog.make_row(r["code"], summary=r["long"], source=source, kind="procedure",
                                   system="hcpcs", category="HCPCS Level II",
                                   status=status, added=r["added"], effective=r["effective"],
                                   terminated=r["terminated"])
        rows.append(row)
    half = max(1, total // 2)

    def merge_progress(done: int, of: int) -> None:
        if progress:
            progress(half + done * half // max(1, of), 2 * half)

    def keep(old: dict, new: dict) -> dict | None:
        # CMS also lists a few CPT modifiers (P1-P6): its text wins, the category stays.
        if old["system"] == "modifier" and old["category"] == "CPT modifier":
            return dict(new, category=old["category"], keywords=old["keywords"])
        return new

    with db.atomic():
        counts = catalog.merge_codes(
            db, rows, systems={"hcpcs", "modifier"}, keep=keep, progress=merge_progress)
        summary = ImportSummary("hcpcs", source, str(path), read=len(records),
                                **counts.as_dict())
        if summary.changed:
            catalog.record_import(db, kind="hcpcs", file=path.name,
                                  sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                                  source=source, counts=counts.as_dict())
    n_mod = sum(1 for r in records if r["kind"] == "modifier")
    n_term = sum(1 for r in records if r["terminated"])
    n_codes = len(records) - n_mod

    def count(n: int, word: str) -> str:
        return f"{n:,} {word}" + ("" if n == 1 else "s")

    term = ("none is terminated" if n_term == 0 else
            f"{n_term:,} {'is' if n_term == 1 else 'are'} terminated (kept and marked)")
    summary.notes.append(f"The file has {count(n_codes, 'procedure code')} and "
                         f"{count(n_mod, 'modifier')}; {term}.")
    if progress:
        progress(2 * half, 2 * half)
    return summary
