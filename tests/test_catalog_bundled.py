"""The bundled catalog content: summaries of every code the bank uses, modifiers, tree."""

from __future__ import annotations

import pytest
import sqlite_utils
import yaml

from trainer import catalog, codes
from trainer.paths import assets_dir, quizzes_dir


def test_every_procedure_code_in_the_quizzes_has_a_bundled_summary():
    used = catalog.codes_in_quizzes()
    if not used:
        pytest.skip("no quiz files yet")
    have = catalog.bundled_summaries()
    missing = {c: sorted(files) for c, files in used.items() if c not in have}
    assert not missing, (
        f"{len(missing)} codes used in quizzes/*.yaml have no summary in "
        f"assets/catalog/summaries.yaml: " + ", ".join(f"{c} ({', '.join(f)})" for c, f in sorted(missing.items())))


def test_codes_in_quizzes_reads_every_question_type(tmp_path):
    p = tmp_path / "q.yaml"
    p.write_text('''\
id: t
title: T
description: Test quiz.
author: Tests
code_set_year: 2026
licence: CC-BY-4.0
questions:
  - id: t-case
    type: case
    tags: [E/M]
    difficulty: 1
    scenario: x
    rationale: x
    answer:
      lines: [{code: "99213", modifiers: ["25"]}, "20610-RT"]
      alternatives: [[{code: "20611"}]]
  - id: t-audit
    type: audit
    tags: [E/M]
    difficulty: 1
    scenario: x
    rationale: x
    claim:
      - {line: "12002", correct: false, correction: "12004"}
  - id: t-choice
    type: choice
    tags: [HCPCS Level II]
    difficulty: 1
    scenario: x
    rationale: x
    options:
      - {text: "J1030 x 2", correct: true}
      - {text: "Report 99999 twice"}
''')
    used = catalog.codes_in_quizzes([p])
    assert set(used) == {"99213", "20610", "20611", "12002", "12004", "J1030"}


def test_summaries_are_short_single_lines():
    data = yaml.safe_load((assets_dir() / "catalog" / "summaries.yaml").read_text())
    for group in ("cpt", "hcpcs"):
        for code, text in data[group].items():
            assert isinstance(code, str), f"{code}: quote the code in summaries.yaml"
            assert codes.classify(code, "procedure").system == group, code
            assert isinstance(text, str) and 8 <= len(text) <= 120 and "\n" not in text, code


def test_modifier_list_has_every_cpt_modifier():
    mods = {m["code"] for m in catalog.bundled_modifiers() if m["kind"] == "cpt"}
    assert mods == set(codes.CPT_MODIFIERS)
    hcpcs = {m["code"] for m in catalog.bundled_modifiers() if m["kind"] == "hcpcs"}
    assert {"LT", "RT", "TC", "XS", "XE", "XP", "XU", "GA", "GY", "GZ", "KX", "QW", "JW", "JZ",
            "E1", "FA", "TA", "F9", "T9"} <= hcpcs
    assert hcpcs <= codes.HCPCS_MODIFIERS


def test_cpt_tree_filters_match_the_classifier():
    """Each tree node lists the codes trainer.codes puts in it (sample codes per node)."""
    samples = {
        "cpt/em": "99213", "cpt/anesthesia": "00100", "cpt/surgery": "27447",
        "cpt/radiology": "71046", "cpt/pathology": "80053", "cpt/medicine": "96372",
        "cpt/category-ii": "3074F", "cpt/category-iii": "0042T", "cpt/pla": "0001U",
        "cpt/surgery/integumentary": "11042", "cpt/surgery/musculoskeletal": "20610",
        "cpt/surgery/respiratory": "31500", "cpt/surgery/cardiovascular": "33208",
        "cpt/surgery/hemic-lymphatic": "38222", "cpt/surgery/mediastinum": "39000",
        "cpt/surgery/digestive": "43235", "cpt/surgery/urinary": "52000",
        "cpt/surgery/male-genital": "55250", "cpt/surgery/reproductive": "55920",
        "cpt/surgery/female-genital": "57454", "cpt/surgery/maternity": "59400",
        "cpt/surgery/endocrine": "60100", "cpt/surgery/nervous": "64483",
        "cpt/surgery/eye": "66984", "cpt/surgery/auditory": "69210",
        "cpt/surgery/microscope": "69990",
        "cpt/em/office-new": "99203", "cpt/em/office-established": "99215",
        "cpt/em/hospital-initial": "99222", "cpt/em/hospital-subsequent": "99232",
        "cpt/em/hospital-same-day": "99235", "cpt/em/hospital-discharge": "99238",
        "cpt/em/consult-office": "99243", "cpt/em/consult-inpatient": "99253",
        "cpt/em/emergency": "99284", "cpt/em/critical-care": "99291",
        "cpt/em/nursing-initial": "99305", "cpt/em/nursing-subsequent": "99308",
        "cpt/em/nursing-discharge": "99315", "cpt/em/home-new": "99342",
        "cpt/em/home-established": "99348", "cpt/em/preventive-new": "99385",
        "cpt/em/preventive-established": "99395", "cpt/em/prolonged": "99417",
    }
    db = sqlite_utils.Database(memory=True)
    catalog.open_catalog(db)
    rows = [catalog.make_row(c, summary="sample", source="test", kind="procedure")
            for c in samples.values() if catalog.lookup(db, c) is None]
    with db.atomic():
        catalog.merge_codes(db, rows)
    tree_ids = set()
    stack = [None]
    while stack:
        for n in catalog.browse(db, stack.pop(), counts=False):
            tree_ids.add(n["id"])
            stack.append(n["id"])
    for node, code in samples.items():
        assert node in tree_ids, node
        assert code in [r["code"] for r in catalog.codes_under(db, node, limit=5000)], (node, code)
    cpt_nodes = {i for i in tree_ids if i.startswith("cpt/")}
    assert cpt_nodes == set(samples), "every CPT node needs a sample here"


def test_quizzes_dir_is_where_the_test_looks():
    assert quizzes_dir().is_dir()
