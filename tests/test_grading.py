"""Grading: every match kind, the Practicode score, policies, alternatives, ICD-10-CM,
the other question types and the score CLI."""

import json

import pytest
from click.testing import CliRunner

from trainer.cli_grading import classify_cmd, score_cmd
from trainer.grading import GradingError, grade, grade_case


def kinds(result):
    return sorted(((ln.expected, ln.answered, ln.match) for ln in result.lines),
                  key=lambda t: tuple(x or "" for x in t))


@pytest.mark.parametrize(
    "expected, answer, match, words",
    [
        ("99213-25", "99213-25", "exact", "is right"),
        ("99213-25", "99213", "partial", "Modifier 25 is missing on 99213"),
        ("20610", "20610-59", "partial", "Modifier 59 is not needed on 20610"),
        ("20610-RT", "20610-LT", "partial", "Modifier LT on 20610 should be RT"),
        ("J1030 x2", "J1030", "partial", "should be billed with 2 units, not 1"),
        ("99213", "99214", "family", "one level above what the note supports"),
        ("99213", "99211", "family", "two levels below what the note supports"),
        ("99291", "99292", "family", "right family (Critical care)"),
        ("12002", "12004", "family", "close relative"),
        ("99213", "99203", "section", "right section (E/M)"),
        ("20610", "12002", "section", "right section (Surgery)"),
        ("20610", "70450", "category", "Radiology"),
    ],
)
def test_match_kinds_and_sentences(expected, answer, match, words):
    r = grade_case(expected, answer)
    assert len(r.lines) == 1
    line = r.lines[0]
    assert line.match == match
    assert words in line.feedback
    if match != "exact":
        assert any(words in p for p in line.problems)


def test_missing_and_extra():
    r = grade_case("99213, 20610", "99213, J1030")
    assert kinds(r) == [(None, "J1030", "extra"), ("20610", None, "missing"), ("99213", "99213", "exact")]
    assert "J1030 is not supported by the note" in r.lines[-1].feedback
    assert "20610 is missing" in json.dumps(r.to_dict())
    assert r.score == pytest.approx(0.5)


def test_order_does_not_matter_and_best_pairing_is_found():
    a = grade_case("99213-25, 20610-RT, J1030 x2", "J1030 x2; 20610 rt\n99213 25")
    assert a.score == 1.0
    # 99214 could pair with either E/M line; the pairing gives the exact line its match.
    r = grade_case("99213, 99214", "99214, 99215")
    assert kinds(r) == [("99213", "99215", "family"), ("99214", "99214", "exact")]


@pytest.mark.parametrize(
    "policy, score",
    [("strict", 1 / 3), ("standard", (1 + 0.5) / 3), ("lenient", (1 + 0.75 + 0.25) / 3)],
)
def test_policies(policy, score):
    r = grade_case("99213-25, 20610-RT, 12002", "99213-25, 20610, 12004", policy=policy)
    assert r.score == pytest.approx(score)


def test_practicode_denominator_counts_overcoding():
    # 2 expected, 4 entered: 2 / 4.
    assert grade_case("99213, 20610", "99213, 20610, 97110, 97140").score == pytest.approx(0.5)
    # 4 expected, 2 entered: 2 / 4.
    assert grade_case("99213, 20610, 97110, 97140", "99213, 20610").score == pytest.approx(0.5)


def test_optional_lines_cost_nothing_when_omitted():
    expected = [{"code": "99213"}, {"code": "99417", "optional": True}]
    r = grade_case(expected, "99213")
    assert r.score == 1.0
    assert [ln.match for ln in r.lines if ln.expected == "99417"] == ["optional"]
    assert grade_case(expected, "99213, 99417").score == 1.0
    assert grade_case(expected, "99213, 99417 x2").score == pytest.approx(1.5 / 2)


def test_alternatives_keep_the_best():
    r = grade_case("99213, 20610-RT", "99213, 20611-RT", alternatives=[["99213", "20611-RT"]])
    assert r.score == 1.0
    r = grade_case("99213, 20610-RT", "99213, 20610-RT", alternatives=[["99213", "20611-RT"]])
    assert r.score == 1.0


def test_icd10cm_graded_as_their_own_set():
    r = grade_case("99213", "99213", icd10_expected=["M17.11", "E11.9"], icd10_answer="m1711, E11.65")
    assert r.score == pytest.approx(2 / 3)
    assert ("E11.9", "E11.65", "family") in kinds(r)
    assert r.by_category["ICD-10-CM"] == {"earned": 1.0, "possible": 2.0}


def test_icd_codes_not_asked_for_are_not_scored():
    r = grade_case("99213", "99213", icd10_answer="M17.11")
    assert r.score == 1.0 and "does not grade diagnosis codes" in r.problems[0]


