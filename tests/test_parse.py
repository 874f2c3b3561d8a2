"""Answer parsing: every way coders write a line."""

import pytest

from trainer.errors import TrainerError
from trainer.parse import AnswerLine, parse_answer, parse_line


@pytest.mark.parametrize(
    "text, code, modifiers, units",
    [
        ("99213-25", "99213", ("25",), 1),
        ("99213 25", "99213", ("25",), 1),
        ("99213-25-59", "99213", ("25", "59"), 1),
        ("99213-59-25", "99213", ("25", "59"), 1),
        ("99213-25-25", "99213", ("25",), 1),
        ("20610-RT", "20610", ("RT",), 1),
        ("20610 rt", "20610", ("RT",), 1),
        ("J1030 x2", "J1030", (), 2),
        ("J1030 ×2", "J1030", (), 2),
        ("J1030 X 2", "J1030", (), 2),
        ("J1030x2", "J1030", (), 2),
        ("J1030 2 units", "J1030", (), 2),
        ("J1030 1 unit", "J1030", (), 1),
        ("97110 (3)", "97110", (), 3),
        ("97110 units: 3", "97110", (), 3),
        ("97110-gp-59 x 4", "97110", ("59", "GP"), 4),
        ("  j1030   ", "J1030", (), 1),
        ("1. 99213-25", "99213", ("25",), 1),
        ("99213 mod 25", "99213", ("25",), 1),
        ("0001U", "0001U", (), 1),          # a PLA code, not "1 unit"
        ("U0001 x3", "U0001", (), 3),
        ("0042T", "0042T", (), 1),
    ],
)
def test_every_spelling_parses(text, code, modifiers, units):
    line = parse_line(text)
    assert (line.code, line.modifiers, line.units) == (code, modifiers, units)
    r = parse_answer(text)
    assert r.problems == [] and r.lines == [line]


def test_separators_commas_semicolons_new_lines():
    r = parse_answer("99213-25, 20610-RT;J1030 x2\n97110 (3)\r\n\n,,")
    assert [str(x) for x in r.lines] == ["99213-25", "20610-RT", "J1030 x2", "97110 x3"]
    assert r.problems == []


@pytest.mark.parametrize("text, code", [("M17.11", "M17.11"), ("m1711", "M17.11"), ("E11.9", "E11.9"),
                                        ("s72001a", "S72.001A"), ("M17", "M17")])
def test_icd10cm_with_or_without_dot(text, code):
    assert parse_line(text, "icd10cm") == AnswerLine(code)


def test_icd10cm_list_separated_by_spaces_too():
    r = parse_answer("M17.11 E11.9; i10", "icd10cm")
    assert [x.code for x in r.lines] == ["M17.11", "E11.9", "I10"]


@pytest.mark.parametrize(
    "text, words",
    [("9921", "4 digits"), ("99213 ABC", "\"ABC\" is neither a modifier"), ("J1030 x0", "at least 1"),
     ("99213 x2 (3)", "units are given twice"), ("-25", "no code"), ("M17.11", "ICD-10-CM")],
)
def test_bad_fragment_is_a_problem_not_an_exception(text, words):
    r = parse_answer(f"99212, {text}, 99213")
    assert [x.code for x in r.lines] == ["99212", "99213"]
    assert len(r.problems) == 1 and words in r.problems[0] and "Could not read" in r.problems[0]
    with pytest.raises(TrainerError):
        parse_line(text)


def test_answer_line_str():
    assert str(AnswerLine("99213", ("25",))) == "99213-25"
    assert str(AnswerLine("J1030", (), 2)) == "J1030 x2"
    assert AnswerLine("99213", ("59", "25", "25")).modifiers == ("25", "59")


def test_empty_and_odd_inputs():
    assert parse_answer("").lines == [] and parse_answer("").problems == []
    assert parse_answer(None).lines == []
    assert parse_answer(["99213", AnswerLine("J1030")]).lines == [AnswerLine("99213"), AnswerLine("J1030")]
    r = parse_answer(",".join(["99213"] * 600))
    assert len(r.lines) == 500 and "first 500" in r.problems[-1]
