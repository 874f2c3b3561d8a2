"""The bundled starter bank (quizzes/): valid, unique, accurate by the engine's own rules."""

from collections import Counter

import pytest

from trainer import codes, em, quizfile
from trainer.paths import quizzes_dir

FILES = sorted(quizzes_dir().glob("*.yaml"))
MAIN_CASE_CATEGORIES = ("E/M", "Anesthesia", "Surgery", "Radiology", "Pathology/Lab", "Medicine",
                        "HCPCS Level II")


@pytest.fixture(scope="module")
def quizzes():
    return [quizfile.load_quiz(f) for f in FILES]


@pytest.fixture(scope="module")
def questions(quizzes):
    return [q for quiz in quizzes for q in quiz.questions]


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_bundled_file_validates(path):
    quizfile.load_quiz(path)  # raises QuizFileError listing every problem


def test_ids_are_unique_across_the_bank(quizzes, questions):
    assert len({q.id for q in quizzes}) == len(quizzes)
    dupes = [i for i, n in Counter(q["id"] for q in questions).items() if n > 1]
    assert dupes == []


def test_every_code_classifies_as_valid(questions):
    bad = []
    for q in questions:
        lines = []
        if q["type"] == "case":
            lines = [l for s in [q["answer"]["lines"], *q["answer"]["alternatives"]] for l in s]
            for icd in q["answer"]["icd10"]:
                info = codes.classify(icd, "icd10cm")
                if not (info.valid and info.billable):
                    bad.append((q["id"], icd, info.reason or "not billable"))
        for line in lines:
            info = codes.classify(line["code"], "procedure")
            if not info.valid:
                bad.append((q["id"], line["code"], info.reason))
            for m in line["modifiers"]:
                mi = codes.classify(m, "modifier")
                if not mi.valid:
                    bad.append((q["id"], m, mi.reason))
        if q["type"] == "em_level":
            info = codes.classify(q["key"]["code"], "procedure")
            if not (info.valid and info.section == "E/M"):
                bad.append((q["id"], q["key"]["code"], "not an E/M code"))
    assert bad == []


def test_em_level_keys_agree_with_the_calculator(questions):
    wrong = []
    for q in questions:
        if q["type"] != "em_level":
            continue
        k = q["key"]
        if k["basis"] == "time":
            got = em.em_level(q["patient"], minutes=k["minutes"]).code
        else:
            got = em.em_level(q["patient"], problems=k["problems"], data=k["data"], risk=k["risk"]).code
        if got != k["code"]:
            wrong.append((q["id"], k["code"], got))
    assert wrong == []


def test_the_bank_meets_the_issue_counts(questions):
    by_type = Counter(q["type"] for q in questions)
    assert by_type["case"] >= 300, by_type
    assert by_type["em_level"] >= 60, by_type
    assert by_type["audit"] >= 30, by_type
    assert by_type["choice"] >= 150, by_type


def test_no_case_category_under_five_percent(questions):
    cases = [q for q in questions if q["type"] == "case"]
    main = Counter(q["tags"][0].split("/")[0] if q["tags"][0].startswith("Surgery/") else q["tags"][0]
                   for q in cases)
    modifiers = sum(1 for q in cases if "Modifiers" in q["tags"])
    shares = {c: main.get(c, 0) / len(cases) for c in MAIN_CASE_CATEGORIES}
    shares["Modifiers"] = modifiers / len(cases)
    assert all(v >= 0.05 for v in shares.values()), shares


def test_difficulty_mix_is_roughly_30_50_20(questions):
    n = len(questions)
    d = Counter(q["difficulty"] for q in questions)
    assert 0.2 <= d[1] / n <= 0.4 and 0.4 <= d[2] / n <= 0.6 and 0.1 <= d[3] / n <= 0.3, d


def test_every_question_teaches(questions):
    thin = [q["id"] for q in questions if len(q["rationale"].split()) < 8]
    assert thin == []
    choice_without_feedback = [q["id"] for q in questions if q["type"] == "choice"
                               and not all(o["feedback"] for o in q["options"])]
    assert choice_without_feedback == []


def test_choice_questions_have_four_options_and_one_key(questions):
    odd = [q["id"] for q in questions if q["type"] == "choice"
           and (len(q["options"]) != 4 or sum(o["correct"] for o in q["options"]) != 1)]
    assert odd == []


def test_docs_bank_stats_is_up_to_date(tmp_path):
    """docs/bank-stats.md shows what `cpt-trainer stats` says of the bundled bank (make bank-stats)."""
    from trainer.cli import format_stats
    from trainer.store import Bank

    with Bank.open(tmp_path / "stats.sqlite") as bank:
        expected = format_stats(bank.stats())
    doc = (quizzes_dir().parent / "docs" / "bank-stats.md").read_text(encoding="utf-8")
    assert expected.strip() in doc, "docs/bank-stats.md is stale: run `make bank-stats`"