def test_by_category_totals():
    r = grade_case("99213-25, 20610-RT, J1030 x2", "99213, 20610-RT, J1030 x2, 70450")
    assert r.by_category["E/M"] == {"earned": 0.5, "possible": 1.0}
    assert r.by_category["Surgery/Musculoskeletal"] == {"earned": 1.0, "possible": 1.0}
    assert r.by_category["HCPCS Level II"] == {"earned": 1.0, "possible": 1.0}
    assert r.by_category["Radiology"] == {"earned": 0.0, "possible": 1.0}
    assert r.by_category["Modifiers"] == {"earned": 1.0, "possible": 2.0}


def test_rationale_is_added_to_the_line_feedback():
    r = grade_case([{"code": "99213", "modifiers": ["25"], "rationale": "The visit was separate work."}], "99213")
    assert r.lines[0].feedback == "Modifier 25 is missing on 99213. The visit was separate work."


def test_unparseable_answer_is_reported_and_counted():
    r = grade_case("99213", "99213, 9921")
    assert r.score == pytest.approx(0.5)
    assert "9921 has 4 digits" in r.problems[0]


def test_invalid_code_and_unknown_modifier_are_named():
    r = grade_case("99213", "99201, 99213-ZZ")
    text = json.dumps(r.to_dict())
    assert "deleted in 2021" in text and "ZZ is not a modifier" in text


def test_empty_answer_scores_zero_and_bad_key_raises():
    assert grade_case("99213", "").score == 0.0
    with pytest.raises(GradingError):
        grade_case("9921", "99213")
    with pytest.raises(GradingError):
        grade_case("99213", "99213", policy="generous")


def test_to_dict_is_json():
    r = grade_case("99213-25, 20610-RT", "20610 rt, 99214")
    d = json.loads(json.dumps(r.to_dict()))
    assert set(d) >= {"score", "lines", "by_category", "problems", "summary"}
    assert set(d["lines"][0]) >= {"expected", "answered", "match", "problems", "feedback", "credit"}


# ------------------------------------------------------------------ grade(question)

CASE = {"type": "case", "answer": {"lines": [{"code": "99213", "modifiers": ["25"], "units": 1,
                                             "optional": False, "rationale": ""},
                                            {"code": "20610", "modifiers": ["RT"], "units": 1}],
                                  "alternatives": [], "icd10": ["M17.11"]},
        "scoring_policy": "strict"}


def test_grade_case_question_uses_quiz_policy_unless_overridden():
    r = grade(CASE, {"codes": "99213, 20610-RT", "icd10": "M17.11"})
    assert r.policy == "strict" and r.score == pytest.approx(2 / 3)
    r = grade(CASE, {"codes": "99213, 20610-RT", "icd10": "M17.11"}, policy="standard")
    assert r.score == pytest.approx(2.5 / 3)
    assert grade(CASE, "99213-25, 20610-RT").score == pytest.approx(2 / 3)   # icd missing


CHOICE_SINGLE = {"type": "choice", "tags": ["Modifiers"], "options": [
    {"text": "25", "correct": True, "feedback": "Right."}, {"text": "59"}, {"text": "57"}, {"text": "24"}]}
CHOICE_MULTI = {"type": "choice", "options": [
    {"text": "A", "correct": True}, {"text": "B", "correct": True}, {"text": "C"}, {"text": "D"}]}


@pytest.mark.parametrize(
    "question, selected, score",
    [(CHOICE_SINGLE, [0], 1.0), (CHOICE_SINGLE, [1], 0.0), (CHOICE_SINGLE, [0, 1], 0.0), (CHOICE_SINGLE, [], 0.0),
     (CHOICE_MULTI, [0, 1], 1.0), (CHOICE_MULTI, [0], 0.5), (CHOICE_MULTI, [0, 2], 0.0),
     (CHOICE_MULTI, [0, 1, 2], 0.5), (CHOICE_MULTI, [0, 1, 2, 3], 0.0), (CHOICE_MULTI, [2, 3], 0.0),
     (CHOICE_MULTI, [0, 9], 0.5)],
)
def test_choice_moodle_partial_credit(question, selected, score):
    r = grade(question, selected)
    assert r.score == pytest.approx(score)


def test_choice_feedback_and_category():
    r = grade(CHOICE_SINGLE, [1])
    assert [ln.match for ln in r.lines] == ["missing", "extra"]
    assert r.by_category == {"Modifiers": {"earned": 0.0, "possible": 1.0}}
    assert "no option 10" in grade(CHOICE_MULTI, [9]).problems[0].lower()


EM = {"type": "em_level", "patient": "established",
      "key": {"code": "99213", "problems": "low", "data": "limited", "risk": "low", "minutes": 22, "basis": "mdm"},
      "rationale": "Two stable chronic problems, refills."}


def test_em_level_all_right():
    r = grade(EM, {"code": "99213", "problems": "low", "data": "low", "risk": "low", "minutes": 24})
    assert r.score == 1.0 and all(ln.match == "exact" for ln in r.lines)


