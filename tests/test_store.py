"""The bank: migrations, refusing newer files, backups, import/export, durable answers."""

import shutil
import sqlite3
import subprocess
import sys
import zipfile

import pytest
import sqlite_utils

from trainer import quizfile, store
from trainer.errors import BankError, BankTooNewError, NotFoundError, QuizFileError
from trainer.store import Bank
from tests.helpers import GOOD_QUIZ


@pytest.fixture
def quiz_file(tmp_path):
    p = tmp_path / "sample.yaml"
    p.write_text(GOOD_QUIZ, encoding="utf-8")
    return p


@pytest.fixture
def bank(tmp_path, quiz_file):
    b = Bank.open(tmp_path / "bank.sqlite", seed=False)
    b.import_file(quiz_file)
    yield b
    b.close()


def test_memory_bank_migrates_from_empty():
    with Bank.open(":memory:", seed=False) as b:
        names = set(b.db.table_names())
    assert {"quizzes", "questions", "answer_lines", "learners", "sessions", "attempts",
            "reports", "questions_fts"} <= names


def test_the_core_never_imports_qt():
    code = (
        "import sys, pkgutil, importlib, trainer\n"
        "for m in pkgutil.iter_modules(trainer.__path__):\n"
        "    if m.name != 'ui':\n"
        "        importlib.import_module('trainer.' + m.name)\n"
        "from trainer.store import Bank\n"
        "Bank.open(':memory:').close()\n"
        "assert 'PySide6' not in sys.modules, 'PySide6 imported by the core'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_file_bank_uses_wal(tmp_path):
    with Bank.open(tmp_path / "b.sqlite", seed=False) as b:
        assert b.db.journal_mode == "wal"


def test_first_run_fills_the_bank_from_bundled_quizzes(tmp_path):
    with Bank.open(tmp_path / "first.sqlite") as b:
        assert b.seed_problems == []
        assert b.stats()["questions"] > 0
        assert len(b.list_quizzes()) == len(list(store.quizzes_dir().glob("*.yaml")))


def test_bank_from_a_newer_version_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "new.sqlite"
    Bank.open(path, seed=False).close()
    db = sqlite_utils.Database(path)
    db["_sqlite_migrations"].insert({"migration_set": "cpt-trainer", "name": "m9999_future",
                                     "applied_at": "2030-01-01"})
    db.conn.close()
    before = path.read_bytes()
    with pytest.raises(BankTooNewError, match="newer version of CPT Trainer"):
        Bank.open(path)
    assert path.read_bytes() == before


def test_a_copy_is_kept_before_a_migration_runs(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    Bank.open(path, seed=False).close()
    extra = sqlite_utils.migrations.Migrations("cpt-trainer")
    for m in store.MIGRATIONS._migrations:
        extra._migrations.append(m)

    @extra()
    def m0002_test(db):
        db["newtable"].create({"id": int}, pk="id")

    monkeypatch.setattr(store, "MIGRATION_SETS", (extra, store.catalog.MIGRATIONS))
    with Bank.open(path, seed=False) as b:
        assert "newtable" in b.db.table_names()
    backups = list(tmp_path.glob("old.sqlite.*.bak"))
    assert len(backups) == 1
    assert "newtable" not in sqlite_utils.Database(backups[0]).table_names()


def test_not_a_bank_file_is_refused_clearly(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello")
    with pytest.raises(BankError, match="not a CPT Trainer bank"):
        Bank.open(p)
    with pytest.raises(BankError, match="folder"):
        Bank.open(tmp_path)


def test_import_then_export_round_trips(bank, tmp_path):
    text = bank.export_quiz("sample")
    out = tmp_path / "exported.yaml"
    out.write_text(text, encoding="utf-8")
    again = quizfile.load_quiz(out)
    original = quizfile.load_quiz(tmp_path / "sample.yaml")
    assert again.meta() == original.meta()
    assert again.questions == original.questions


def test_reimport_updates_by_id_without_duplicates_or_touching_history(bank, quiz_file):
    learner = bank.create_learner("Ana")
    sid = bank.start_session(learner, ["s-case-1"])
    bank.record_attempt(sid, "s-case-1", {"codes": "99213-25"}, {"score": 0.5}, 12.0)
    quiz_file.write_text(GOOD_QUIZ.replace("title: Knee injection with a visit", "title: Knee shot"),
                         encoding="utf-8")
    counts = bank.import_file(quiz_file)
    assert counts == {"added": 0, "updated": 1, "unchanged": 3, "retired": 0}
    assert bank.stats()["questions"] == 4
    assert bank.get_question("s-case-1")["title"] == "Knee shot"
    assert bank.get_session(sid)["attempts"]["s-case-1"]["score"] == 0.5
    assert bank.import_file(quiz_file)["unchanged"] == 4


def test_question_dropped_from_file_is_retired_not_deleted(bank, quiz_file):
    text = GOOD_QUIZ[: GOOD_QUIZ.index("  - id: s-audit-1")]
    quiz_file.write_text(text, encoding="utf-8")
    assert bank.import_file(quiz_file)["retired"] == 1
    assert "s-audit-1" not in bank.find_questions()
    assert bank.get_question("s-audit-1")["type"] == "audit"


def test_question_id_used_by_another_quiz_is_refused(bank, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(GOOD_QUIZ.replace("id: sample", "id: other"), encoding="utf-8")
    with pytest.raises(QuizFileError, match='already used by quiz "sample"'):
        bank.import_file(other)


def test_find_questions_filters(bank):
    assert bank.find_questions(types=["choice"]) == ["s-choice-1"]
    assert bank.find_questions(categories=["Surgery"]) == ["s-case-1", "s-audit-1"]
    assert bank.find_questions(difficulties=[1]) == ["s-choice-1"]
    assert bank.find_questions(text="knee") == ["s-case-1"]
    assert bank.find_questions(text='zzqx "AND ( NEAR *') == []
    learner = bank.create_learner("Bo")
    sid = bank.start_session(learner, ["s-case-1", "s-choice-1"])
    bank.record_attempt(sid, "s-case-1", "x", {"score": 0.5}, 3)
    bank.record_attempt(sid, "s-choice-1", [0], {"score": 1.0}, 3)
    assert bank.find_questions(learner_id=learner, missed=True) == ["s-case-1"]
    assert bank.find_questions(learner_id=learner, unseen=True) == ["s-em-1", "s-audit-1"]


def test_answers_survive_a_killed_process(tmp_path, quiz_file):
    path = tmp_path / "kill.sqlite"
    script = f"""
import os
from trainer.store import Bank
b = Bank.open({str(path)!r}, seed=False)
b.import_file({str(quiz_file)!r})
l = b.create_learner("Cy")
s = b.start_session(l, ["s-case-1", "s-choice-1"])
b.record_attempt(s, "s-case-1", {{"codes": "99213"}}, {{"score": 0.5}}, 9)
b.save_session_state(s, position=1, elapsed_seconds=42)
os._exit(9)  # no close, no commit hooks: as if the process were killed
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert r.returncode == 9, r.stderr
    with Bank.open(path, seed=False) as b:
        learner = b.learners()[0]
        (s,) = b.unfinished_sessions(learner["id"])
        assert s["position"] == 1 and s["elapsed_seconds"] == 42
        assert s["attempts"]["s-case-1"]["response"] == {"codes": "99213"}


def test_session_summary(bank):
    learner = bank.create_learner("Di")
    sid = bank.start_session(learner, ["s-case-1", "s-choice-1"])
    bank.record_attempt(sid, "s-case-1", "x", {"score": 0.5, "by_category": {"E/M": {"earned": 0.5, "possible": 1}}}, 3)
    bank.record_attempt(sid, "s-choice-1", [0], {"score": 1.0, "by_category": {}}, 3)
    bank.finish_session(sid)
    s = bank.session_summary(sid)
    assert s["score"] == 0.75 and s["missed"] == ["s-case-1"]
    assert s["by_category"]["E/M"] == {"earned": 0.5, "possible": 1.0}
    assert bank.unfinished_sessions(learner) == []


def test_unknown_ids_raise_named_errors(bank):
    with pytest.raises(NotFoundError):
        bank.get_question("nope")
    with pytest.raises(NotFoundError):
        bank.export_quiz("nope")


def test_learner_names_are_unique_ignoring_case(bank):
    a = bank.create_learner("Eve")
    assert bank.create_learner("eve") == a
    with pytest.raises(BankError):
        bank.create_learner("  ")


def test_locked_bank_gives_a_clear_message(tmp_path):
    path = tmp_path / "locked.sqlite"
    Bank.open(path, seed=False).close()
    holder = sqlite3.connect(str(path))
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(BankError, match="locked"):
            b = Bank.open(path, seed=False)
            b.create_learner("x")
    finally:
        holder.rollback()
        holder.close()


def test_wheel_carries_quizzes_and_assets(tmp_path):
    repo = store.quizzes_dir().parent
    src = tmp_path / "src"  # build from a copy: setuptools leaves build/ beside the sources
    shutil.copytree(repo, src, ignore=shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info",
                                                             "__pycache__", ".hypothesis"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(src)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.skip(f"could not build a wheel here: {r.stderr[-300:]}")
    (wheel,) = tmp_path.glob("cpt_trainer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "trainer/assets/quiz.schema.json" in names
    assert "trainer/assets/catalog/summaries.yaml" in names
    source_modules = {f"trainer/{p.relative_to(repo / 'trainer').as_posix()}"
                      for p in (repo / "trainer").rglob("*.py")}
    assert source_modules <= set(names), source_modules - set(names)
    bundled = sorted(p.name for p in store.quizzes_dir().glob("*.yaml"))
    assert bundled and all(f"trainer/quizzes/{n}" in names for n in bundled)
    # and the installed package finds them, not the source tree
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import trainer.paths as p; print(p.quizzes_dir()); print(p.assets_dir()); "
            "import trainer.quizfile as q; print(len(q.schema()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert str(site) in out.stdout.splitlines()[0] and str(site) in out.stdout.splitlines()[1]


def test_grading_through_the_bank_adds_catalog_notes(bank):
    q = bank.get_question("s-case-1")
    right = bank.grade(q, {"codes": "99213-25, 20610-RT", "icd10": "M17.11"})
    assert right["score"] == 1.0 and right["catalog_notes"] == []
    # edits as a user's NCCI/MUE import would store them (made-up values for the test)
    bank.db["ncci_ptp"].insert({"column1": "20610", "column2": "20611", "effective": "20000101",
                                "deletion": None, "modifier_indicator": 0})
    bank.db["mue"].insert({"code": "20610", "setting": "practitioner", "value": 2, "indicator": 1})
    result = bank.grade(q, {"codes": "99213-25, 20610-RT x3, 20611"})
    assert result["score"] < 1.0
    assert any("20611 is bundled into 20610" in n and "no modifier" in n for n in result["catalog_notes"])
    assert any("20610 has 3 units" in n and "MUE of 2" in n for n in result["catalog_notes"])
    assert set(result["catalog_notes"]) <= set(result["problems"])


def test_reported_questions_reach_the_instructor(bank, tmp_path):
    learner = bank.create_learner("Fay")
    rid = bank.report_question(learner, "s-case-1", "Is 25 really needed here?")
    (r,) = bank.reports()
    assert (r["id"], r["question_id"], r["quiz_id"], r["learner"]) == (rid, "s-case-1", "sample", "Fay")
    assert r["comment"] == "Is 25 really needed here?"
    bank.resolve_report(rid)
    assert bank.reports() == [] and len(bank.reports(include_resolved=True)) == 1
    with pytest.raises(NotFoundError):
        bank.resolve_report(999)


def test_reports_cli(tmp_path, quiz_file):
    path = tmp_path / "cli.sqlite"
    with Bank.open(path, seed=False) as b:
        b.import_file(quiz_file)
        b.report_question(b.create_learner("Gus"), "s-choice-1", "Option B is arguable")
    r = subprocess.run([sys.executable, "-m", "trainer", "reports", "--db", str(path)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "s-choice-1 (sample) by Gus" in r.stdout and "Option B is arguable" in r.stdout
    r = subprocess.run([sys.executable, "-m", "trainer", "reports", "--resolve", "1", "--db", str(path)],
                       capture_output=True, text=True)
    assert r.returncode == 0
    r = subprocess.run([sys.executable, "-m", "trainer", "reports", "--db", str(path)], capture_output=True, text=True)
    assert "No open reports." in r.stdout
