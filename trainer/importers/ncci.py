"""Import the CMS NCCI procedure-to-procedure (PTP) edits and medically unlikely edits (MUE).

Both come from CMS as XLSX (older releases as tab-separated text); CSV works too. Notice
lines above the header are skipped; the header row is found by its column names.

PTP columns (CMS names): ``Column 1``, ``Column 2``, ``*=in existence prior to 1996``
(ignored), ``Effective Date``, ``Deletion Date *=no data``, ``Modifier 0=not allowed
1=allowed 9=not applicable``, ``PTP Edit Rationale`` (optional). Dates are YYYYMMDD
(``*`` or empty: no deletion). A pair is keyed by column 1, column 2 and effective date;
CMS splits the practitioner edits over several files, so each import adds to the table.

MUE columns: ``HCPCS/CPT Code``, ``<Setting> Services MUE Values`` (practitioner,
outpatient hospital or DME supplier, taken from the header), ``MUE Adjudication
Indicator`` (``1 Line Edit``, ``2 Date of Service Edit: Policy``, ``3 Date of Service
Edit: Clinical``; the leading digit counts), ``MUE Rationale`` (optional).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import sqlite_utils

from trainer import catalog
from trainer.importers import ImportSummary, ProgressFn, Ticker, file_error
from trainer.importers.tables import count_rows, norm_header, read_rows

_CODE = re.compile(r"^[0-9A-Z]{4}[0-9A-Z]$")
_HEADER_SCAN_ROWS = 40


def _date(path: Path, line: int, value: str, what: str, *, optional: bool) -> str | None:
    v = value.strip()
    if v in ("", "*") and optional:
        return None
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", v) or re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    if m:
        y, mo, d = m.groups()
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", v)
        if not m:
            extra = " (or * for none)" if optional else ""
            raise file_error(path, line, f'{what} "{v}" is not a date: write YYYYMMDD{extra}')
        mo, d, y = m.groups()
        mo, d = mo.zfill(2), d.zfill(2)
    if not ("01" <= mo <= "12" and "01" <= d <= "31"):
        raise file_error(path, line, f'{what} "{v}" is not a real date')
    return f"{y}-{mo}-{d}"


def _code(path: Path, line: int, value: str, what: str) -> str:
    c = catalog.normalize_code(value)
    if not _CODE.match(c):
        shown = c if c else "(empty)"
        raise file_error(path, line, f'{what} "{shown}" is not a CPT or HCPCS code '
                                     "(5 characters); fix or remove the row")
    return c


def _ptp_header(cells: list[str]) -> dict | None:
    names = [norm_header(c) for c in cells]
    cols: dict[str, int] = {}
    for i, n in enumerate(names):
        if re.match(r"^column ?1\b", n) and "c1" not in cols:
            cols["c1"] = i
        elif re.match(r"^column ?2\b", n) and "c2" not in cols:
            cols["c2"] = i
        elif "effective" in n and "eff" not in cols:
            cols["eff"] = i
        elif "deletion" in n and "del" not in cols:
            cols["del"] = i
        elif "modifier" in n and "mod" not in cols:
            cols["mod"] = i
        elif "rationale" in n and "why" not in cols:
            cols["why"] = i
    if {"c1", "c2", "eff", "mod"} <= cols.keys():
        return cols
    return None


def _mue_header(cells: list[str]) -> dict | None:
    names = [norm_header(c) for c in cells]
    cols: dict = {}
    for i, n in enumerate(names):
        if "mue value" in n and "value" not in cols:
            cols["value"] = i
            if "practitioner" in n:
                cols["setting"] = "practitioner"
            elif "outpatient" in n or "facility" in n:
                cols["setting"] = "outpatient hospital"
            elif "dme" in n:
                cols["setting"] = "DME supplier"
        elif "indicator" in n and "ind" not in cols:
            cols["ind"] = i
        elif "rationale" in n and "why" not in cols:
            cols["why"] = i
        elif "code" in n and "code" not in cols:
            cols["code"] = i
    if {"code", "value", "ind"} <= cols.keys():
        cols.setdefault("setting", "practitioner")
        return cols
    return None


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _read(path: Path, find_header, what: str, example: str, tick: Ticker, estimate: int):
    header = None
    for line, cells in read_rows(path):
        if line % 500 == 0:
            tick(min(line, estimate))
        if header is None:
            header = find_header(cells)
            if header is None and line >= _HEADER_SCAN_ROWS:
                break
            continue
        yield line, cells, header
    if header is None:
        raise file_error(path, None, f"no {what} header row found in the first "
                                     f"{_HEADER_SCAN_ROWS} lines (expected columns {example}); "
                                     "is this the CMS file?")


def _merge(db: sqlite_utils.Database, table: str, pk: tuple[str, ...], cols: tuple[str, ...],
           rows: list[tuple], *, deletion_col: str | None) -> dict:
    """Upsert ``rows`` into ``table`` through a temporary table; count what changed."""
    tmp = f"incoming_{table}"
    db.execute(f"DROP TABLE IF EXISTS temp.{tmp}")
    db.execute(f"CREATE TEMP TABLE {tmp} AS SELECT {', '.join(cols)} FROM {table} WHERE 0")
    db.execute(f"CREATE UNIQUE INDEX temp.{tmp}_pk ON {tmp} ({', '.join(pk)})")
    marks = ", ".join("?" for _ in cols)
    db.conn.executemany(f"INSERT OR REPLACE INTO temp.{tmp} ({', '.join(cols)}) VALUES ({marks})", rows)
    join = " AND ".join(f"t.{k} = n.{k}" for k in pk)
    same = " AND ".join(f"t.{c} IS n.{c}" for c in cols if c != "source")
    n_in = db.execute(f"SELECT count(*) FROM temp.{tmp}").fetchone()[0]
    added = db.execute(
        f"SELECT count(*) FROM temp.{tmp} n WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {join})"
    ).fetchone()[0]
    unchanged = db.execute(
        f"SELECT count(*) FROM temp.{tmp} n WHERE EXISTS (SELECT 1 FROM {table} t WHERE {same})"
    ).fetchone()[0]
    terminated = 0
    if deletion_col:
        terminated = db.execute(
            f"SELECT count(*) FROM temp.{tmp} n WHERE n.{deletion_col} IS NOT NULL AND NOT EXISTS"
            f" (SELECT 1 FROM {table} t WHERE {join} AND t.{deletion_col} IS NOT NULL)"
        ).fetchone()[0]
    db.execute(
        f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)}"
        f" FROM temp.{tmp} n WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})")
    db.execute(f"DROP TABLE temp.{tmp}")
    return {"added": added, "updated": n_in - added - unchanged, "terminated": terminated,
            "unchanged": unchanged, "read": n_in}


def import_ncci_ptp(db: sqlite_utils.Database, path: Path, *, progress: ProgressFn = None) -> ImportSummary:
    """Import a CMS NCCI PTP edit file (CSV, text or XLSX)."""
    path = Path(path)
    estimate = max(1, count_rows(path))
    tick = Ticker(progress, estimate * 2)
    source = f"CMS NCCI PTP ({path.name})"
    rows: list[tuple] = []
    for line, cells, h in _read(path, _ptp_header, "NCCI PTP",
                                '"Column 1", "Column 2", "Effective Date", "Deletion Date", '
                                '"Modifier"', tick, estimate):
        c1 = _code(path, line, _cell(cells, h["c1"]), "column 1 code")
        c2 = _code(path, line, _cell(cells, h["c2"]), "column 2 code")
        eff = _date(path, line, _cell(cells, h["eff"]), "effective date", optional=False)
        dele = _date(path, line, _cell(cells, h.get("del")), "deletion date", optional=True)
        mod = _cell(cells, h["mod"])
        if mod not in ("0", "1", "9"):
            raise file_error(path, line, f'modifier indicator "{mod}" must be 0 (no modifier '
                                         "allowed), 1 (allowed) or 9 (not applicable)")
        why = _cell(cells, h.get("why")) or None
        rows.append((c1, c2, eff, dele, int(mod), why, source))
    if not rows:
        raise file_error(path, None, "the header is there but no edits follow it")
    tick(estimate)
    with db.atomic():
        counts = _merge(db, "ncci_ptp", ("column1", "column2", "effective"),
                        ("column1", "column2", "effective", "deletion", "modifier_indicator",
                         "rationale", "source"), rows, deletion_col="deletion")
        summary = _summary("ncci-ptp", "CMS NCCI PTP edits", path, counts, "edits")
        if summary.changed:
            catalog.record_import(db, kind="ncci-ptp", file=path.name,
                                  sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                                  source=source, counts=counts)
    tick.done()
    return summary


def import_mue(db: sqlite_utils.Database, path: Path, *, progress: ProgressFn = None) -> ImportSummary:
    """Import a CMS MUE table (CSV, text or XLSX)."""
    path = Path(path)
    estimate = max(1, count_rows(path))
    tick = Ticker(progress, estimate * 2)
    source = f"CMS MUE ({path.name})"
    rows: list[tuple] = []
    setting = None
    for line, cells, h in _read(path, _mue_header, "MUE",
                                '"HCPCS/CPT Code", "Practitioner Services MUE Values", '
                                '"MUE Adjudication Indicator"', tick, estimate):
        setting = h["setting"]
        code = _code(path, line, _cell(cells, h["code"]), "code")
        raw_value = _cell(cells, h["value"])
        if not re.fullmatch(r"\d+", raw_value):
            raise file_error(path, line, f'MUE value "{raw_value}" for {code} must be a whole '
                                         "number of units (0 or more)")
        ind_text = _cell(cells, h["ind"])
        m = re.match(r"^\s*([123])\b", ind_text)
        if not m:
            raise file_error(path, line, f'adjudication indicator "{ind_text}" for {code} must '
                                         "start with 1 (per line), 2 or 3 (per day)")
        why = _cell(cells, h.get("why")) or None
        rows.append((code, setting, int(raw_value), int(m.group(1)), why, source))
    if not rows:
        raise file_error(path, None, "the header is there but no codes follow it")
    tick(estimate)
    with db.atomic():
        counts = _merge(db, "mue", ("code", "setting"),
                        ("code", "setting", "value", "indicator", "rationale", "source"), rows,
                        deletion_col=None)
        summary = _summary("mue", f"CMS MUE ({setting})", path, counts, "codes")
        if summary.changed:
            catalog.record_import(db, kind="mue", file=path.name,
                                  sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                                  source=source, counts=counts)
    tick.done()
    return summary


def _summary(kind: str, source: str, path: Path, counts: dict, what: str) -> ImportSummary:
    return ImportSummary(kind, source, str(path), read=counts["read"], added=counts["added"],
                         updated=counts["updated"], terminated=counts["terminated"],
                         unchanged=counts["unchanged"], what=what)
