"""Quiz files: every bad input gets a clear file:line message and changes nothing."""

import subprocess
import sys

import pytest

from trainer import quizfile
from trainer.errors import QuizFileError
from trainer.store import Bank
from tests.helpers import GOOD_QUIZ


def write(tmp_path, text, name="quiz.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems_of(path):
    with pytest.raises(QuizFileError) as info:
        quizfile.load_quiz(path)
    return [str(p) for p in info.value.problems]


def test_good_quiz_loads_every_type(tmp_path):
    quiz = quizfile.load_quiz(write(tmp_path, GOOD_QUIZ))
    assert quiz.id == "sample"
    assert [q["type"] for q in quiz.questions] == ["case", "choice", "em_level", "audit"]
    case = quiz.questions[0]
    assert case["answer"]["lines"][0] == {
        "code": "99213", "modifiers": ["25"], "units": 1, "optional": False,
        "rationale": "A separate problem was managed.",
    }
    # a line written the way coders type it is parsed into the same shape
    assert case["answer"]["lines"][1]["code"] == "20610"
    assert case["answer"]["lines"][1]["modifiers"] == ["RT"]
    assert case["answer"]["icd10"] == ["M17.11"]


@pytest.mark.parametrize("bad, expected", [
    ('"9921"', "9921"),
    ('"992134"', "992134"),
    ('"J103"', "J103"),
])
def test_malformed_codes_are_reported_with_their_line(tmp_path, bad, expected):
    text = GOOD_QUIZ.replace('- code: "99213"', f"- code: {bad}")
    path = write(tmp_path, text)
    probs = problems_of(path)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if f"code: {bad}" in l)
    assert any(p.startswith(f"{path}:{line}:") and expected in p for p in probs), probs


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = (GOOD_QUIZ.replace('- code: "99213"', '- code: "9921"')
            .replace("difficulty: 1", "difficulty: 7")
            .replace("type: audit", "type: essay"))
    probs = problems_of(write(tmp_path, text))
    assert any("9921" in p for p in probs)
    assert any("7" in p and "difficulty" in p for p in probs)
    assert any("unknown question type 'essay'" in p for p in probs)


def test_unquoted_code_is_a_type_error_with_a_hint(tmp_path):
    probs = problems_of(write(tmp_path, GOOD_QUIZ.replace('- code: "99213"', "- code: 99213")))
    assert any('put codes in quotes: "99213"' in p for p in probs), probs


def test_duplicate_ids(tmp_path):
    text = GOOD_QUIZ.replace("id: s-choice-1", "id: s-case-1")
    probs = problems_of(write(tmp_path, text))
    assert any('duplicate question id "s-case-1"' in p for p in probs)


def test_question_without_a_key(tmp_path):
    start = GOOD_QUIZ.index("    answer:")
    end = GOOD_QUIZ.index("    rationale: The injection")
    probs = problems_of(write(tmp_path, GOOD_QUIZ[:start] + GOOD_QUIZ[end:]))
    assert any("missing required field 'answer'" in p for p in probs), probs


def test_choice_without_a_correct_option(tmp_path):
    probs = problems_of(write(tmp_path, GOOD_QUIZ.replace("        correct: true\n", "", 1)))
    assert any("no option is marked correct" in p for p in probs)


def test_em_key_must_agree_with_the_calculator(tmp_path):
    probs = problems_of(write(tmp_path, GOOD_QUIZ.replace('code: "99214"', 'code: "99215"')))
    assert any("99215 does not match the E/M calculator" in p and "99214" in p for p in probs), probs


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "id: x\ntitle: [unclosed\nquestions: []\n")
    probs = problems_of(path)
    assert len(probs) == 1 and probs[0].startswith(f"{path}:") and "not valid YAML" in probs[0]


def test_truncated_file(tmp_path):
    cut = GOOD_QUIZ[: GOOD_QUIZ.index("    answer:") + len("    answer:\n      lines:\n        - code: \"99")]
    probs = problems_of(write(tmp_path, cut))
    assert probs and all(str(tmp_path) in p for p in probs)


def test_empty_file(tmp_path):
    assert problems_of(write(tmp_path, "")) == [f"{tmp_path / 'quiz.yaml'}: the file is empty; a quiz needs id, title and questions"]


