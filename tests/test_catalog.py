"""The code catalog core: bundled content, search, browse, lookups and grading notes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer import catalog


@pytest.fixture
def db():
    d = sqlite_utils.Database(memory=True)
    catalog.open_catalog(d)
    return d


def codes(results):
    return [r["code"] for r in results]


def add_codes(db, rows):
    with db.atomic():
        return catalog.merge_codes(db, rows)


# ----------------------------------------------------------------------------- bundled

def test_bank_gets_modifiers_tree_and_summaries(db):
    s = catalog.stats(db)
    assert s["by_system"]["modifier"] >= 40
    assert catalog.lookup(db, "25")["category"] == "CPT modifier"
    assert catalog.lookup(db, "RT")["category"] == "HCPCS modifier"
    row = catalog.lookup(db, "99213")
    assert row["source"] == catalog.SOURCE_BUNDLED
    assert row["section"] == "E/M" and row["family"] == "Office/outpatient established"
    roots = [n["label"] for n in catalog.browse(db)]
    assert roots == ["CPT", "HCPCS Level II", "ICD-10-CM", "Modifiers"]


def test_ensure_bundled_is_idempotent_and_cheap_the_second_time(db):
    before = catalog.stats(db)
    assert catalog.ensure_bundled(db) is False  # digest unchanged: nothing written
    assert catalog.stats(db) == before


def test_ensure_bundled_never_overwrites_an_imported_text(db):
    with db.atomic():
        db.execute("UPDATE catalog SET summary = 'licensed text', source = ? WHERE key = '99213'",
                   [catalog.SOURCE_LICENSED_CPT])
        db.execute("DELETE FROM catalog_meta WHERE name = 'bundled_digest'")
    assert catalog.ensure_bundled(db) is True
    assert catalog.lookup(db, "99213")["summary"] == "licensed text"


def test_ensure_bundled_on_a_bare_database_applies_migrations():
    d = sqlite_utils.Database(memory=True)
    catalog.ensure_bundled(d)
    assert catalog.lookup(d, "99214") is not None


def test_store_bank_has_the_catalog(tmp_path):
    from trainer.store import Bank

    with Bank.open(tmp_path / "bank.sqlite", seed=False) as bank:
        assert catalog.lookup(bank.db, "99213") is not None
        assert catalog.search(bank.db, "9921")


def test_core_does_not_import_qt():
    code = ("import sys, trainer.catalog, trainer.importers.hcpcs, trainer.importers.cpt, "
            "trainer.importers.ncci, trainer.importers.icd10cm, trainer.cli_catalog; "
            "assert 'PySide6' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------------------- search

@pytest.fixture
def mixed(db):
    rows = [
        catalog.make_row("J1030", summary="Methylprednisolone acetate injection, 40 mg",
                         source="CMS HCPCS 2020", kind="procedure"),
        catalog.make_row("J1040", summary="Methylprednisolone acetate injection, 80 mg",
                         source="CMS HCPCS 2020", kind="procedure"),
        catalog.make_row("J1000", summary="Estradiol cypionate injection",
                         source="CMS HCPCS 2020", kind="procedure", status="terminated",
                         terminated="2019-12-31"),
        catalog.make_row("A4550", summary="Surgical tray", source="CMS HCPCS 2020",
                         kind="procedure"),
    ]
    icd = [("M17", "Osteoarthritis of knee", 0, None), ("M17.1", "Unilateral primary osteoarthritis of knee", 0, "M17"),
           ("M17.11", "Unilateral primary osteoarthritis, right knee", 1, "M17.1"),
           ("J10", "Influenza due to other identified influenza virus", 0, None)]
    for code, text, billable, parent in icd:
        rows.append({"code": code, "key": catalog.code_key(code), "system": "icd10cm",
                     "category": "ICD-10-CM", "section": "Chapter 13", "subsection": "M15-M19",
                     "family": code[:3], "summary": text, "keywords": "Diseases of the musculoskeletal system",
                     "source": "ICD-10-CM test", "status": "active", "added": None,
                     "effective": None, "terminated": None, "billable": billable, "parent": parent})
    add_codes(db, rows)
    return db


def test_exact_code_comes_first_then_prefix(mixed):
    res = catalog.search(mixed, "J10")
    assert res[0]["code"] == "J10" and res[0]["match"] == "exact"
    assert {"J1030", "J1040", "J1000"} <= set(codes(res))
    assert all(r["match"] == "prefix" for r in res[1:4])


def test_code_prefix_uses_code_order(mixed):
    assert codes(catalog.search(mixed, "9921"))[:5] == ["99211", "99212", "99213", "99214", "99215"]


@pytest.mark.parametrize("typed", ["m17.11", "M1711", " M17.11 ", "m17.11"])
def test_icd_code_found_with_or_without_dot_and_case(mixed, typed):
    res = catalog.search(mixed, typed)
    assert res[0]["code"] == "M17.11" and res[0]["match"] == "exact"


def test_words_in_any_order_and_half_typed(mixed):
    assert codes(catalog.search(mixed, "knee osteoarthritis right"))[0] == "M17.11"
    assert "J1030" in codes(catalog.search(mixed, "methylpred inject"))
    assert codes(catalog.search(mixed, "injection knee")) == ["20610"]


def test_shorter_more_specific_summary_ranks_first(mixed):
    res = catalog.search(mixed, "osteoarthritis knee")
    assert codes(res)[0] == "M17"


def test_section_words_find_codes(db):
    res = catalog.search(db, "musculoskeletal", limit=500)
    assert "20610" in codes(res)
    assert all(r["match"] == "text" for r in res)


def test_terminated_codes_are_marked(mixed):
    res = {r["code"]: r for r in catalog.search(mixed, "J100")}
    assert res["J1000"]["status"] == "terminated"
    assert res["J1000"]["terminated"] == "2019-12-31"


def test_systems_filter(mixed):
    res = catalog.search(mixed, "J10", systems=["hcpcs"])
    assert res and all(r["system"] == "hcpcs" for r in res)


def test_limit_is_respected(mixed):
    assert len(catalog.search(mixed, "99", limit=3)) == 3
    assert catalog.search(mixed, "99", limit=0) == []


HOSTILE = ['"', '""', "*", "AND", "OR", "NOT", "(", ")", "NEAR", "NEAR(", "knee AND",
           '"knee', "^", "col:knee", "summary:knee", "-", "+", "{", "}", ":", "\U0001F600",
           "\U0001F600 knee", "x" * 10_000, "knee " * 2000, "\0", "'", "a'b", "\\", "%", "_",
           "j10*", "M17.", "..", "\u00e9t\u00e9", "\u200b", "NEAR(knee injection, 2)"]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_query_string_raises(mixed, query):
    assert isinstance(catalog.search(mixed, query), list)


def test_operators_are_plain_words(db):
    # "AND" searched as the word "and" (dropped as a small word), never as an operator
    assert catalog.fts_query("knee AND injection") == '"knee"* AND "injection"*'
    assert catalog.fts_query('"*()') is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_every_fts_query_is_valid_fts5(mixed, text):
    vocab = catalog._vocabulary(mixed)
    for v in (None, vocab):
        fq = catalog.fts_query(text, v)
        if fq is not None:
            for expr in (fq, f"summary : ({fq})"):
                mixed.execute("SELECT count(*) FROM catalog_fts WHERE catalog_fts MATCH ?", [expr])


def test_half_typed_word_expands_to_whole_words(mixed):
    vocab = catalog._vocabulary(mixed)
    assert catalog.fts_query("osteoar", vocab) == '"osteoarthritis"'
    q = catalog.fts_query("methylpred kne", vocab)
    assert q == '"methylprednisolone" AND "kne"*'  # 3 letters: the FTS prefix index


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_text_searches_without_error(mixed, text):
    res = catalog.search(mixed, text)
    assert isinstance(res, list) and len(res) <= 20


# ----------------------------------------------------------------------------- lookup / browse

def test_lookup_spellings(mixed):
    assert catalog.lookup(mixed, "m1711")["code"] == "M17.11"
    assert catalog.lookup(mixed, "j1030")["code"] == "J1030"
    assert catalog.lookup(mixed, "nope") is None
    assert catalog.lookup(mixed, "") is None


def test_browse_cpt_sections_subsections_and_families(db):
    sections = {n["id"]: n for n in catalog.browse(db, "cpt")}
    assert list(sections)[:6] == ["cpt/em", "cpt/anesthesia", "cpt/surgery", "cpt/radiology",
                                  "cpt/pathology", "cpt/medicine"]
    assert sections["cpt/surgery"]["has_children"]
    subs = {n["id"]: n for n in catalog.browse(db, "cpt/surgery")}
    assert "cpt/surgery/musculoskeletal" in subs
    assert "20610" in codes(catalog.codes_under(db, "cpt/surgery/musculoskeletal"))
    fams = catalog.browse(db, "cpt/em")
    office = next(n for n in fams if n["id"] == "cpt/em/office-established")
    assert codes(catalog.codes_under(db, office["id"])) == ["99211", "99212", "99213", "99214", "99215"]
    assert office["count"] == 5


def test_browse_hcpcs_chapters_and_modifiers(db):
    chapters = catalog.browse(db, "hcpcs")
    assert chapters[0]["id"] == "hcpcs/A"
    assert len(chapters) == 17
    j = next(n for n in chapters if n["id"] == "hcpcs/J")
    assert "J1030" in codes(catalog.codes_under(db, j["id"]))
    mods = {n["id"]: n for n in catalog.browse(db, "modifier")}
    assert "25" in codes(catalog.codes_under(db, "modifier/cpt"))
    assert "RT" in codes(catalog.codes_under(db, "modifier/hcpcs"))
    assert mods["modifier/cpt"]["count"] >= 40


def test_browse_unknown_node_is_empty(db):
    assert catalog.browse(db, "no/such") == []
    assert catalog.codes_under(db, "no/such") == []


def test_codes_under_pages(db):
    first = catalog.codes_under(db, "cpt/em", limit=3)
    second = catalog.codes_under(db, "cpt/em", limit=3, offset=3)
    assert len(first) == 3 and len(second) == 3
    assert not set(codes(first)) & set(codes(second))


def test_child_codes(mixed):
    assert codes(catalog.child_codes(mixed, "M17")) == ["M17.1"]
    assert codes(catalog.child_codes(mixed, "m17.1")) == ["M17.11"]


# ----------------------------------------------------------------------------- validation

def test_unknown_codes_only_judges_complete_code_sets(db):
    # Without imports, a real-looking CPT or HCPCS code cannot be called unknown ...
    assert catalog.unknown_codes(db, ["99499", "J9999"]) == []
    # ... but a malformed code, a deleted E/M code or a made-up CPT modifier can.
    assert catalog.unknown_codes(db, ["2061", "99201"]) == ["2061", "99201"]
    assert catalog.unknown_codes(db, ["25", "88"], kind="modifier") == ["88"]


def test_unknown_after_a_complete_import(db):
    add_codes(db, [catalog.make_row("J1030", summary="x", source="CMS HCPCS 2020", kind="procedure")])
    assert catalog.unknown_codes(db, ["J1030", "J9999", "99213"]) == ["J9999"]


def test_terminated_and_heading_problems(mixed):
    probs = {p["code"]: p for p in catalog.code_problems(mixed, ["J1000", "M17", "M17.11"])}
    assert probs["J1000"]["problem"] == "terminated"
    assert "2019-12-31" in probs["J1000"]["message"]
    assert probs["M17"]["problem"] == "heading"
    assert "M17.11" not in probs


# ----------------------------------------------------------------------------- NCCI / MUE notes

@pytest.fixture
def edits(db):
    with db.atomic():
        db["ncci_ptp"].insert_all([
            {"column1": "11042", "column2": "97597", "effective": "2009-01-01", "deletion": None,
             "modifier_indicator": 1, "rationale": "r", "source": "t"},
            {"column1": "99213", "column2": "36415", "effective": "2010-01-01", "deletion": None,
             "modifier_indicator": 0, "rationale": "r", "source": "t"},
            {"column1": "20610", "column2": "20611", "effective": "2015-01-01",
             "deletion": "2016-01-01", "modifier_indicator": 1, "rationale": "r", "source": "t"},
            {"column1": "12001", "column2": "12002", "effective": "2015-01-01", "deletion": None,
             "modifier_indicator": 9, "rationale": "r", "source": "t"},
        ])
        db["mue"].insert_all([
            {"code": "J1030", "setting": "practitioner", "value": 4, "indicator": 3},
            {"code": "36415", "setting": "practitioner", "value": 1, "indicator": 1},
            {"code": "J1030", "setting": "outpatient hospital", "value": 8, "indicator": 3},
        ])
    return db


def test_ncci_pairs_active_only(edits):
    pairs = catalog.ncci_pairs(edits, ["97597", "11042", "20610", "20611"])
    assert [(p["column1"], p["column2"], p["modifier_indicator"]) for p in pairs] == [("11042", "97597", 1)]
    assert catalog.ncci_pairs(edits, ["20610", "20611"], as_of="2015-06-01")[0]["column2"] == "20611"
    assert catalog.ncci_pairs(edits, ["11042"]) == []


def test_mue_limit_prefers_practitioner(edits):
    m = catalog.mue_limit(edits, "j1030")
    assert (m["value"], m["setting"]) == (4, "practitioner")
    assert catalog.mue_limit(edits, "J1030", setting="outpatient hospital")["value"] == 8
    assert catalog.mue_limit(edits, "99999") is None


def test_notes_explain_bundling_with_and_without_modifier(edits):
    notes = catalog.catalog_notes(edits, [{"code": "11042"}, {"code": "97597"}])
    assert len(notes) == 1
    assert "97597 is bundled into 11042" in notes[0] and "may unbundle" in notes[0]
    notes = catalog.catalog_notes(edits, ["11042", "97597-59"])
    assert "modifier 59 on 97597 unbundles it" in notes[0]
    notes = catalog.catalog_notes(edits, ["99213-25", "36415"])
    assert "no modifier can unbundle it" in notes[0]
    assert catalog.catalog_notes(edits, ["12001", "12002"]) == []  # indicator 9


def test_notes_flag_units_over_the_mue(edits):
    assert catalog.catalog_notes(edits, [{"code": "J1030", "units": 4}]) == []
    notes = catalog.catalog_notes(edits, [{"code": "J1030", "units": 3}, {"code": "J1030", "units": 2}])
    assert len(notes) == 1 and "5 units" in notes[0] and "MUE of 4 per day" in notes[0]
    notes = catalog.catalog_notes(edits, ["36415 x2"])
    assert "per line" in notes[0]


def test_notes_flag_bad_codes_and_are_sentences(db):
    notes = catalog.catalog_notes(db, ["2061", "99213-88"], icd10=[])
    assert any(n.startswith("2061") for n in notes)
    assert any("Modifier" in n and "88" in n for n in notes)
    assert all(n.endswith(".") for n in notes)


def test_notes_accept_objects_with_attributes(edits):
    class Line:
        def __init__(self, code, modifiers=(), units=1):
            self.code, self.modifiers, self.units = code, list(modifiers), units

    notes = catalog.catalog_notes(edits, [Line("11042"), Line("97597", ["XS"])])
    assert "modifier XS on 97597" in notes[0]
