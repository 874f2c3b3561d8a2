"""Code classification: what a learner sees when they ask what a code is."""

import subprocess
import sys

import pytest

from trainer.codes import classify, grading_category, is_valid_shape, normalise


@pytest.mark.parametrize(
    "code, system, category, section, family, level",
    [
        ("99213", "cpt", "CPT Category I", "E/M", "Office/outpatient established", 3),
        ("99211", "cpt", "CPT Category I", "E/M", "Office/outpatient established", 1),
        ("99205", "cpt", "CPT Category I", "E/M", "Office/outpatient new", 5),
        ("99223", "cpt", "CPT Category I", "E/M", "Hospital inpatient/observation initial", 3),
        ("99284", "cpt", "CPT Category I", "E/M", "Emergency department", 4),
        ("99244", "cpt", "CPT Category I", "E/M", "Office/outpatient consultation", 4),
        ("00100", "cpt", "CPT Category I", "Anesthesia", None, None),
        ("99140", "cpt", "CPT Category I", "Anesthesia", None, None),
        ("12002", "cpt", "CPT Category I", "Surgery", None, None),
        ("70450", "cpt", "CPT Category I", "Radiology", None, None),
        ("80053", "cpt", "CPT Category I", "Pathology/Lab", None, None),
        ("97110", "cpt", "CPT Category I", "Medicine", None, None),
        ("99500", "cpt", "CPT Category I", "Medicine", None, None),
        ("3074F", "cpt", "CPT Category II", "Performance measures", None, None),
        ("0042T", "cpt", "CPT Category III", "Emerging technology", None, None),
        ("0001U", "cpt", "CPT PLA", "Pathology/Lab", None, None),
        ("J1030", "hcpcs", "HCPCS Level II", "J", None, None),
        ("e0110", "hcpcs", "HCPCS Level II", "E", None, None),
        ("25", "modifier", "CPT modifier", None, None, None),
        ("rt", "modifier", "HCPCS modifier", "R", None, None),
        ("XU", "modifier", "HCPCS modifier", "X", None, None),
        ("RH", "modifier", "HCPCS modifier", "R", None, None),  # ambulance origin/destination
        ("P3", "modifier", "CPT modifier", "Anesthesia physical status", None, None),
    ],
)
def test_valid_codes_are_classified(code, system, category, section, family, level):
    info = classify(code)
    assert info.valid, info.reason
    assert info.code == code.upper()
    assert (info.system, info.category, info.section, info.family, info.level) == (
        system, category, section, family, level)


@pytest.mark.parametrize(
    "code, subsection",
    [("12002", "Integumentary"), ("20610", "Musculoskeletal"), ("31500", "Respiratory"),
     ("33533", "Cardiovascular"), ("43239", "Digestive"), ("52000", "Urinary"),
     ("59400", "Maternity"), ("64483", "Nervous"), ("66984", "Eye"), ("69210", "Auditory")],
)
def test_surgery_subsections(code, subsection):
    info = classify(code)
    assert info.subsection == subsection
    assert grading_category(code) == f"Surgery/{subsection}"


@pytest.mark.parametrize(
    "code, words",
    [
        ("9921", "4 digits; CPT codes have 5"),
        ("992134", "6 digits; CPT codes have 5"),
        ("J103", "3 digits after the letter"),
        ("99201", "deleted in 2021"),
        ("99241", "deleted in 2023"),
        ("D0120", "dental"),
        ("W1234", "no HCPCS Level II chapter"),
        ("99999", "not in any CPT Category I section"),
        ("ZZ", "not a modifier"),
        ("hello", "not a CPT or HCPCS code"),
        ("", "empty"),
    ],
)
def test_invalid_codes_say_why(code, words):
    info = classify(code)
    assert not info.valid
    assert words in info.reason


@pytest.mark.parametrize(
    "code, billable, section",
    [("M17.11", True, "Chapter 13"), ("m1711", True, "Chapter 13"), ("E11.9", True, "Chapter 4"),
     ("S72.001A", True, "Chapter 19"), ("M17", False, "Chapter 13"), ("Z00.00", True, "Chapter 21")],
)
def test_icd10cm_checked_against_the_package(code, billable, section):
    info = classify(code, "icd10cm")
    assert info.valid and info.system == "icd10cm"
    assert info.billable is billable
    assert info.section == section
    assert info.code == normalise(code, "icd10cm") == normalise(info.code)


def test_icd10cm_unknown_code_is_invalid():
    info = classify("M17.99", "icd10cm")
    assert not info.valid and "not in the ICD-10-CM code set" in info.reason


def test_normalise():
    assert normalise(" m1711 ", "icd10cm") == "M17.11"
    assert normalise("m17.11") == "M17.11"
    assert normalise("s72001a") == "S72.001A"
    assert normalise("m1711") == "M1711"      # HCPCS shape wins when written without a dot
    assert normalise("99213") == "99213"


@pytest.mark.parametrize("code", ["99213", "J1030", "0042T", "3074F", "0001U"])
def test_valid_procedure_shapes(code):
    assert is_valid_shape(code, "procedure") is None


def test_shape_reasons_match_the_issue():
    assert is_valid_shape("9921") == "9921 has 4 digits; CPT codes have 5"
    assert is_valid_shape("992134", "procedure") == "992134 has 6 digits; CPT codes have 5"
    assert is_valid_shape("J103", "procedure").startswith("J103 has 3 digits after the letter")
    assert is_valid_shape("M17.11", "icd10cm") is None
    assert is_valid_shape("17.11", "icd10cm") is not None
    assert is_valid_shape("RT", "modifier") is None
    assert is_valid_shape("RTX", "modifier") is not None


@pytest.mark.parametrize(
    "code, label",
    [("99213", "E/M"), ("00100", "Anesthesia"), ("70450", "Radiology"), ("80053", "Pathology/Lab"),
     ("97110", "Medicine"), ("J1030", "HCPCS Level II"), ("25", "Modifiers"), ("3074F", "CPT Category II"),
     ("0042T", "CPT Category III"), ("0001U", "CPT PLA"), ("M17.11", "ICD-10-CM")],
)
def test_grading_category(code, label):
    assert grading_category(code) == label


def test_classify_never_raises_on_odd_input():
    for s in [None, 12345, "   ", "99213-25", "\x00", "Ⅻ", "9" * 100, "M17..11"]:
        classify(s)


def test_importing_codes_is_quick_and_qt_free():
    code = ("import sys, time; t=time.perf_counter(); import trainer.codes as c; "
            "c.classify('99213'); print(time.perf_counter()-t); "
            "assert 'simple_icd_10_cm' not in sys.modules; assert 'PySide6' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print("import + classify seconds:", out.stdout.strip())
