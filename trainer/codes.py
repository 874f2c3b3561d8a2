"""Say what a code is: CPT (which category, section, E/M family and level), HCPCS Level II,
ICD-10-CM (checked against ``simple-icd-10-cm``), or a modifier; or why it is not valid.

Pure Python, Qt-free. ``simple_icd_10_cm`` is a big in-memory table that takes a second
or two to load, so it is imported lazily, only when an ICD-10-CM code is classified.
Everything else here is table look-ups and is cached.

Code numbers only: no official descriptor text anywhere in this module.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

__all__ = [
    "CodeInfo",
    "normalise",
    "classify",
    "is_valid_shape",
    "grading_category",
    "em_family",
    "relation",
    "CPT_MODIFIERS",
    "HCPCS_MODIFIERS",
    "KINDS",
]

KINDS = (None, "procedure", "icd10cm", "modifier")


@dataclass(frozen=True)
class CodeInfo:
    code: str
    valid: bool
    system: str | None = None
    category: str | None = None
    section: str | None = None
    subsection: str | None = None
    family: str | None = None
    level: int | None = None
    billable: bool | None = None
    reason: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- tables

# CPT Category I sections: (first, last, section). Checked in order; the anesthesia
# qualifying-circumstance add-ons sit inside the Medicine number range.
_CPT_SECTIONS: tuple[tuple[int, int, str], ...] = (
    (99100, 99140, "Anesthesia"),
    (100, 1999, "Anesthesia"),
    (10004, 69990, "Surgery"),
    (70010, 79999, "Radiology"),
    (80047, 89398, "Pathology/Lab"),
    (90281, 99199, "Medicine"),
    (99202, 99499, "E/M"),
    (99500, 99607, "Medicine"),
)

# Surgery subsections; names are the quiz tags after "Surgery/".
_SURGERY_SUBSECTIONS: tuple[tuple[int, int, str], ...] = (
    (10004, 19499, "Integumentary"),
    (20100, 29999, "Musculoskeletal"),
    (30000, 32999, "Respiratory"),
    (33016, 37799, "Cardiovascular"),
    (38100, 38999, "Hemic and Lymphatic"),
    (39000, 39599, "Mediastinum and Diaphragm"),
    (40490, 49999, "Digestive"),
    (50010, 53899, "Urinary"),
    (54000, 55899, "Male Genital"),
    (55920, 55980, "Reproductive"),
    (56405, 58999, "Female Genital"),
    (59000, 59899, "Maternity"),
    (60000, 60699, "Endocrine"),
    (61000, 64999, "Nervous"),
    (65091, 68899, "Eye"),
    (69000, 69979, "Auditory"),
    (69990, 69990, "Operating Microscope"),
)

# E/M families: (first, last, name, level of the first code, levels mean severity).
# Deleted codes inside a range are caught by _DELETED before the family is looked up.
_EM_FAMILIES: tuple[tuple[int, int, str, int, bool], ...] = (
    (99202, 99205, "Office/outpatient new", 2, True),
    (99211, 99215, "Office/outpatient established", 1, True),
    (99221, 99223, "Hospital inpatient/observation initial", 1, True),
    (99231, 99233, "Hospital inpatient/observation subsequent", 1, True),
    (99234, 99236, "Hospital inpatient/observation same-day admission and discharge", 1, True),
    (99238, 99239, "Hospital inpatient/observation discharge", 1, False),
    (99242, 99245, "Office/outpatient consultation", 2, True),
    (99252, 99255, "Inpatient/observation consultation", 2, True),
    (99281, 99285, "Emergency department", 1, True),
    (99291, 99292, "Critical care", 1, False),
    (99304, 99306, "Nursing facility initial", 1, True),
    (99307, 99310, "Nursing facility subsequent", 1, True),
    (99315, 99316, "Nursing facility discharge", 1, False),
    (99341, 99345, "Home/residence new", 1, True),
    (99347, 99350, "Home/residence established", 1, True),
    (99381, 99387, "Preventive medicine new", 1, False),
    (99391, 99397, "Preventive medicine established", 1, False),
    (99417, 99418, "Prolonged service", 1, False),
)

# Codes inside section ranges that no longer exist, with the learner-facing reason.
_DELETED: dict[str, str] = {
    "99201": "99201 was deleted in 2021; new patient office visits start at 99202",
    "99241": "99241 was deleted in 2023; office consultations start at 99242",
    "99251": "99251 was deleted in 2023; inpatient consultations start at 99252",
    "99343": "99343 was deleted in 2023; home visits for new patients are 99341, 99342, 99344, 99345",
    "99318": "99318 was deleted in 2023",
}
for _c in ("99217", "99218", "99219", "99220", "99224", "99225", "99226"):
    _DELETED[_c] = f"{_c} was deleted in 2023; observation care is now reported with the hospital inpatient/observation codes 99221-99239"
for _c in ("99324", "99325", "99326", "99327", "99328", "99334", "99335", "99336", "99337"):
    _DELETED[_c] = f"{_c} was deleted in 2023; domiciliary visits are now reported with the home/residence codes 99341-99350"
for _c in ("99354", "99355", "99356", "99357"):
    _DELETED[_c] = f"{_c} was deleted in 2024; prolonged time is reported with 99417 or 99418"
del _c

_HCPCS_CHAPTERS: dict[str, str] = {
    "A": "Transport, medical and surgical supplies, miscellaneous",
    "B": "Enteral and parenteral therapy",
    "C": "Outpatient PPS (temporary)",
    "E": "Durable medical equipment",
    "G": "Procedures and professional services (temporary)",
    "H": "Behavioural health and substance abuse",
    "J": "Drugs administered other than orally, chemotherapy",
    "K": "Temporary codes for DME MACs",
    "L": "Orthotics and prosthetics",
    "M": "Other medical services",
    "P": "Pathology and laboratory",
    "Q": "Temporary codes",
    "R": "Diagnostic radiology services",
    "S": "Temporary national codes (non-Medicare)",
    "T": "State Medicaid",
    "U": "Coronavirus lab tests",
    "V": "Vision, hearing and speech",
}

CPT_MODIFIERS: frozenset[str] = frozenset(
    "22 23 24 25 26 27 32 33 47 50 51 52 53 54 55 56 57 58 59 62 63 66 73 74 76 77 78 79 "
    "80 81 82 90 91 92 93 95 96 97 99 P1 P2 P3 P4 P5 P6".split()
)

# HCPCS Level II modifier codes (active in the CMS 2020 file plus later additions);
# code identifiers only.
_HCPCS_MODIFIER_LIST = (
    "A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AD AE AF AG AH AI AJ AK AM AO AP AQ AR AS AT AU AV AW AX "
    "AY AZ BA BL BO BP BR BU CA CB CC CD CE CF CG CH CI CJ CK CL CM CN CO CQ CR CS CT DA E1 "
    "E2 E3 E4 EA EB EC ED EE EJ EM EP ER ET EX EY F1 F2 F3 F4 F5 F6 F7 F8 F9 FA FB FC FP FQ "
    "FR FS FT FX FY G0 G1 G2 G3 G4 G5 G6 G7 G8 G9 GA GB GC GE GF GG GH GJ GK GL GM GN GO GP "
    "GQ GR GS GT GU GV GW GX GY GZ H9 HA HB HC HD HE HF HG HH HI HJ HK HL HM HN HO HP HQ HR "
    "HS HT HU HV HW HX HY HZ J1 J2 J3 J4 JA JB JC JD JE JG JW JZ K0 K1 K2 K3 K4 KA KB KC KD "
    "KE KF KG KH KI KJ KK KL KM KN KO KP KQ KR KS KT KU KV KW KX KY KZ LC LD LL LM LR LS LT "
    "M2 MA MB MC MD ME MF MG MH MS NB NR NU PA PB PC PD PI PL PM PN PO PS PT Q0 Q1 Q2 Q3 "
    "Q4 Q5 Q6 Q7 Q8 Q9 QA QB QC QD QE QF QG QH QJ QK QL QM QN QP QQ QR QS QT QW QX QY QZ RA "
    "RB RC RD RE RI RR RT SA SB SC SD SE SF SG SH SJ SK SL SM SN SQ SS ST SU SV SW SY T1 T2 "
    "T3 T4 T5 T6 T7 T8 T9 TA TB TC TD TE TF TG TH TJ TK TL TM TN TP TQ TR TS TT TU TV TW U1 "
    "U2 U3 U4 U5 U6 U7 U8 U9 UA UB UC UD UE UF UG UH UJ UK UN UP UQ UR US V1 V2 V3 V5 V6 V7 "
    "VM VP X1 X2 X3 X4 X5 XE XP XS XU"
)
_AMBULANCE_LETTERS = "DEGHIJNPRSX"
HCPCS_MODIFIERS: frozenset[str] = frozenset(
    set(_HCPCS_MODIFIER_LIST.split())
    | {a + b for a in _AMBULANCE_LETTERS for b in _AMBULANCE_LETTERS}
)

# --------------------------------------------------------------------------- shapes

_RE_CPT1 = re.compile(r"^\d{5}$")
_RE_CPT_SUFFIX = re.compile(r"^\d{4}[FTUM]$")
_RE_HCPCS = re.compile(r"^[A-Z]\d{4}$")
_RE_ICD = re.compile(r"^[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")
_RE_ICD_LOOSE = re.compile(r"^[A-Z]\d[0-9A-Z]\.?[0-9A-Z]*\.?$")
_RE_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_RE_DIGITS = re.compile(r"^\d+$")
_RE_LETTER_DIGITS = re.compile(r"^[A-Z]\d+$")
_WS = re.compile(r"\s+")


def normalise(code: str, kind: str | None = None) -> str:
    """Upper case, no spaces; ICD-10-CM codes get their dot after the third character.

    ``normalise("m17.11")`` and ``normalise("m1711", "icd10cm")`` give ``"M17.11"``;
    ``normalise(" 99213 ")`` gives ``"99213"``. Without ``kind``, a letter + 4 digits
    keeps its HCPCS shape: ``normalise("M1711")`` is ``"M1711"``.
    """
    if not isinstance(code, str):
        code = "" if code is None else str(code)
    if kind == "icd10cm":
        return _icd_normalise(code)
    c = _WS.sub("", code).upper()
    if _RE_HCPCS.match(c) or _RE_MODIFIER.match(c):
        return c
    if _RE_ICD.match(c):
        bare = c.replace(".", "")
        return bare if len(bare) == 3 else bare[:3] + "." + bare[3:]
    return c


def _icd_normalise(code: str) -> str:
    c = _WS.sub("", code if isinstance(code, str) else str(code)).upper()
    if _RE_ICD.match(c):
        bare = c.replace(".", "")
        return bare if len(bare) == 3 else bare[:3] + "." + bare[3:]
    return c


def _procedure_shape_reason(c: str) -> str | None:
    if _RE_CPT1.match(c) or _RE_CPT_SUFFIX.match(c) or _RE_HCPCS.match(c):
        return None
    if not c:
        return "the code is empty"
    if _RE_DIGITS.match(c):
        return f"{c} has {len(c)} digit{'s' if len(c) != 1 else ''}; CPT codes have 5"
    if _RE_LETTER_DIGITS.match(c):
        n = len(c) - 1
        return (f"{c} has {n} digit{'s' if n != 1 else ''} after the letter; "
                "HCPCS Level II codes have a letter and 4 digits")
    if re.match(r"^\d+[A-Z]$", c):
        n = len(c) - 1
        return (f"{c} has {n} digit{'s' if n != 1 else ''} before the letter; "
                "CPT Category II, III and PLA codes have 4 digits then F, T or U")
    if _RE_ICD.match(c):
        return f"{c} looks like an ICD-10-CM diagnosis code, not a procedure code"
    return f"{c} is not a CPT or HCPCS code: CPT codes have 5 digits, HCPCS Level II codes a letter and 4 digits"


def _icd_shape_reason(c: str) -> str | None:
    if _RE_ICD.match(c):
        return None
    if not c:
        return "the code is empty"
    bare = c.replace(".", "")
    if c[0].isdigit():
        return f"{c} is not an ICD-10-CM code: they start with a letter (e.g. M17.11)"
    if len(bare) < 3:
        return f"{c} is too short: ICD-10-CM codes have at least 3 characters (e.g. M17)"
    if len(bare) > 7:
        return f"{c} is too long: ICD-10-CM codes have at most 7 characters"
    return f"{c} is not shaped like an ICD-10-CM code (a letter, a digit, then up to 5 more, e.g. M17.11)"


def _modifier_shape_reason(c: str) -> str | None:
    if _RE_MODIFIER.match(c):
        return None
    if not c:
        return "the modifier is empty"
    return f"{c} is not a modifier: modifiers have 2 characters (e.g. 25, RT)"


def is_valid_shape(code: str, kind: str | None = None) -> str | None:
    """None when ``code`` has a valid shape for its system, else the reason in plain words.

    Fast and table-free (no ICD-10-CM lookup). ``kind``: None (guess), ``"procedure"``
    (CPT/HCPCS), ``"icd10cm"``, ``"modifier"``.
    """
    if not isinstance(code, str):
        code = "" if code is None else str(code)
    c = _WS.sub("", code).upper()
    if kind == "procedure":
        return _procedure_shape_reason(c)
    if kind == "icd10cm":
        return _icd_shape_reason(c)
    if kind == "modifier":
        return _modifier_shape_reason(c)
    if kind is not None:
        return f"unknown kind of code {kind!r}: use procedure, icd10cm or modifier"
    if _RE_MODIFIER.match(c) or _procedure_shape_reason(c) is None or _looks_icd(c):
        return None
    return _procedure_shape_reason(c)


def _looks_icd(c: str) -> bool:
    """For guessing: ICD-10-CM shape, and not a letter + digits run that is better read
    as a mistyped HCPCS code ("J103"). Letter + 2 digits ("M17") or a dot or a letter
    after the first character make it a diagnosis."""
    if not _RE_ICD.match(c):
        return False
    if "." in c or len(c) == 3:
        return True
    return not _RE_LETTER_DIGITS.match(c)


# --------------------------------------------------------------------------- classify

def _in(table, n):
    for row in table:
        if row[0] <= n <= row[1]:
            return row
    return None


def em_family(code: str) -> tuple[str, int, bool] | None:
    """(family name, level, levels mean severity) for an E/M code, else None."""
    if not _RE_CPT1.match(code):
        return None
    row = _in(_EM_FAMILIES, int(code))
    if row is None or code in _DELETED:
        return None
    first, _last, name, first_level, graded = row
    return name, int(code) - first + first_level, graded


def _classify_cpt1(c: str) -> CodeInfo:
    n = int(c)
    if c in _DELETED:
        return CodeInfo(c, False, "cpt", "CPT Category I", reason=_DELETED[c])
    row = _in(_CPT_SECTIONS, n)
    if row is None:
        return CodeInfo(c, False, "cpt", "CPT Category I",
                        reason=f"{c} is not in any CPT Category I section range")
    section = row[2]
    subsection = family = level = None
    if section == "Surgery":
        sub = _in(_SURGERY_SUBSECTIONS, n)
        if sub is None:
            return CodeInfo(c, False, "cpt", "CPT Category I", "Surgery",
                            reason=f"{c} falls between the Surgery subsection ranges")
        subsection = sub[2]
    elif section == "E/M":
        fam = em_family(c)
        if fam is not None:
            family, level = fam[0], fam[1]
    return CodeInfo(c, True, "cpt", "CPT Category I", section, subsection, family, level)


_ICD_MODULE = None


def _icd():
    global _ICD_MODULE
    if _ICD_MODULE is None:
        import simple_icd_10_cm as m  # lazy: a big in-memory table

        _ICD_MODULE = m
    return _ICD_MODULE


@lru_cache(maxsize=65536)
def _classify_icd(c: str) -> CodeInfo:
    reason = _icd_shape_reason(c)
    if reason is not None:
        return CodeInfo(c, False, "icd10cm", "ICD-10-CM", reason=reason)
    m = _icd()
    try:
        known = m.is_valid_item(c)
    except Exception:  # the package must never crash a grading
        known = False
    if not known:
        return CodeInfo(c, False, "icd10cm", "ICD-10-CM",
                        reason=f"{c} is not in the ICD-10-CM code set")
    try:
        ancestors = m.get_ancestors(c)
        chapter = ancestors[-1] if ancestors else None
        leaf = bool(m.is_leaf(c))
    except Exception:
        chapter, leaf = None, False
    block = None
    try:
        block = next((a for a in ancestors if "-" in a), None)
    except Exception:
        pass
    section = f"Chapter {chapter}" if chapter else c[0]
    info = CodeInfo(c, True, "icd10cm", "ICD-10-CM", section, block,
                    family=c[:3], billable=leaf)
    if not leaf:
        info = CodeInfo(c, True, "icd10cm", "ICD-10-CM", section, block, family=c[:3],
                        billable=False,
                        reason=f"{c} is a valid heading but not billable: a more specific code is needed")
    return info


def _classify_modifier(c: str) -> CodeInfo:
    reason = _modifier_shape_reason(c)
    if reason is not None:
        return CodeInfo(c, False, "modifier", reason=reason)
    if c in CPT_MODIFIERS:
        section = "Anesthesia physical status" if c[0] == "P" else None
        return CodeInfo(c, True, "modifier", "CPT modifier", section)
    if c in HCPCS_MODIFIERS:
        return CodeInfo(c, True, "modifier", "HCPCS modifier", c[0])
    if c.isdigit():
        return CodeInfo(c, False, "modifier", "CPT modifier",
                        reason=f"{c} is not a CPT modifier")
    return CodeInfo(c, False, "modifier", "HCPCS modifier",
                    reason=f"{c} is not a modifier this trainer knows")


def _classify_procedure(c: str) -> CodeInfo:
    reason = _procedure_shape_reason(c)
    if reason is not None:
        return CodeInfo(c, False, reason=reason)
    if _RE_CPT1.match(c):
        return _classify_cpt1(c)
    if _RE_HCPCS.match(c):
        letter = c[0]
        if letter == "D":
            return CodeInfo(c, False, "hcpcs", "HCPCS Level II", "D",
                            reason=f"{c} is a dental (CDT) code; dental codes are out of scope")
        if letter not in _HCPCS_CHAPTERS:
            return CodeInfo(c, False, "hcpcs", "HCPCS Level II", letter,
                            reason=f"{c} starts with {letter}: no HCPCS Level II chapter uses that letter")
        return CodeInfo(c, True, "hcpcs", "HCPCS Level II", letter, _HCPCS_CHAPTERS[letter])
    suffix = c[-1]
    if suffix == "F":
        return CodeInfo(c, True, "cpt", "CPT Category II", "Performance measures")
    if suffix == "T":
        return CodeInfo(c, True, "cpt", "CPT Category III", "Emerging technology")
    if suffix == "U":
        return CodeInfo(c, True, "cpt", "CPT PLA", "Pathology/Lab")
    # 4 digits + M: multianalyte assays with algorithmic analyses, part of Category I lab.
    return CodeInfo(c, True, "cpt", "CPT Category I", "Pathology/Lab", "Multianalyte assays")


@lru_cache(maxsize=65536)
def _classify(c: str, kind: str | None) -> CodeInfo:
    if kind == "procedure":
        return _classify_procedure(c)
    if kind == "icd10cm":
        return _classify_icd(_icd_normalise(c))
    if kind == "modifier":
        return _classify_modifier(c)
    # Guess: modifiers are 2 characters; procedure shapes win over ICD-10-CM when both
    # fit (letter + 4 digits is HCPCS unless written with a dot).
    if len(c) == 2 and _RE_MODIFIER.match(c):
        return _classify_modifier(c)
    if _procedure_shape_reason(c) is None:
        return _classify_procedure(c)
    if _looks_icd(c):
        return _classify_icd(_icd_normalise(c))
    return _classify_procedure(c)


def classify(code: str, kind: str | None = None) -> CodeInfo:
    """What ``code`` is. Never raises for any string; an unknown ``kind`` gives an invalid
    CodeInfo whose reason says so."""
    if not isinstance(code, str):
        code = "" if code is None else str(code)
    c = _WS.sub("", code).upper()
    if kind not in KINDS:
        return CodeInfo(c, False, reason=f"unknown kind of code {kind!r}: use procedure, icd10cm or modifier")
    if len(c) > 40:
        c = c[:40]
    return _classify(c, kind)


_SECTION_CATEGORY = {
    "CPT Category II": "CPT Category II",
    "CPT Category III": "CPT Category III",
    "CPT PLA": "CPT PLA",
    "HCPCS Level II": "HCPCS Level II",
    "ICD-10-CM": "ICD-10-CM",
    "CPT modifier": "Modifiers",
    "HCPCS modifier": "Modifiers",
}


def grading_category(code_or_info) -> str:
    """The category label for totals and quiz tags ("E/M", "Surgery/Integumentary",
    "HCPCS Level II", "ICD-10-CM", ...). "Unknown" for a code no system claims."""
    info = code_or_info if isinstance(code_or_info, CodeInfo) else classify(code_or_info)
    if info.system == "modifier":
        return "Modifiers"
    if info.category == "CPT Category I":
        if info.section == "Surgery":
            return f"Surgery/{info.subsection}" if info.subsection else "Surgery"
        return info.section or "Unknown"
    if info.category in _SECTION_CATEGORY:
        return _SECTION_CATEGORY[info.category]
    return "Unknown"


# --------------------------------------------------------------------------- relations

RELATION_ORDER = ("none", "category", "section", "family", "code")


def _family_key(info: CodeInfo) -> str | None:
    """Codes with the same key are close relatives (the grader's 'family' match)."""
    if not info.valid and info.reason and info.system != "icd10cm":
        return None
    if info.system == "cpt":
        if info.category == "CPT Category I" and info.section == "E/M":
            return f"E/M:{info.family}" if info.family else None
        # Elsewhere: same section and same first four characters (12002 / 12004).
        return f"{info.category}:{info.section}:{info.code[:4]}"
    if info.system == "hcpcs":
        return f"HCPCS:{info.code[:4]}"
    if info.system == "icd10cm":
        return f"ICD:{info.code[:3]}" if _RE_ICD.match(info.code) else None
    return None


def _section_key(info: CodeInfo) -> str | None:
    if info.system in ("cpt", "hcpcs", "icd10cm") and info.section:
        return f"{info.system}:{info.category}:{info.section}"
    return None


def relation(a: CodeInfo, b: CodeInfo) -> str:
    """How close two codes are: "code", "family", "section", "category" (same code
    system only) or "none". Each level contains the ones before it."""
    if a.code == b.code:
        return "code"
    if a.system is None or a.system != b.system:
        return "none"
    ka = _family_key(a)
    if ka is not None and ka == _family_key(b):
        return "family"
    sa = _section_key(a)
    if sa is not None and sa == _section_key(b):
        return "section"
    return "category"