def test_em_level_says_which_element_led_astray():
    r = grade(EM, {"code": "99214", "problems": "low", "data": "low", "risk": "moderate", "minutes": 22})
    assert r.lines[0].match == "family" and "one level above" in r.lines[0].feedback
    risk = next(ln for ln in r.lines if ln.expected == "low" and ln.answered == "moderate")
    assert risk.match == "wrong" and "above" in risk.feedback
    assert r.score == pytest.approx(0.5 * 0 + 0.5 * 3 / 4)
    r = grade(EM, {"code": "99214", "problems": "moderate", "data": "low", "risk": "moderate"})
    assert any("led you astray: problems (moderate instead of low) or risk (moderate instead of low)" in p
               for p in r.problems)


def test_em_level_time_path():
    q = {"type": "em_level", "patient": "new", "key": {"code": "99204", "minutes": 47, "basis": "time"}}
    assert grade(q, {"code": "99204", "minutes": 45}).score == 1.0
    r = grade(q, {"code": "99203", "minutes": 44})
    assert r.score == 0.0 and "44 minutes gives 99203" in json.dumps(r.to_dict())
    assert grade(q, {"code": "99204"}).score == pytest.approx(0.5)


AUDIT = {"type": "audit", "claim": [
    {"line": "99213-25", "correct": True},
    {"line": "12002", "correct": False, "correction": "12004", "explanation": "Add the lengths: 7.6 cm."},
    {"line": "J1030", "correct": False, "correction": "", "explanation": "Not given."}]}


def test_audit():
    perfect = [{"correct": True}, {"correct": False, "correction": "12004"}, {"correct": False, "correction": ""}]
    result = grade(AUDIT, perfect)
    assert result.score == 1.0
    # a line rightly judged wrong says so, not merely "judged right"
    assert "12002" in result.lines[1].feedback and "is wrong and 12004 is the correction" in result.lines[1].feedback
    assert "should be deleted" in result.lines[2].feedback
    assert "correct as billed" in result.lines[0].feedback
    r = grade(AUDIT, [{"correct": True}, {"correct": False, "correction": "12005"}, {"correct": True}])
    assert r.score == pytest.approx((1 + 0.5 + 0) / 3)
    assert r.lines[1].match == "family" and "Add the lengths" in r.lines[1].feedback
    assert r.lines[2].match == "wrong" and "should be deleted" in r.lines[2].feedback
    assert grade(AUDIT, []).score == 0.0


def test_unknown_type_raises_trainer_error():
    with pytest.raises(GradingError):
        grade({"type": "essay"}, "x")


# ------------------------------------------------------------------ CLI

def test_score_cli_example_from_the_issue():
    r = CliRunner().invoke(score_cmd, ["--expected", "99213-25, 20610-RT", "--answer", "20610 rt, 99214"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["score"] == 0.5
    by_expected = {ln["expected"]: ln for ln in d["lines"]}
    assert by_expected["20610-RT"]["match"] == "exact"
    assert by_expected["99213-25"]["match"] == "family"
    assert "E/M" in d["by_category"]


def test_score_cli_unparseable_answer_still_prints_json():
    r = CliRunner().invoke(score_cmd, ["--expected", "99213", "--answer", "@@@, ???"])
    assert r.exit_code == 0
    d = json.loads(r.output)
    assert d["score"] == 0.0 and len(d["problems"]) == 2


@pytest.mark.parametrize("args", [[], ["--answer", "99213"], ["--expected", "9921", "--answer", "x"],
                                  ["--expected", "99213", "--question", "q1"], ["--expected", "99213", "--policy", "nice"]])
def test_score_cli_usage_errors_exit_2(args):
    assert CliRunner().invoke(score_cmd, args).exit_code == 2


def test_score_cli_against_a_bank_question(tmp_path, monkeypatch):
    store = pytest.importorskip("trainer.store")
    db = tmp_path / "bank.sqlite"
    bank = store.Bank.open(db)
    row = bank.db.execute("select id from questions where type = 'case' limit 1").fetchone()
    bank.close()
    if row is None:
        pytest.skip("the bundled bank has no case question")
    r = CliRunner().invoke(score_cmd, ["--question", row[0], "--db", str(db), "--answer", "99999"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["score"] < 1.0
    r = CliRunner().invoke(score_cmd, ["--question", "no-such-question", "--db", str(db)])
    assert r.exit_code == 1 and "no question" in r.output


def test_classify_cli():
    r = CliRunner().invoke(classify_cmd, ["99213", "9921", "M17.11", "J1030", "25"])
    assert r.exit_code == 0
    out = json.loads(r.output)
    assert [o["code"] for o in out] == ["99213", "9921", "M17.11", "J1030", "25"]
    assert out[0]["family"] == "Office/outpatient established" and out[0]["level"] == 3
    assert out[1]["valid"] is False and "4 digits" in out[1]["reason"]
    assert [o["system"] for o in out[2:]] == ["icd10cm", "hcpcs", "modifier"]


def test_an_unknown_code_is_explained_once_in_plain_words():
    r = grade_case(["01967-P2", "01968-P2"], "01967-P2, 99999")
    (line,) = [ln for ln in r.lines if ln.answered == "99999"]
    assert line.feedback.startswith("The note supports 01968-P2, not 99999.")
    assert "Unknown" not in line.feedback
