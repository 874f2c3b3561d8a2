"""Drive the real window: home, a whole session by keyboard, feedback, reports, results."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from uihelpers import sample_ids


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    widget = focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)
    QApplication.processEvents()  # Qt commits an item editor on Enter by a queued call


def type_text(qtbot, text):
    for ch in text:
        qtbot.keyClicks(focused(), ch)
        QApplication.processEvents()


def start_sample(window, qtbot, ids=None):
    """Start a session on the sample quiz (in order) the way the home screen does."""
    window.home.start_requested.emit(ids or sample_ids(window.bank))
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.practice)
    return window.practice


def submit(qtbot):
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_title_and_home_lists_quizzes_with_counts(window, bank):
    assert window.windowTitle().startswith("CPT Trainer")
    model = window.home.quiz_model
    shown = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    for quiz in bank.list_quizzes():
        assert shown[quiz["title"]] == str(quiz["question_count"])
    assert window.home.learner_combo.currentText() == "Sam"


def test_new_learner_is_created_and_selected(window, bank, monkeypatch):
    from trainer.ui.home import NewLearnerDialog

    monkeypatch.setattr(NewLearnerDialog, "ask", classmethod(lambda cls, parent: "Rosa"))
    window.home.new_learner_button.click()
    assert window.home.learner_combo.currentText() == "Rosa"
    assert "Rosa" in [x["name"] for x in bank.learners()]


def test_filters_build_the_practice_set(window, qtbot):
    home = window.home
    home.type_combo.setCurrentIndex(home.type_combo.findData("choice"))
    n_choice = len(window.bank.find_questions(types=["choice"]))
    assert home.match_label.text().startswith(f"{n_choice} questions match")
    home.count_spin.setValue(3)
    with qtbot.waitSignal(home.start_requested) as sig:
        home.start_button.click()
    ids = sig.args[0]
    assert len(ids) == min(3, n_choice)
    assert {window.bank.get_question(i)["type"] for i in ids} == {"choice"}


def test_whole_session_by_keyboard_alone(window, qtbot, bank):
    page = start_sample(window, qtbot)
    assert page.position_label.text() == "Question 1 of 4"

    # case: 20610-RT and M17.11
    assert focused() is page.case_editor.table
    type_text(qtbot, "20610")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "rt")
    press(qtbot, Qt.Key.Key_Return)  # commits and opens a new line
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Dia&gnosis codes
    assert focused() is page.case_editor.icd10
    type_text(qtbot, "M17.11")
    submit(qtbot)
    assert page.feedback.score.text() == "100%"
    assert focused() is page.next_button

    # choice: key 1
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.position_label.text() == "Question 2 of 4"
    press(qtbot, Qt.Key.Key_1)
    assert page.choice_editor.response() == [0]
    submit(qtbot)
    assert page.feedback.score.text() == "100%"

    # em_level: code, three selectors by arrow keys
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    em = page.editors["em_level"]
    assert focused() in (em.code, em.code.lineEdit())
    type_text(qtbot, "99214")
    for downs in (3, 2, 3):  # moderate, limited, moderate
        press(qtbot, Qt.Key.Key_Tab)
        for _ in range(downs):
            press(qtbot, Qt.Key.Key_Down)
    assert em.response()["risk"] == "moderate"
    submit(qtbot)
    assert page.feedback.score.text() == "100%"

    # audit: both lines wrong, the first corrected to 12004
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    audit = page.editors["audit"]
    assert focused() is audit.table
    press(qtbot, Qt.Key.Key_W)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)
    type_text(qtbot, "12004")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Left)
    press(qtbot, Qt.Key.Key_Space)
    assert audit.response() == [{"correct": False, "correction": "12004"}, {"correct": False, "correction": ""}]
    submit(qtbot)
    assert page.feedback.score.text() == "100%"

    # the last Next shows the results
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.pages.currentWidget() is window.summary
    assert window.summary.score.text() == "100%"
    assert window.summary.missed_model.rowCount() == 0
    assert not window.summary.again_button.isEnabled()
    session = bank.get_session(bank.db.execute("select max(id) from sessions").fetchone()[0])
    assert session["ended_at"] and len(session["attempts"]) == 4


def test_partial_answer_shows_amber_line_expected_answer_and_rationale(window, qtbot):
    page = start_sample(window, qtbot)
    page.case_editor.model.set_text("20610")
    page.case_editor.icd10.setText("M17.11")
    page.submit_button.click()
    fb = page.feedback
    assert fb.score.text() == "75%"
    assert "Partly right" in fb.verdict.text()
    rows = [fb.model.index(r, 0).data() for r in range(fb.model.rowCount())]
    assert "◐ Partly right" in rows
    assert "20610-RT" in fb.details.text()  # the expected answer
    assert "side goes in a modifier" in fb.details.text()  # the rationale
    assert page.feedback_scroll.isVisible()
    assert not page.submit_button.isEnabled()
    assert page.case_editor.model.read_only


def test_wrong_answer_scores_zero_and_says_why(window, qtbot):
    page = start_sample(window, qtbot)
    page.case_editor.model.set_text("11042")
    page.submit_button.click()
    fb = page.feedback
    assert fb.score.text() == "0%"
    assert "Not right yet" in fb.verdict.text()
    kinds = [fb.model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(fb.model.rowCount())]
    assert "exact" not in kinds and "missing" in kinds  # the diagnosis was left out
    texts = [fb.model.index(r, 0).data() for r in range(fb.model.rowCount())]
    assert "✘ Missing" in texts
    explanations = [fb.model.index(r, 4).data() for r in range(fb.model.rowCount())]
    assert all(explanations)


def test_extra_line_is_shown_as_extra(window, qtbot):
    page = start_sample(window, qtbot)
    page.case_editor.model.set_text("20610-RT\n11042")
    page.case_editor.icd10.setText("M17.11")
    page.submit_button.click()
    fb = page.feedback
    kinds = sorted(fb.model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(fb.model.rowCount()))
    assert kinds == ["exact", "exact", "extra"]
    assert fb.score.text() not in ("0%", "100%")


def test_empty_answer_is_not_submitted(window, qtbot, bank):
    page = start_sample(window, qtbot)
    page.submit_button.click()
    assert "Give an answer first" in page.notice.text()
    assert bank.db["attempts"].count == 0


def test_enter_adds_a_line_and_delete_removes_it(window, qtbot):
    page = start_sample(window, qtbot)
    table = page.case_editor.table
    table.setFocus()
    assert page.case_editor.model.rowCount() == 1
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert page.case_editor.model.rowCount() == 2
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert page.case_editor.model.rowCount() == 1


def test_report_this_question_is_stored_with_the_comment(window, qtbot, bank, monkeypatch):
    from trainer.ui.feedback import ReportDialog

    monkeypatch.setattr(ReportDialog, "ask", classmethod(lambda cls, parent: "The key misses a modifier"))
    page = start_sample(window, qtbot)
    page.case_editor.model.set_text("20610-RT")
    page.submit_button.click()
    page.feedback.report_button.click()
    rows = list(bank.db["reports"].rows)
    assert [(r["question_id"], r["comment"]) for r in rows] == [("ui-case-1", "The key misses a modifier")]
    assert "saved" in page.feedback.reported.text()
    assert not page.feedback.report_button.isEnabled()


def test_previous_shows_the_submitted_answer_read_only(window, qtbot):
    page = start_sample(window, qtbot)
    page.case_editor.model.set_text("20610-RT")
    page.case_editor.icd10.setText("M17.11")
    page.submit_button.click()
    page.next_button.click()
    assert page.feedback_scroll.isHidden()
    page.prev_button.click()
    assert page.case_editor.model.as_text() == "20610-RT"
    assert page.feedback.score.text() == "100%"
    assert not page.submit_button.isEnabled()


def test_end_of_session_lists_missed_questions_and_practises_them_again(window, qtbot, bank):
    page = start_sample(window, qtbot)
    page.case_editor.model.set_text("20610")  # partial
    page.submit_button.click()
    page.next_button.click()
    page.choice_editor.choose(2)  # wrong
    page.submit_button.click()
    page.finish_button.click()
    summary = window.summary
    assert window.pages.currentWidget() is summary
    missed = [summary.missed_model.index(r, 0).data() for r in range(summary.missed_model.rowCount())]
    assert missed[:2] == ["Knee injection at an office visit", "Modifier on a separate visit"]
    assert len(missed) == 4  # two skipped as well
    cats = {summary.category_model.index(r, 0).data() for r in range(summary.category_model.rowCount())}
    assert "Modifiers" in cats
    summary.again_button.click()
    assert window.pages.currentWidget() is window.practice
    assert window.practice.question_ids == ["ui-case-1", "ui-choice-1", "ui-em-1", "ui-audit-1"]
    assert window.practice.position_label.text() == "Question 1 of 4"


def test_zoom_keys_change_the_note_size(window, qtbot):
    page = start_sample(window, qtbot)
    before = page.note.font().pointSizeF()
    page.case_editor.table.setFocus()
    press(qtbot, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert page.note.zoom_steps == 2
    assert page.note.font().pointSizeF() > before
    press(qtbot, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert page.note.zoom_steps == 1


def test_scenario_is_shown_as_a_clinical_note(window, qtbot):
    page = start_sample(window, qtbot)
    html = page.note.toHtml()
    assert "CHIEF COMPLAINT" in html and "ASSESSMENT/PLAN" in html
    assert "Knee injection at an office visit" in page.note.toPlainText()


def test_controls_have_accessible_names(window, qtbot):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QSpinBox

    start_sample(window, qtbot)
    unnamed = []
    for cls in (QAbstractButton, QComboBox, QLineEdit, QSpinBox, QAbstractItemView):
        for w in window.findChildren(cls):
            if isinstance(w, QLineEdit) and isinstance(w.parent(), (QComboBox, QSpinBox)):
                continue
            if w.objectName().startswith("qt_") or type(w).__name__.startswith("QHeader"):
                continue
            parent = w.parent()
            if isinstance(parent, QLineEdit) or parent.metaObject().className() == "QComboBoxPrivateContainer":
                continue  # Qt's own parts: a line edit's clear button, a combo box's popup list
            if isinstance(w, QAbstractButton) and w.text():
                continue
            if not w.accessibleName():
                unnamed.append(f"{type(w).__name__} {w.objectName()} in {type(w.parent()).__name__}")
    assert unnamed == [], "\n".join(unnamed)


def test_ctrl_enter_while_a_cell_is_still_being_typed_submits_what_was_typed(window, qtbot, bank):
    """A coder types the last units and presses Ctrl+Enter at once: the open cell counts and the
    answer is graded (no new empty line, no lost keystrokes)."""
    page = start_sample(window, qtbot)
    type_text(qtbot, "20610")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "rt")  # the modifiers cell is still open
    assert page.case_editor.table.state() == page.case_editor.table.State.EditingState
    submit(qtbot)
    qtbot.waitUntil(lambda: page.feedback.isVisible() and page.feedback.score.text() != "")
    attempt = bank.get_session(page.session["id"])["attempts"][sample_ids(bank)[0]]
    assert "20610-RT" in attempt["response"]["codes"].replace(" ", "")
    assert page.case_editor.model.rowCount() == 1
