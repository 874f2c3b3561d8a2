"""Catalog importers: CMS HCPCS, ICD-10-CM, licensed CPT, NCCI PTP and MUE."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import sqlite_utils

from trainer import catalog
from trainer.errors import ImportFileError, TrainerError
from trainer.importers import ImportCancelled, run_import

SHARED = Path(__file__).resolve().parents[2] / "shared"
HCPCS_ZIP = SHARED / "data" / "hcpcs" / "HCPC2020_ANWEB.zip"


@pytest.fixture
def db():
    d = sqlite_utils.Database(memory=True)
    catalog.open_catalog(d)
    return d


def snapshot(db):
    return (
        db.execute("SELECT * FROM catalog ORDER BY id").fetchall(),
        db.execute("SELECT * FROM ncci_ptp ORDER BY column1, column2").fetchall(),
        db.execute("SELECT * FROM mue ORDER BY code").fetchall(),
        db.execute("SELECT count(*) FROM catalog_fts WHERE catalog_fts MATCH 'injection'").fetchone(),
    )


class Progress:
    def __init__(self):
        self.calls = []

    def __call__(self, done, total):
        self.calls.append((done, total))

    def check(self):
        assert self.calls, "progress was never reported"
        dones = [d for d, _ in self.calls]
        assert dones == sorted(dones), "progress went backwards"
        assert self.calls[-1][0] == self.calls[-1][1], "progress did not end at 100%"
        assert all(0 <= d <= t for d, t in self.calls)


# ----------------------------------------------------------------------------- HCPCS

def record(code, seq, rtype, long="", short="", added="20200101", eff="20200101", term=""):
    """One fixed-width record in the CMS layout (293+ characters)."""
    line = f"{code:>5}"[:5] if len(code) == 2 else f"{code:<5}"
    line += f"{seq:05d}{rtype}{long:<80}{short:<28}"
    line = line.ljust(268) + f"{added:<8}{eff:<8}{term:<8}N"
    return line.ljust(320)


def hcpcs_text(records):
    head = ["Note regarding coverage and payment indicators for codes", "",
            "This is neither an indicator of coverage.", "", ""]
    return "\r\n".join(head + records) + "\r\n"


SMALL = [
    record("A1", 100, "7", "Dressing for one wound", "Dressing for one wound"),
    record("LT", 100, "7", "Left side (used to identify procedures performed on the left side of",
           "Left side"),
    record("LT", 200, "8", "the body)"),
    record("A0080", 100, "3", "Non-emergency transportation, per mile - vehicle provided by volunteer",
           "Noner transport"),
    record("A0080", 200, "4", "(individual or organization), with no vested interest"),
    record("J1030", 100, "3", "Injection, methylprednisolone acetate, 40 mg", "Methylpred 40"),
    record("A4466", 100, "3", "Garment, belt, sleeve or other covering", "Garment", term="20161231"),
]


def write_hcpcs(tmp_path, records, name="HCPC2020_ANWEB_w_disclaimer.txt", zipped=False):
    txt = hcpcs_text(records).encode("cp1252")
    if not zipped:
        p = tmp_path / name
        p.write_bytes(txt)
        return p
    p = tmp_path / "HCPC2020_ANWEB.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("HCPC2020_README.txt", "read me")
        zf.writestr(name, txt)
    return p


@pytest.mark.parametrize("zipped", [False, True])
def test_hcpcs_small_file(db, tmp_path, zipped):
    p = write_hcpcs(tmp_path, SMALL, zipped=zipped)
    prog = Progress()
    s = run_import(db, "hcpcs", p, progress=prog)
    prog.check()
    assert s.source == "CMS HCPCS 2020"
    assert s.read == 5 and s.terminated == 1
    row = catalog.lookup(db, "A0080")
    assert row["summary"] == ("Non-emergency transportation, per mile - vehicle provided by volunteer "
                              "(individual or organization), with no vested interest")
    assert row["added"] == "2020-01-01" and row["status"] == "active"
    lt = catalog.lookup(db, "LT", "modifier")
    assert lt["summary"].endswith("left side of the body)") and lt["source"] == "CMS HCPCS 2020"
    gone = catalog.lookup(db, "A4466")
    assert gone["status"] == "terminated" and gone["terminated"] == "2016-12-31"
    # our bundled summary of J1030 was replaced by the CMS text: updated, not added
    assert catalog.lookup(db, "J1030")["summary"].startswith("Injection, methylprednisolone")
    assert "J1030" in [r["code"] for r in catalog.search(db, "methylprednisolone")]


def test_hcpcs_same_file_twice_changes_nothing(db, tmp_path):
    p = write_hcpcs(tmp_path, SMALL)
    run_import(db, "hcpcs", p)
    before = snapshot(db)
    s = run_import(db, "hcpcs", p)
    assert (s.added, s.updated, s.terminated) == (0, 0, 0) and s.unchanged == 5
    assert "nothing changed" in str(s)
    assert snapshot(db) == before


def test_hcpcs_bad_line_names_the_line_and_changes_nothing(db, tmp_path):
    bad = SMALL[:4] + ["this is not a record at all"] + SMALL[4:]
    p = write_hcpcs(tmp_path, bad)
    before = snapshot(db)
    with pytest.raises(ImportFileError) as e:
        run_import(db, "hcpcs", p)
    # 5 header lines + 4 records, then the bad one
    assert str(e.value).startswith(f"{p.name}:10: ")
    assert snapshot(db) == before


def test_hcpcs_orphan_continuation_and_bad_date(db, tmp_path):
    p = write_hcpcs(tmp_path, [record("J1030", 200, "4", "continued")])
    with pytest.raises(ImportFileError, match=r":6: continuation line"):
        run_import(db, "hcpcs", p)
    p = write_hcpcs(tmp_path, [record("J1030", 100, "3", "x", added="2020XX01")])
    with pytest.raises(ImportFileError, match=r":6: date added \"2020XX01\""):
        run_import(db, "hcpcs", p)


def test_hcpcs_not_a_cms_file(db, tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello\nworld\n")
    with pytest.raises(ImportFileError, match="no HCPCS records"):
        run_import(db, "hcpcs", p)
    z = tmp_path / "other.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    with pytest.raises(ImportFileError, match="no fixed-width HCPCS"):
        run_import(db, "hcpcs", z)


def test_missing_file_and_unknown_kind(db, tmp_path):
    with pytest.raises(ImportFileError, match="no such file"):
        run_import(db, "hcpcs", tmp_path / "nope.zip")
    with pytest.raises(TrainerError, match="unknown import kind"):
        run_import(db, "snomed", tmp_path / "x")


def test_cancel_from_progress_rolls_back(db, tmp_path):
    p = write_hcpcs(tmp_path, SMALL)
    before = snapshot(db)
    calls = []

    def cancel(done, total):
        calls.append(done)
        if done * 2 > total:  # during the write
            raise ImportCancelled()

    with pytest.raises(ImportCancelled):
        run_import(db, "hcpcs", p, progress=cancel)
    assert snapshot(db) == before


@pytest.mark.skipif(not HCPCS_ZIP.exists(), reason="../shared/data/hcpcs is not on this machine")
def test_real_cms_2020_file(db):
    prog = Progress()
    s = run_import(db, "hcpcs", HCPCS_ZIP, progress=prog)
    prog.check()
    assert s.read == 7079  # 6,710 codes + 369 modifiers (README counts)
    assert s.source == "CMS HCPCS 2020"
    st = db.execute("SELECT system, count(*) FROM catalog WHERE source = 'CMS HCPCS 2020'"
                    " GROUP BY system").fetchall()
    assert dict(st) == {"hcpcs": 6710, "modifier": 369}
    n_term = db.execute("SELECT count(*) FROM catalog WHERE source = 'CMS HCPCS 2020'"
                        " AND status = 'terminated'").fetchone()[0]
    assert n_term == 615
    again = run_import(db, "hcpcs", HCPCS_ZIP)
    assert not again.changed and again.unchanged == 7079


# ----------------------------------------------------------------------------- ICD-10-CM

@pytest.fixture(scope="module")
def icd_db():
    d = sqlite_utils.Database(memory=True)
    catalog.open_catalog(d)
    prog = Progress()
    summary = run_import(d, "icd10cm", progress=prog)
    prog.check()
    return d, summary


def test_icd10cm_whole_code_set(icd_db):
    d, s = icd_db
    assert s.read > 90_000 and s.added == s.read
    assert s.source.startswith("ICD-10-CM ")
    row = catalog.lookup(d, "M17.11")
    assert row["billable"] is True and row["parent"] == "M17.1"
    assert row["section"] == "Chapter 13" and row["subsection"] == "M15-M19"
    assert catalog.lookup(d, "M17")["billable"] is False
    billable = d.execute("SELECT count(*) FROM catalog WHERE system='icd10cm' AND billable=1").fetchone()[0]
    assert 70_000 < billable < 80_000


def test_icd10cm_browse_and_search(icd_db):
    d, _ = icd_db
    chapters = catalog.browse(d, "icd10cm")
    assert len(chapters) >= 21 and chapters[0]["label"].startswith("Chapter 1:")
    ch13 = next(c for c in chapters if c["id"] == "icd10cm/13")
    blocks = catalog.browse(d, ch13["id"])
    block = next(b for b in blocks if b["id"] == "icd10cm/M15-M19")
    assert "M17.11" in [r["code"] for r in catalog.codes_under(d, block["id"], limit=1000)]
    assert all(b["count"] > 0 for b in blocks)
    res = catalog.search(d, "osteoarthritis right knee primary")
    assert res[0]["code"] == "M17.11"
    assert catalog.search(d, "m17.11")[0]["code"] == "M17.11"


def test_icd10cm_again_changes_nothing_and_validation_uses_it(icd_db):
    d, _ = icd_db
    s = run_import(d, "icd10cm")
    assert not s.changed
    assert catalog.unknown_codes(d, ["M17.11", "M17.99"], kind="icd10cm") == ["M17.99"]


def test_icd10cm_codes_gone_from_a_release_are_marked_terminated(icd_db):
    d, _ = icd_db
    with d.atomic():
        catalog.merge_codes(d, [dict(catalog.lookup(d, "M17.11"), code="M17.19", key="M1719",
                                     keywords="", summary="old code", system="icd10cm")])
    s = run_import(d, "icd10cm")
    assert s.terminated == 1
    assert catalog.lookup(d, "M17.19")["status"] == "terminated"


# ----------------------------------------------------------------------------- CPT (licensed)

def test_cpt_tab_separated(db, tmp_path):
    p = tmp_path / "cpt.txt"
    p.write_text("Code\tLong Descriptor\n99213\tTest text A\n99418\tTest text B\n", encoding="utf-8")
    prog = Progress()
    s = run_import(db, "cpt", p, progress=prog)
    prog.check()
    assert (s.added, s.updated) == (1, 1)
    row = catalog.lookup(db, "99213")
    assert row["summary"] == "Test text A" and row["source"] == catalog.SOURCE_LICENSED_CPT
    assert catalog.lookup(db, "99418")["section"] == "E/M"
    assert not run_import(db, "cpt", p).changed
    # a licensed import makes CPT a complete code set: unknown numbers are now flagged
    assert catalog.unknown_codes(db, ["99213", "99998"]) == ["99998"]


def test_cpt_csv_with_notice_lines_and_other_column_names(db, tmp_path):
    p = tmp_path / "cpt.csv"
    p.write_text('Licensed to: Example Clinic\n\n"CPT Code","Short Descriptor","Long Description"\n'
                 '20610,"short","Long text, with a comma"\n', encoding="cp1252")
    run_import(db, "cpt", p)
    assert catalog.lookup(db, "20610")["summary"] == "Long text, with a comma"


def test_cpt_xlsx(db, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CPT Code", "Description"])
    ws.append([99214, "Test text C"])
    ws.append(["0042T", "Test text D"])
    p = tmp_path / "cpt.xlsx"
    wb.save(p)
    s = run_import(db, "cpt", p)
    assert s.read == 2
    assert catalog.lookup(db, "99214")["summary"] == "Test text C"
    assert catalog.lookup(db, "0042T")["category"] == "CPT Category III"


@pytest.mark.parametrize("content, where, what", [
    ("99213,no header here\n", ":1:", "no header row"),
    ("Code,Descriptor\n99213,ok\nJ1030,not cpt\n", ":3:", '"J1030" is not a CPT code'),
    ("Code,Descriptor\n99213,ok\n99214,\n", ":3:", "has no descriptor"),
    ("Code,Descriptor\n", ":1:", "no codes follow"),
])
def test_cpt_bad_files(db, tmp_path, content, where, what):
    p = tmp_path / "bad.csv"
    p.write_text(content)
    before = snapshot(db)
    with pytest.raises(ImportFileError) as e:
        run_import(db, "cpt", p)
    assert str(e.value).startswith("bad.csv" + where) and what in str(e.value)
    assert snapshot(db) == before


def test_bundled_reload_keeps_licensed_text(db, tmp_path):
    p = tmp_path / "cpt.txt"
    p.write_text("Code\tDescriptor\n99213\tLicensed\n")
    run_import(db, "cpt", p)
    db.execute("DELETE FROM catalog_meta WHERE name = 'bundled_digest'")
    catalog.ensure_bundled(db)
    assert catalog.lookup(db, "99213")["summary"] == "Licensed"


# ----------------------------------------------------------------------------- NCCI PTP / MUE

PTP_HEADER = ["Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date",
              "Deletion Date *=no data", "Modifier 0=not allowed 1=allowed 9=not applicable",
              "PTP Edit Rationale"]
PTP_ROWS = [
    ["11042", "97597", "", "20090101", "*", "1", "Misuse of column two code with column one code"],
    ["99213", "36415", "*", "20100101", "*", "0", "CMS policy"],
    ["20610", "20611", "", "20150101", "20160101", "9", "Mutually exclusive procedures"],
]
MUE_HEADER = ["HCPCS/CPT Code", "Practitioner Services MUE Values", "MUE Adjudication Indicator",
              "MUE Rationale"]
MUE_ROWS = [["J1030", "4", "3 Date of Service Edit: Clinical", "Clinical: Data"],
            ["36415", "1", "1 Line Edit", "Nature of Service"]]


def write_csv(path, header, rows, notice=True, sep=","):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=sep)
        if notice:
            w.writerow(["CPT only copyright 2025 American Medical Association. All rights reserved."])
        w.writerow(header)
        w.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CPT only copyright 2025 American Medical Association. All rights reserved."])
    ws.append([h.replace(" 0=", "\n0=") for h in header])
    for r in rows:
        ws.append([int(c) if c.isdigit() and len(c) == 8 else c for c in r])
    wb.save(path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xlsx"])
def test_ncci_ptp_import(db, tmp_path, fmt):
    if fmt == "xlsx":
        p = write_xlsx(tmp_path / "ccipra-v1.xlsx", PTP_HEADER, PTP_ROWS)
    else:
        p = write_csv(tmp_path / f"ptp.{fmt}", PTP_HEADER, PTP_ROWS, sep="\t" if fmt == "tsv" else ",")
    prog = Progress()
    s = run_import(db, "ncci-ptp", p, progress=prog)
    prog.check()
    assert (s.read, s.added, s.terminated) == (3, 3, 1)
    assert "3 edits read" in str(s)
    pairs = catalog.ncci_pairs(db, ["11042", "97597"])
    assert pairs == [{"column1": "11042", "column2": "97597", "modifier_indicator": 1,
                      "meaning": catalog.MODIFIER_INDICATOR_MEANING[1], "effective": "2009-01-01",
                      "deletion": None, "rationale": "Misuse of column two code with column one code"}]
    again = run_import(db, "ncci-ptp", p)
    assert not again.changed and again.unchanged == 3


def test_ncci_ptp_update_counts(db, tmp_path):
    run_import(db, "ncci-ptp", write_csv(tmp_path / "a.csv", PTP_HEADER, PTP_ROWS))
    rows = [list(r) for r in PTP_ROWS]
    rows[0][4] = "20240101"  # the pair is deleted in a later release
    rows.append(["43235", "43239", "", "20100101", "*", "1", "Standards of medical practice"])
    s = run_import(db, "ncci-ptp", write_csv(tmp_path / "b.csv", PTP_HEADER, rows))
    assert (s.added, s.updated, s.terminated, s.unchanged) == (1, 1, 1, 2)
    assert catalog.ncci_pairs(db, ["11042", "97597"], as_of="2025-01-01") == []


@pytest.mark.parametrize("row, what", [
    (["11042", "97597", "", "20090101", "*", "2", "x"], 'modifier indicator "2"'),
    (["11042", "", "", "20090101", "*", "1", "x"], 'column 2 code "(empty)"'),
    (["11042", "97597", "", "2009-13-45", "*", "1", "x"], 'effective date "2009-13-45"'),
    (["11042", "97597", "", "20090101", "soon", "1", "x"], 'deletion date "soon"'),
])
def test_ncci_ptp_bad_rows(db, tmp_path, row, what):
    p = write_csv(tmp_path / "bad.csv", PTP_HEADER, PTP_ROWS[:2] + [row])
    before = snapshot(db)
    with pytest.raises(ImportFileError) as e:
        run_import(db, "ncci-ptp", p)
    assert str(e.value).startswith("bad.csv:5: ") and what in str(e.value)
    assert snapshot(db) == before


def test_ncci_wrong_file(db, tmp_path):
    p = write_csv(tmp_path / "mue.csv", MUE_HEADER, MUE_ROWS)
    with pytest.raises(ImportFileError, match="no NCCI PTP header row"):
        run_import(db, "ncci-ptp", p)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_mue_import(db, tmp_path, fmt):
    if fmt == "xlsx":
        p = write_xlsx(tmp_path / "mue.xlsx", MUE_HEADER, MUE_ROWS)
    else:
        p = write_csv(tmp_path / "mue.csv", MUE_HEADER, MUE_ROWS)
    s = run_import(db, "mue", p)
    assert (s.read, s.added) == (2, 2) and "practitioner" in s.source
    m = catalog.mue_limit(db, "J1030")
    assert (m["value"], m["indicator"], m["setting"]) == (4, 3, "practitioner")
    assert not run_import(db, "mue", p).changed
    notes = catalog.catalog_notes(db, [{"code": "J1030", "units": 6}])
    assert "MUE of 4" in notes[0]


def test_mue_bad_value(db, tmp_path):
    p = write_csv(tmp_path / "mue.csv", MUE_HEADER, MUE_ROWS + [["J1100", "many", "2 Date", ""]])
    with pytest.raises(ImportFileError, match=r'mue.csv:5: MUE value "many"'):
        run_import(db, "mue", p)
    p = write_csv(tmp_path / "mue.csv", MUE_HEADER, [["J1100", "3", "Line", ""]])
    with pytest.raises(ImportFileError, match=r"adjudication indicator"):
        run_import(db, "mue", p)


# ----------------------------------------------------------------------------- property: HCPCS

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz,-()0123456789", min_size=1, max_size=12)


def _wrap(text, width=80):
    """Split at spaces into lines of at most ``width`` characters, as CMS does."""
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_word, min_size=1, max_size=40).map(" ".join), min_size=1, max_size=6),
       st.booleans())
def test_hcpcs_continuation_lines_rebuild_the_description(tmp_path_factory, texts, terminated):
    from trainer.importers.hcpcs import parse_hcpcs

    records, expected = [], {}
    for i, text in enumerate(texts):
        code = f"E{i:04d}"
        expected[code] = text
        for j, part in enumerate(_wrap(text)):
            rtype = "3" if j == 0 else "4"
            records.append(record(code, 100 * (j + 1), rtype, part, "short",
                                  term="20191231" if terminated else ""))
    p = write_hcpcs(tmp_path_factory.mktemp("h"), records)
    parsed, year, _ = parse_hcpcs(p)
    assert year == "2020"
    assert {r["code"]: r["long"] for r in parsed} == expected
    assert all((r["terminated"] == "2019-12-31") == terminated for r in parsed)
