"""Property-based tests (hypothesis) for parsing and grading."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.grading import POLICIES, grade, grade_case
from trainer.parse import AnswerLine, parse_answer

# Codes from distinct families, so "a wrong line" below is unrelated to every expected one.
POOL = ["99213", "99204", "99284", "20610", "12002", "43239", "70450", "80053", "97110",
        "J1030", "E0110", "L3908", "00100", "0042T", "3074F", "64483", "66984", "93000"]
MODS = ["25", "59", "RT", "LT", "XS", "GP", "26", "TC", "50"]
settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@st.composite
def answer_sets(draw):
    codes = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=5, unique=True))
    lines = []
    for c in codes:
        mods = tuple(draw(st.lists(st.sampled_from(MODS), max_size=2, unique=True)))
        units = draw(st.integers(1, 4))
        lines.append(AnswerLine(c, mods, units))
    return lines


def spell(line: AnswerLine, rnd: random.Random) -> str:
    """Write a line in one of the ways coders type it."""
    code = line.code.lower() if rnd.random() < 0.5 else line.code
    mods = list(line.modifiers)
    rnd.shuffle(mods)
    sep = rnd.choice(["-", " ", " - "])
    text = code + "".join(sep + (m.lower() if rnd.random() < 0.5 else m) for m in mods)
    if line.units != 1 or rnd.random() < 0.3:
        text += rnd.choice([f" x{line.units}", f" ×{line.units}", f" {line.units} units",
                            f" ({line.units})", f" X {line.units}"])
    return rnd.choice(["", " ", "  "]) + text + rnd.choice(["", " "])


@given(answer_sets(), st.randoms(use_true_random=False), st.sampled_from(POLICIES))
def test_exact_answer_scores_one_whatever_order_and_spelling(expected, rnd, policy):
    lines = list(expected)
    rnd.shuffle(lines)
    text = rnd.choice([", ", "; ", "\n", " ,"]).join(spell(ln, rnd) for ln in lines)
    r = grade_case(expected, text, policy=policy)
    assert r.score == 1.0, (text, r.to_dict())


@given(answer_sets(), st.sampled_from(POLICIES))
def test_empty_answer_scores_zero(expected, policy):
    assert grade_case(expected, "", policy=policy).score == 0.0
    assert grade_case(expected, "  \n ,; ", policy=policy).score == 0.0


@given(answer_sets(), st.data(), st.sampled_from(POLICIES))
def test_adding_a_wrong_line_never_raises_the_score(expected, data, policy):
    answer = data.draw(st.lists(st.sampled_from(expected + [AnswerLine(c) for c in POOL]), max_size=6))
    unrelated = [c for c in POOL if c not in {e.code for e in expected}
                 and c[:4] not in {e.code[:4] for e in expected}]
    wrong = AnswerLine(data.draw(st.sampled_from(unrelated)))
    before = grade_case(expected, answer, policy=policy).score
    after = grade_case(expected, answer + [wrong], policy=policy).score
    assert after <= before + 1e-12


@given(answer_sets(), st.data(), st.sampled_from(POLICIES))
def test_removing_a_right_line_never_raises_the_score(expected, data, policy):
    # Other lines never repeat an expected code (a duplicate is an extra, not a right line).
    pool = [AnswerLine(c) for c in POOL if c not in {e.code for e in expected}]
    others = data.draw(st.lists(st.sampled_from(pool), max_size=4))
    answer = list(expected) + others
    i = data.draw(st.integers(0, len(expected) - 1))
    full = grade_case(expected, answer, policy=policy).score
    fewer = grade_case(expected, answer[:i] + answer[i + 1:], policy=policy).score
    assert fewer <= full + 1e-12


@given(st.text(max_size=300))
def test_no_string_makes_parsing_raise(text):
    r = parse_answer(text)
    for line in r.lines:
        assert line.units >= 1 and line.code
    parse_answer(text, "icd10cm")


@given(st.text(max_size=200), st.text(max_size=60), st.sampled_from(POLICIES))
def test_no_string_makes_grading_raise(answer, icd, policy):
    r = grade_case("99213-25, 20610-RT, J1030 x2", answer, icd10_expected=["M17.11"],
                   icd10_answer=icd, policy=policy)
    assert 0.0 <= r.score <= 1.0
    r.to_dict()


@given(st.text(alphabet="0123456789JjMm.-xX ,;()rtRT25×", max_size=200))
def test_code_like_noise_never_raises(answer):
    r = grade_case("99213-25, 20610-RT", answer)
    assert 0.0 <= r.score <= 1.0


@given(st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(-3, 9)),
                 st.dictionaries(st.text(max_size=8), st.text(max_size=8))))
def test_other_question_types_never_raise_on_any_response(response):
    choice = {"type": "choice", "options": [{"text": "a", "correct": True}, {"text": "b"}]}
    em = {"type": "em_level", "patient": "new", "key": {"code": "99203", "problems": "low",
                                                         "data": "low", "risk": "low", "minutes": 31}}
    audit = {"type": "audit", "claim": [{"line": "12002", "correct": False, "correction": "12004"}]}
    for q in (choice, em, audit):
        r = grade(q, response)
        assert 0.0 <= r.score <= 1.0


def test_pathological_input_is_capped_not_slow():
    text = ", ".join(POOL * 40)   # 720 lines
    r = grade_case("99213, 20610", text)
    assert 0.0 <= r.score < 0.01
    assert any("first 500" in p for p in r.problems)
