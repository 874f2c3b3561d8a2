"""Grade answers line by line: coded cases (the Practicode way), multiple choice (the Moodle
way), E/M levelling and claim audits. Pure Python, Qt-free, never raises on a learner's
answer (a bad answer key raises GradingError, a TrainerError).

See docs/scoring.md for the rules and the policy table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from trainer import codes as _codes
from trainer.em import ELEMENTS, LEVELS, EmError, em_level, mdm_level, normalise_level, time_code
from trainer.errors import TrainerError
from trainer.parse import AnswerLine, parse_answer, parse_line

__all__ = ["POLICIES", "CREDIT", "MATCH_KINDS", "LineResult", "GradeResult", "GradingError",
           "grade_case", "grade", "grade_choice", "grade_em_level", "grade_audit",
           "resolve_policy", "MAX_GRADED_LINES"]

POLICIES = ("strict", "standard", "lenient")
# Credit per match kind under each policy; every other kind earns 0.
CREDIT = {
    "strict": {"exact": 1.0, "partial": 0.0, "family": 0.0},
    "standard": {"exact": 1.0, "partial": 0.5, "family": 0.0},
    "lenient": {"exact": 1.0, "partial": 0.75, "family": 0.25},
}
MATCH_KINDS = ("exact", "partial", "family", "section", "category", "missing", "extra",
               "optional", "wrong")
MAX_GRADED_LINES = 200   # answered lines beyond this are counted as extra without pairing

_RANK = {"exact": 5, "partial": 4, "family": 3, "section": 2, "category": 1}
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class GradingError(TrainerError):
    """The answer key (not the learner's answer) cannot be graded against."""


@dataclass
class LineResult:
    expected: str | None
    answered: str | None
    match: str
    credit: float
    problems: list[str] = field(default_factory=list)
    feedback: str = ""
    category: str = "Unknown"

    def to_dict(self) -> dict:
        return {"expected": self.expected, "answered": self.answered, "match": self.match,
                "credit": round(self.credit, 4), "problems": list(self.problems),
                "feedback": self.feedback, "category": self.category}


@dataclass
class GradeResult:
    score: float
    lines: list[LineResult] = field(default_factory=list)
    by_category: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    summary: str = ""
    policy: str = "standard"

    def to_dict(self) -> dict:
        return {
            "score": round(self.score, 4),
            "summary": self.summary,
            "policy": self.policy,
            "lines": [ln.to_dict() for ln in self.lines],
            "by_category": {k: {kk: (round(vv, 4) if isinstance(vv, float) else vv)
                                for kk, vv in v.items()}
                            for k, v in self.by_category.items()},
            "problems": list(self.problems),
        }


# --------------------------------------------------------------------------- helpers

def resolve_policy(policy: str | None, question: dict | None = None) -> str:
    """The policy argument wins, then the question's (or quiz's) scoring_policy, then
    "standard"."""
    p = policy
    if not p and question:
        p = question.get("scoring_policy")
    p = str(p or "standard").strip().lower()
    if p not in POLICIES:
        raise GradingError(f"scoring policy {p!r} is not one of {', '.join(POLICIES)}")
    return p


def _num(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@lru_cache(maxsize=65536)
def _keys(code: str, kind: str) -> tuple:
    """(info, family key, section key, system, category label) for one code, cached."""
    info = _codes.classify(code, kind)
    return (info, _codes._family_key(info), _codes._section_key(info), info.system,
            _codes.grading_category(info))


def _relation(ka: tuple, kb: tuple) -> str | None:
    if ka[0].code == kb[0].code:
        return "code"
    if ka[3] is None or ka[3] != kb[3]:
        return None
    if ka[1] is not None and ka[1] == kb[1]:
        return "family"
    if ka[2] is not None and ka[2] == kb[2]:
        return "section"
    return "category"


class _Exp:
    __slots__ = ("line", "optional", "rationale", "keys")

    def __init__(self, line: AnswerLine, optional: bool, rationale: str, kind: str):
        self.line = line
        self.optional = optional
        self.rationale = rationale
        self.keys = _keys(line.code, kind)


def _coerce_expected(items, kind: str, rationales=None) -> list[_Exp]:
    if items is None:
        return []
    if isinstance(items, str):
        parsed = parse_answer(items, kind)
        if parsed.problems:
            raise GradingError("the expected answer cannot be read: " + " ".join(parsed.problems))
        items = parsed.lines
    out: list[_Exp] = []
    for pos, item in enumerate(items):
        optional, rationale = False, ""
        try:
            if isinstance(item, AnswerLine):
                line = item
            elif isinstance(item, str):
                line = parse_line(item, kind)
            elif isinstance(item, dict):
                code = item.get("code")
                if code is None or not str(code).strip():
                    raise GradingError(f"expected line {pos + 1} has no code")
                if kind == "icd10cm":
                    line = parse_line(str(code), kind)
                else:
                    base = parse_line(str(code), kind)
                    mods = tuple(base.modifiers) + tuple(str(m) for m in (item.get("modifiers") or ()))
                    units = item.get("units")
                    units = base.units if units in (None, "") else int(units)
                    line = AnswerLine(base.code, mods, units)
                optional = bool(item.get("optional", False))
                rationale = str(item.get("rationale") or "").strip()
            else:
                raise GradingError(f"expected line {pos + 1} is not a code: {item!r}")
        except GradingError:
            raise
        except (TrainerError, ValueError, TypeError) as e:
            raise GradingError(f"expected line {pos + 1} cannot be read: {e}") from None
        if not rationale and rationales:
            if isinstance(rationales, dict):
                rationale = str(rationales.get(str(line)) or rationales.get(line.code) or "")
            elif pos < len(rationales):
                rationale = str(rationales[pos] or "")
        out.append(_Exp(line, optional, rationale, kind))
    return out


def _coerce_answer(answer, kind: str) -> tuple[list[AnswerLine], list[str]]:
    if answer is None:
        return [], []
    if isinstance(answer, AnswerLine):
        return [answer], []
    if isinstance(answer, (list, tuple)) and all(isinstance(a, AnswerLine) for a in answer):
        return list(answer), []
    try:
        parsed = parse_answer(answer, kind)
    except Exception as e:  # pragma: no cover - parse_answer does not raise
        return [], [f"The answer could not be read: {e}"]
    return parsed.lines, parsed.problems


# --------------------------------------------------------------------------- pairing

def _pair(exp: list[_Exp], ans: list[tuple], credit: dict) -> list[tuple[int, int, str]]:
    """Pair expected with answered lines to give the most credit, then the closest
    relatives. The relations are nested (same line within same code within same family
    within same section within same code system), so taking the closest pairs first
    is optimal."""
    pairs: list[tuple[float, int, int, str]] = []
    for i, e in enumerate(exp):
        el = e.line
        ek = e.keys
        for j, (al, ak) in enumerate(ans):
            rel = _relation(ek, ak)
            if rel is None:
                continue
            if rel == "code":
                if el.modifiers == al.modifiers and el.units == al.units:
                    kind = "exact"
                    closeness = 0
                else:
                    kind = "partial"
                    closeness = len(set(el.modifiers) ^ set(al.modifiers)) + (el.units != al.units)
            else:
                kind = rel
                closeness = 0
            if e.optional and _RANK[kind] < _RANK["family"]:
                continue
            w = credit.get(kind, 0.0) * 1000 + _RANK[kind] * 100 - closeness + (0 if e.optional else 0.5)
            pairs.append((w, i, j, kind))
    if not pairs:
        return []
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_e: set[int] = set()
    used_a: set[int] = set()
    out = []
    for _w, i, j, kind in pairs:
        if i in used_e or j in used_a:
            continue
        used_e.add(i)
        used_a.add(j)
        out.append((i, j, kind))
    return out


# --------------------------------------------------------------------------- feedback

def _modifier_problems(el: AnswerLine, al: AnswerLine) -> list[str]:
    missing = [m for m in el.modifiers if m not in al.modifiers]
    extra = [m for m in al.modifiers if m not in el.modifiers]
    out = []
    while missing and extra:
        out.append(f"Modifier {extra.pop(0)} on {el.code} should be {missing.pop(0)}")
    for m in missing:
        out.append(f"Modifier {m} is missing on {el.code}")
    for m in extra:
        out.append(f"Modifier {m} is not needed on {el.code}")
    return out


def _unit_problem(el: AnswerLine, al: AnswerLine) -> list[str]:
    if el.units == al.units:
        return []
    direction = "too many" if al.units > el.units else "too few"
    return [f"{el.code} should be billed with {_plural(el.units, 'unit')}, not {al.units} ({direction})"]


def _family_problem(e: _Exp, al: AnswerLine, ak: tuple) -> str:
    ei = e.keys[0]
    ai = ak[0]
    if ei.section == "E/M" and ei.level is not None and ai.level is not None:
        fam = _codes.em_family(ei.code)
        if fam and fam[2] and ai.level != ei.level:
            diff = ai.level - ei.level
            n = abs(diff)
            where = "above" if diff > 0 else "below"
            what = "over-coding" if diff > 0 else "under-coding"
            return (f"{al.code} is {_num(n)} level{'s' if n != 1 else ''} {where} what the note "
                    f"supports ({ei.code}): {what}")
        return f"{al.code} is in the right family ({ei.family}) but the note supports {ei.code}"
    if ei.system == "icd10cm":
        return f"{al.code} is in the right ICD-10-CM category ({ei.code[:3]}) but the note supports {ei.code}"
    return f"{al.code} is a close relative of the right code, {ei.code}, but not the same service"


def _describe(info) -> str:
    if info.system == "icd10cm":
        return "ICD-10-CM " + (info.section or "")
    return _codes.grading_category(info)


def _join(sentences: list[str], rationale: str = "") -> str:
    text = ". ".join(s.rstrip(".") for s in sentences if s)
    if text:
        text += "."
    if rationale:
        text = (text + " " + rationale).strip()
    return text


def _code_notes(ak: tuple, kind: str, al: AnswerLine) -> list[str]:
    """Problems with an answered code itself: not a real code, not billable, unknown
    modifier."""
    info = ak[0]
    notes = []
    if not info.valid and info.reason:
        notes.append(info.reason[0].upper() + info.reason[1:])
    elif info.system == "icd10cm" and info.billable is False:
        notes.append(f"{info.code} is not billable: a more specific code is needed")
    if kind == "procedure":
        for m in al.modifiers:
            mi = _codes.classify(m, "modifier")
            if not mi.valid:
                notes.append(f"{m} is not a modifier this trainer knows")
    return notes


# --------------------------------------------------------------------------- case

class _SetResult:
    __slots__ = ("lines", "credit", "denominator", "counts", "by_category")

    def __init__(self):
        self.lines: list[LineResult] = []
        self.credit = 0.0
        self.denominator = 0
        self.counts: dict[str, int] = {}
        self.by_category: dict[str, dict] = {}

    @property
    def score(self) -> float:
        return self.credit / self.denominator if self.denominator else 1.0


def _add_cat(cats: dict, cat: str, earned: float, possible: float = 1.0) -> None:
    row = cats.get(cat)
    if row is None:
        row = cats[cat] = {"earned": 0.0, "possible": 0.0}
    row["earned"] += earned
    row["possible"] += possible


def _grade_set(exp: list[_Exp], answered: list[AnswerLine], bad_fragments: int,
               kind: str, policy: str) -> _SetResult:
    credit = CREDIT[policy]
    res = _SetResult()
    graded = answered[:MAX_GRADED_LINES]
    ans = [(al, _keys(al.code, kind)) for al in graded]
    pairs = _pair(exp, ans, credit)
    paired_e = {i: (j, k) for i, j, k in pairs}
    paired_a = {j for _i, j, _k in pairs}
    cats = res.by_category
    counted_expected = 0
    for i, e in enumerate(exp):
        el = e.line
        cat = e.keys[4]
        if i not in paired_e:
            if e.optional:
                res.lines.append(LineResult(str(el), None, "optional", 0.0, [],
                                            _join([f"Optional line {el} was left out; that costs nothing"], e.rationale),
                                            cat))
                res.counts["optional"] = res.counts.get("optional", 0) + 1
                continue
            counted_expected += 1
            problem = f"{el} is missing"
            res.lines.append(LineResult(str(el), None, "missing", 0.0, [problem],
                                        _join([problem], e.rationale), cat))
            res.counts["missing"] = res.counts.get("missing", 0) + 1
            _add_cat(cats, cat, 0.0)
            if kind == "procedure" and el.modifiers:
                _add_cat(cats, "Modifiers", 0.0, len(el.modifiers))
            continue
        counted_expected += 1
        j, mk = paired_e[i]
        al, ak = ans[j]
        c = credit.get(mk, 0.0)
        if mk == "exact":
            problems = []
            sentences = [f"{al} is right"]
        elif mk == "partial":
            problems = _modifier_problems(el, al) + _unit_problem(el, al)
            sentences = list(problems)
        elif mk == "family":
            problems = [_family_problem(e, al, ak)]
            if kind == "procedure" and el.modifiers != al.modifiers:
                problems += [p.replace(f" on {el.code}", "") for p in _modifier_problems(el, al)]
            sentences = list(problems)
        elif mk == "section":
            ei = e.keys[0]
            sec = ei.subsection if ei.system == "hcpcs" else ei.section
            problems = [f"{al.code} is in the right section ({sec}) but another family: "
                        f"the note supports {el}"]
            sentences = list(problems)
        else:  # category
            given = _describe(ak[0])
            if given == "Unknown":  # the code's own note says why it is not a real code
                problems = [f"The note supports {el}, not {al.code}"]
            else:
                problems = [f"{al.code} is {given}, not {_describe(e.keys[0])}: the note supports {el}"]
            sentences = list(problems)
        notes = _code_notes(ak, kind, al)
        problems = problems + notes
        res.lines.append(LineResult(str(el), str(al), mk, c, problems,
                                    _join(sentences + notes, e.rationale), cat))
        res.credit += c
        res.counts[mk] = res.counts.get(mk, 0) + 1
        _add_cat(cats, cat, c)
        if kind == "procedure" and mk in ("exact", "partial") and (el.modifiers or al.modifiers):
            right = len(set(el.modifiers) & set(al.modifiers))
            _add_cat(cats, "Modifiers", float(right), len(set(el.modifiers) | set(al.modifiers)))
        elif kind == "procedure" and el.modifiers:
            _add_cat(cats, "Modifiers", 0.0, len(el.modifiers))
    for j, (al, ak) in enumerate(ans):
        if j in paired_a:
            continue
        cat = ak[4]
        problem = f"{al} is not supported by the note: an extra line is over-coding"
        notes = _code_notes(ak, kind, al)
        res.lines.append(LineResult(None, str(al), "extra", 0.0, [problem] + notes,
                                    _join([problem] + notes), cat))
        res.counts["extra"] = res.counts.get("extra", 0) + 1
        _add_cat(cats, cat, 0.0)
        if kind == "procedure" and al.modifiers:
            _add_cat(cats, "Modifiers", 0.0, len(al.modifiers))
    for al in answered[MAX_GRADED_LINES:]:
        res.lines.append(LineResult(None, str(al), "extra", 0.0,
                                    [f"Only the first {MAX_GRADED_LINES} lines are graded"],
                                    f"{al} was not graded: only the first {MAX_GRADED_LINES} lines are.",
                                    "Unknown"))
        res.counts["extra"] = res.counts.get("extra", 0) + 1
    entered = len(answered) + bad_fragments
    res.denominator = max(entered, counted_expected)
    return res


def _summary(score: float, counts: dict) -> str:
    order = ("exact", "partial", "family", "section", "category", "wrong", "missing", "extra", "optional")
    bits = [f"{counts[k]} {k}" for k in order if counts.get(k)]
    return f"Score {round(score * 100)}%" + (": " + ", ".join(bits) if bits else "") + "."


def grade_case(expected_lines, answer, alternatives=(), icd10_expected=(), icd10_answer="",
               policy: str = "standard", rationales=None) -> GradeResult:
    """Grade a coded answer against the expected lines (and ICD-10-CM codes).

    Score = credit / max(lines entered, lines expected), procedure and diagnosis sets
    added together; optional lines left out are not counted; each alternative answer set
    is tried and the best kept. Never raises on the learner's answer.
    """
    policy = resolve_policy(policy)
    keys = [_coerce_expected(expected_lines, "procedure", rationales)]
    for alt in alternatives or ():
        keys.append(_coerce_expected(alt, "procedure", rationales))
    icd_exp = _coerce_expected(icd10_expected, "icd10cm") if icd10_expected else []

    answered, problems = _coerce_answer(answer, "procedure")
    best: _SetResult | None = None
    for key in keys:
        r = _grade_set(key, answered, len(problems), "procedure", policy)
        if best is None or r.score > best.score + 1e-12:
            best = r
    assert best is not None

    extra_problems: list[str] = []
    icd_res: _SetResult | None = None
    icd_lines, icd_problems = _coerce_answer(icd10_answer, "icd10cm")
    if icd_exp:
        icd_res = _grade_set(icd_exp, icd_lines, len(icd_problems), "icd10cm", policy)
    elif icd_lines or icd_problems:
        extra_problems.append("This question does not grade diagnosis codes; "
                              "the ICD-10-CM codes entered were not scored.")
        icd_problems = []

    lines = list(best.lines)
    credit, denominator = best.credit, best.denominator
    counts = dict(best.counts)
    by_cat = {k: dict(v) for k, v in best.by_category.items()}
    if icd_res is not None:
        lines += icd_res.lines
        credit += icd_res.credit
        denominator += icd_res.denominator
        for k, v in icd_res.counts.items():
            counts[k] = counts.get(k, 0) + v
        for k, v in icd_res.by_category.items():
            _add_cat(by_cat, k, v["earned"], v["possible"])
    score = credit / denominator if denominator else 1.0
    score = min(1.0, max(0.0, score))
    all_problems = list(problems) + list(icd_problems) + extra_problems
    return GradeResult(score, lines, by_cat, all_problems, _summary(score, counts), policy)


# --------------------------------------------------------------------------- choice

def grade_choice(question: dict, response) -> GradeResult:
    options = question.get("options") or []
    if not options:
        raise GradingError("the question has no options")
    correct = {i for i, o in enumerate(options) if isinstance(o, dict) and o.get("correct")}
    if not correct:
        raise GradingError("the question has no correct option")
    problems: list[str] = []
    if isinstance(response, dict):
        response = response.get("selected", response.get("choices"))
    if response is None:
        raw = []
    elif isinstance(response, (int, str)) and not isinstance(response, bool):
        raw = [response]
    else:
        try:
            raw = list(response)
        except TypeError:
            raw = []
            problems.append(f"The answer {response!r} is not a list of options.")
    selected: set[int] = set()
    for r in raw:
        try:
            idx = int(r)
        except (TypeError, ValueError):
            problems.append(f"{r!r} is not an option number.")
            continue
        if 0 <= idx < len(options):
            selected.add(idx)
        else:
            problems.append(f"There is no option {idx + 1}.")
    wrong = set(range(len(options))) - correct
    multiple = len(correct) > 1
    if multiple:
        earned = len(selected & correct) / len(correct)
        if wrong:
            earned -= len(selected & wrong) / len(wrong)
        score = min(1.0, max(0.0, earned))
    else:
        score = 1.0 if selected == correct else 0.0
        if len(selected) > 1:
            problems.append("Only one option is right; choose one.")
    tags = question.get("tags") or ["Guidelines"]
    lines: list[LineResult] = []
    counts: dict[str, int] = {}
    for i, o in enumerate(options):
        text = str(o.get("text", f"option {i + 1}")) if isinstance(o, dict) else str(o)
        fb = str(o.get("feedback") or "").strip() if isinstance(o, dict) else ""
        if i in correct:
            if i in selected:
                kind, c, msg = "exact", (1 / len(correct)), f"\"{text}\" is right"
            else:
                kind, c, msg = "missing", 0.0, f"\"{text}\" is also right and was not chosen"
        elif i in selected:
            kind, c, msg = "extra", (-1 / len(wrong) if multiple else 0.0), f"\"{text}\" is not right"
        else:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        lines.append(LineResult(text if i in correct else None, text if i in selected else None,
                                kind, c, [] if kind == "exact" else [msg], _join([msg], fb),
                                tags[0]))
    by_cat = {}
    for t in tags:
        _add_cat(by_cat, t, score)
    return GradeResult(score, lines, by_cat, problems, _summary(score, counts))


# --------------------------------------------------------------------------- em_level

def _level_cmp(a: str, b: str) -> str:
    return "above" if LEVELS.index(a) > LEVELS.index(b) else "below"


def grade_em_level(question: dict, response, policy: str | None = None) -> GradeResult:
    policy = resolve_policy(policy, question)
    key = question.get("key") or {}
    patient = question.get("patient") or key.get("patient") or "established"
    key_code = str(key.get("code") or "").strip()
    if not key_code:
        raise GradingError("the em_level key has no code")
    if isinstance(response, str):
        response = {"code": response}
    if not isinstance(response, dict):
        response = {}
    problems: list[str] = []
    lines: list[LineResult] = []
    counts: dict[str, int] = {}
    rationale = str(question.get("rationale") or "").strip()

    def add(line: LineResult):
        lines.append(line)
        counts[line.match] = counts.get(line.match, 0) + 1

    # The code.
    ans_code = _codes.normalise(str(response.get("code") or ""))
    code_credit = 0.0
    if not ans_code:
        add(LineResult(key_code, None, "missing", 0.0, ["No visit code was given"],
                       "No visit code was given.", "E/M"))
    elif ans_code == key_code:
        code_credit = 1.0
        add(LineResult(key_code, ans_code, "exact", 1.0, [], f"{ans_code} is right.", "E/M"))
    else:
        ek, ak = _keys(key_code, "procedure"), _keys(ans_code, "procedure")
        rel = _relation(ek, ak)
        mk = rel if rel in ("family", "section", "category") else "extra"
        if mk == "family":
            msg = _family_problem(_Exp(AnswerLine(key_code), False, "", "procedure"),
                                  AnswerLine(ans_code), ak)
        else:
            msg = f"{ans_code} is not the right kind of code: the note supports {key_code}"
        code_credit = CREDIT[policy].get(mk, 0.0)
        add(LineResult(key_code, ans_code, mk if mk != "extra" else "wrong", code_credit,
                       [msg], _join([msg]), "E/M"))

    # The MDM elements.
    element_credits: list[float] = []
    key_levels: dict[str, str | None] = {}
    ans_levels: dict[str, str | None] = {}
    for el in ELEMENTS:
        try:
            key_levels[el] = normalise_level(key.get(el), el)
        except EmError as e:
            raise GradingError(f"the em_level key: {e}") from None
        try:
            ans_levels[el] = normalise_level(response.get(el), el)
        except EmError as e:
            ans_levels[el] = None
            problems.append(str(e)[0].upper() + str(e)[1:] + ".")
    for el in ELEMENTS:
        kv, av = key_levels[el], ans_levels[el]
        if kv is None:
            continue
        if av is None:
            element_credits.append(0.0)
            add(LineResult(kv, None, "missing", 0.0, [f"The {el} level was not given"],
                           f"The {el} level was not given; the note supports {kv}.", "E/M"))
        elif av == kv:
            element_credits.append(1.0)
            add(LineResult(kv, av, "exact", 1.0, [], f"The {el} level ({av}) is right.", "E/M"))
        else:
            element_credits.append(0.0)
            msg = f"The {el} level {av} is {_level_cmp(av, kv)} what the note supports ({kv})"
            add(LineResult(kv, av, "wrong", 0.0, [msg], msg + ".", "E/M"))

    # The time path.
    key_minutes = key.get("minutes")
    ans_minutes = response.get("minutes")
    if key_minutes not in (None, ""):
        try:
            kt = time_code(patient, key_minutes)
        except EmError as e:
            raise GradingError(f"the em_level key: {e}") from None
        try:
            at = time_code(patient, ans_minutes) if ans_minutes not in (None, "") else None
        except EmError as e:
            at = None
            problems.append(str(e)[0].upper() + str(e)[1:] + ".")
            ans_minutes = None
        if ans_minutes in (None, ""):
            if str(key.get("basis") or "").lower() == "time":
                element_credits.append(0.0)
                add(LineResult(f"{key_minutes} min", None, "missing", 0.0,
                               ["The total time was not given"],
                               f"The total time was not given; this visit is levelled by time ({key_minutes} minutes).",
                               "E/M"))
        elif at == kt:
            element_credits.append(1.0)
            add(LineResult(f"{key_minutes} min", f"{ans_minutes} min", "exact", 1.0, [],
                           f"{ans_minutes} minutes gives the same time level as the note ({kt or 'none'}).",
                           "E/M"))
        else:
            element_credits.append(0.0)
            msg = (f"{ans_minutes} minutes gives {at or 'no time level'}, but the note's "
                   f"{key_minutes} minutes gives {kt or 'no time level'}")
            add(LineResult(f"{key_minutes} min", f"{ans_minutes} min", "wrong", 0.0, [msg],
                           msg + ".", "E/M"))

    # Which element led the learner astray (2-of-3 rule).
    if ans_code and ans_code != key_code and all(ans_levels.values()) and all(key_levels.values()):
        try:
            their_level, _ = mdm_level(*(ans_levels[e] for e in ELEMENTS))
            key_level, _ = mdm_level(*(key_levels[e] for e in ELEMENTS))
            culprits = []
            for el in ELEMENTS:
                if ans_levels[el] != key_levels[el]:
                    trial = dict(ans_levels)
                    trial[el] = key_levels[el]
                    if mdm_level(*(trial[e] for e in ELEMENTS))[0] == key_level:
                        culprits.append(el)
            if their_level != key_level:
                if culprits:
                    names = " or ".join(f"{c} ({ans_levels[c]} instead of {key_levels[c]})" for c in culprits)
                    problems.append(
                        f"By the 2-of-3 rule your elements give {their_level} MDM instead of "
                        f"{key_level}; the element that led you astray: {names}.")
                else:
                    problems.append(
                        f"By the 2-of-3 rule your elements give {their_level} MDM instead of "
                        f"{key_level}; more than one element is off.")
            else:
                mine = em_level(patient, *(ans_levels[e] for e in ELEMENTS))
                if mine.code != ans_code:
                    problems.append(f"Your own elements give {mine.code}, not the {ans_code} you chose: "
                                    "the level is the one 2 of the 3 elements reach.")
        except EmError:
            pass

    if element_credits:
        score = 0.5 * code_credit + 0.5 * sum(element_credits) / len(element_credits)
    else:
        score = code_credit
    if rationale and lines:
        lines[0].feedback = _join([lines[0].feedback], rationale)
    by_cat = {}
    _add_cat(by_cat, "E/M", score)
    return GradeResult(score, lines, by_cat, problems, _summary(score, counts), policy)


# --------------------------------------------------------------------------- audit

def grade_audit(question: dict, response, policy: str | None = None) -> GradeResult:
    policy = resolve_policy(policy, question)
    claim = question.get("claim") or []
    if not claim:
        raise GradingError("the audit question has no claim lines")
    if isinstance(response, dict):
        response = response.get("lines") or response.get("claim") or []
    if not isinstance(response, (list, tuple)):
        response = []
    problems: list[str] = []
    lines: list[LineResult] = []
    counts: dict[str, int] = {}
    total = 0.0
    by_cat: dict[str, dict] = {}
    for i, item in enumerate(claim):
        if isinstance(item, str):
            item = {"line": item, "correct": True}
        shown = str(item.get("line") or "").strip()
        key_ok = bool(item.get("correct", False))
        key_fix = str(item.get("correction") or "").strip()
        explanation = str(item.get("explanation") or "").strip()
        try:
            cat = _keys(parse_line(shown).code, "procedure")[4]
        except TrainerError:
            cat = "Unknown"
        r = response[i] if i < len(response) else None
        if not isinstance(r, dict):
            r = {"correct": r} if isinstance(r, bool) else {}
        said_ok = r.get("correct")
        fix = str(r.get("correction") or "").strip()
        if said_ok is None:
            c, kind, msg = 0.0, "missing", [f"Line {i + 1} ({shown}) was not judged"]
            answered = None
        elif key_ok:
            if said_ok:
                c, kind, msg, answered = 1.0, "exact", [], shown
            else:
                c, kind = 0.0, "wrong"
                msg = [f"Line {i + 1} ({shown}) is correct as billed"]
                answered = fix or "(deleted)"
        elif said_ok:
            c, kind, answered = 0.0, "wrong", shown
            msg = [f"Line {i + 1} ({shown}) is wrong" + (f": it should be {key_fix}" if key_fix else ": it should be deleted")]
        else:
            answered = fix or "(deleted)"
            if not key_fix:
                if fix:
                    c, kind = 0.5, "extra"
                    msg = [f"Line {i + 1} ({shown}) should be deleted, not replaced with {fix}"]
                else:
                    c, kind, msg = 1.0, "exact", []
            else:
                sub = grade_case([key_fix], fix, policy=policy)
                sub_line = sub.lines[0] if sub.lines else None
                c = 0.5 + 0.5 * sub.score
                kind = "exact" if sub.score >= 1.0 else (sub_line.match if sub_line else "missing")
                msg = [] if sub.score >= 1.0 else (
                    [f"The correction for line {i + 1} should be {key_fix}"]
                    + [p for ln in sub.lines for p in ln.problems])
                problems.extend(sub.problems)
        total += c
        counts[kind] = counts.get(kind, 0) + 1
        if c >= 1.0:
            if key_ok:
                verdict = f"Right: line {i + 1} ({shown}) is correct as billed"
            elif key_fix:
                verdict = f"Right: line {i + 1} ({shown}) is wrong and {key_fix} is the correction"
            else:
                verdict = f"Right: line {i + 1} ({shown}) is wrong and should be deleted"
            msg_text = _join([verdict], explanation)
        else:
            msg_text = _join(msg, explanation)
        expected = shown if key_ok else (key_fix or "(deleted)")
        lines.append(LineResult(expected, answered, kind, c, msg, msg_text, cat))
        _add_cat(by_cat, cat, c)
    score = total / len(claim)
    return GradeResult(score, lines, by_cat, problems, _summary(score, counts), policy)


# --------------------------------------------------------------------------- dispatch

def _case_parts(question: dict):
    answer = question.get("answer")
    if isinstance(answer, dict):
        return (answer.get("lines") or [], answer.get("alternatives") or [],
                answer.get("icd10") or [])
    if isinstance(answer, (list, str)):
        return answer, [], []
    raise GradingError("the case question has no answer lines")


def grade(question: dict, response, policy: str | None = None) -> GradeResult:
    """Grade a response to a normalised bank question (see docs/quiz-format.md)."""
    if not isinstance(question, dict):
        raise GradingError("the question is not a question dict")
    qtype = str(question.get("type") or "case")
    pol = resolve_policy(policy, question)
    if qtype == "case":
        lines, alts, icd = _case_parts(question)
        if isinstance(response, dict):
            codes_text = response.get("codes", "")
            icd_text = response.get("icd10", "")
        else:
            codes_text, icd_text = response, ""
        # The question-level rationale is shown by the screens; per-line rationales
        # (answer.lines[].rationale) go into each line's feedback.
        return grade_case(lines, codes_text, alts, icd, icd_text, pol)
    if qtype == "choice":
        r = grade_choice(question, response)
        r.policy = pol
        return r
    if qtype == "em_level":
        return grade_em_level(question, response, pol)
    if qtype == "audit":
        return grade_audit(question, response, pol)
    raise GradingError(f"question type {qtype!r} cannot be graded: use case, choice, em_level or audit")