def test_not_utf8(tmp_path):
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"id: x\ntitle: caf\xe9\n")
    (msg,) = problems_of(p)
    assert msg.startswith(f"{p}:2:") and "not UTF-8" in msg


def test_huge_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.yaml"
    with open(p, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (msg,) = problems_of(p)
    assert "50.0 MB" in msg and "at most 5 MB" in msg


def test_directory_and_missing_path(tmp_path):
    assert "folder" in problems_of(tmp_path)[0]
    assert "no such file" in problems_of(tmp_path / "nope.yaml")[0]


def test_top_level_must_be_a_mapping(tmp_path):
    assert "YAML mapping" in problems_of(write(tmp_path, "- a\n- b\n"))[0]


def test_json_schema_is_valid_and_accepts_the_sample():
    import jsonschema
    import yaml

    schema = quizfile.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(GOOD_QUIZ), schema)


# ---------------------------------------------------------------- the CLI on bad input

def run_cli(*args, env_db=None):
    import os

    env = dict(os.environ)
    if env_db:
        env["CPT_TRAINER_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "trainer", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


BAD_INPUTS = {
    "malformed": "id: x\ntitle: [oops\n",
    "wrong_types": "id: x\ntitle: 5\nquestions: nope\n",
    "unknown_type": GOOD_QUIZ.replace("type: audit", "type: essay"),
    "dup_ids": GOOD_QUIZ.replace("id: s-choice-1", "id: s-case-1"),
    "bad_code": GOOD_QUIZ.replace('- code: "99213"', '- code: "J103"'),
    "empty": "",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_cli_import_bad_file_exits_1_and_leaves_bank_unchanged(tmp_path, name):
    db = tmp_path / "bank.sqlite"
    good = write(tmp_path, GOOD_QUIZ, "good.yaml")
    assert run_cli("import", good, "--db", db).returncode == 0
    with Bank.open(db, seed=False) as bank:
        before = bank.stats()
    bad = write(tmp_path, BAD_INPUTS[name], f"{name}.yaml")
    r = run_cli("import", bad, "--db", db)
    assert r.returncode == 1, r
    assert "Traceback" not in r.stderr and str(bad) in r.stderr
    with Bank.open(db, seed=False) as bank:
        assert bank.stats() == before


def test_cli_validate_reports_and_exit_codes(tmp_path):
    good = write(tmp_path, GOOD_QUIZ, "good.yaml")
    r = run_cli("validate", good)
    assert r.returncode == 0 and "ok" in r.stdout
    r = run_cli("validate", tmp_path / "missing.yaml", tmp_path)
    assert r.returncode == 1 and "no such file" in r.stderr and "folder" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_cli("validate")
    assert r.returncode == 2
    r = run_cli("frobnicate")
    assert r.returncode == 2


def test_cli_help_everywhere():
    for args in (["--help"], ["validate", "--help"], ["import", "--help"], ["export", "--help"], ["stats", "--help"]):
        r = run_cli(*args)
        assert r.returncode == 0 and "Usage" in r.stdout, args


def test_db_option_before_the_command_is_honoured(tmp_path):
    db = tmp_path / "chosen.sqlite"
    r = run_cli("--db", db, "stats")
    assert r.returncode == 0, r.stderr
    assert db.exists()


def test_non_billable_icd10_heading_in_a_key_is_a_problem(tmp_path):
    probs = problems_of(write(tmp_path, GOOD_QUIZ.replace('icd10: ["M17.11"]', 'icd10: ["M17"]')))
    assert any('"M17" is a heading' in p for p in probs), probs


def test_validate_warns_about_codes_the_catalog_knows_are_wrong(tmp_path):
    text = GOOD_QUIZ.replace('- "20610-RT"', '- "99201"\n        - "20610-ZZ"')
    path = write(tmp_path, text)
    r = run_cli("validate", path)
    assert r.returncode == 0, r.stderr
    line_99201 = next(i for i, l in enumerate(text.splitlines(), 1) if '"99201"' in l)
    assert f"{path}:{line_99201}: warning: 99201 was deleted" in r.stderr
    assert "ZZ is not a modifier" in r.stderr
    strict = run_cli("validate", "--strict", path)
    assert strict.returncode == 1
