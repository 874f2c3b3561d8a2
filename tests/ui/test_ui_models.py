"""Every table model passes Qt's model tester, filled with real bank, grader and catalog data."""

from PySide6.QtCore import Qt

from trainer import catalog
from trainer.grading import grade
from trainer.ui.models import (
    AnswerLinesModel,
    AuditModel,
    CategoryModel,
    FeedbackModel,
    MissedModel,
    QuizTableModel,
    SearchResultsModel,
)
from trainer.ui.lookup import result_rows


def test_quiz_model(qtmodeltester, bank):
    model = QuizTableModel()
    model.set_quizzes(bank.list_quizzes(), {"ui-sample": 0.5})
    qtmodeltester.check(model)
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[0] == "All quizzes"
    row = titles.index("UI sample, one of each kind")
    assert model.index(row, 1).data() == "4"
    assert model.index(row, 3).data() == "50%"


def test_answer_lines_model_edits_inserts_and_removes(qtmodeltester):
    model = AnswerLinesModel()
    model.add_line("20610", "rt", 1)
    model.add_line("j1030", "", 2)
    qtmodeltester.check(model, force_py=True)
    assert model.as_text() == "20610-RT\nJ1030 x2"
    assert model.setData(model.index(1, 2), "0") is False  # units must be at least 1
    assert model.setData(model.index(1, 1), "jw, 59") is True
    assert model.as_text() == "20610-RT\nJ1030-JW-59 x2"
    assert model.removeRows(0, 1)
    assert model.as_text() == "J1030-JW-59 x2"
    model.set_text("99213-25\n20610-RT x2")
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["99213", "20610"]
    assert model.index(1, 2).data() == "2"
    model.read_only = True
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    qtmodeltester.check(model)


def test_audit_model_toggles_and_corrects(qtmodeltester, bank):
    model = AuditModel()
    model.set_claim(bank.get_question("ui-audit-1")["claim"])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Not judged"
    model.toggle(0)
    assert model.index(0, 1).data() == "✘ Wrong"
    model.toggle(0)
    assert model.index(0, 1).data() == "✔ Right"
    assert model.setData(model.index(1, 2), "12004")
    assert model.response()[1] == {"correct": False, "correction": "12004"}
    assert not model.setData(model.index(0, 0), "changed")  # the claim itself is not editable


def test_feedback_model_shows_match_kinds_in_words_and_colour(qtmodeltester, bank):
    q = bank.get_question("ui-case-1")
    result = grade(q, {"codes": "20610\n11042", "icd10": "M17.11"}).to_dict()
    model = FeedbackModel()
    model.set_result(result)
    qtmodeltester.check(model)
    labels = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert "◐ Partly right" in labels and "✘ Extra line" in labels and "✔ Correct" in labels
    kinds = [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    colours = {model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() for r in range(model.rowCount())}
    assert len(colours) == len(set(kinds))  # each kind its own colour


def test_category_and_missed_models(qtmodeltester):
    cats = CategoryModel()
    cats.set_categories({"E/M": {"earned": 1.0, "possible": 2.0}, "Modifiers": {"earned": 1, "possible": 1}})
    qtmodeltester.check(cats)
    assert cats.index(0, 1).data() == "50%"
    assert cats.index(0, 2).data() == "1 / 2"
    missed = MissedModel()
    missed.set_rows([{"id": "a", "title": "A", "type": "case", "score": 0.5},
                     {"id": "b", "title": "B", "type": "choice", "score": None}])
    qtmodeltester.check(missed)
    assert missed.index(1, 2).data() == "Skipped"


def test_search_results_model(qtmodeltester, bank):
    rows = result_rows(catalog.search(bank.db, "9921", limit=20))
    assert rows
    model = SearchResultsModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert all(model.index(r, 0).data().startswith("9921") for r in range(model.rowCount()))
    assert model.index(0, 1).data() == "CPT"
