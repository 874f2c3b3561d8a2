"""Errors reach people as one dialog with words they can act on; themes; background work."""


import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from trainer.errors import BankError
from trainer.ui import theme
from trainer.ui.error_dialog import describe
from trainer.ui.worker import run_in_background


def test_corrupt_bank_is_reported_in_the_dialog_and_main_exits_1(tmp_path, qapp, errors, monkeypatch):
    from trainer.ui import app as app_module

    bad = tmp_path / "bank.sqlite"
    bad.write_bytes(b"this is not a database at all" * 10)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(QApplication, "exec", lambda self: pytest.fail("the window must not open"))
    assert app_module.main(["--db", str(bad)]) == 1
    assert len(errors) == 1 and isinstance(errors[0], BankError)
    headline, body = describe(errors[0])
    assert headline == "The question bank could not be used"
    assert str(bad) in body and "Traceback" not in body


def test_unexpected_errors_are_described_without_a_traceback():
    headline, body = describe(ValueError("boom"))
    assert headline == "Something went wrong"
    assert "ValueError: boom" in body and "saved" in body
    headline, body = describe(FileNotFoundError(2, "No such file", "/tmp/quiz.yaml"))
    assert headline == "A file is missing" and "/tmp/quiz.yaml" in body
    headline, _ = describe(Exception("database is locked"))
    assert headline == "The question bank is busy"


def test_a_failing_action_shows_the_dialog_not_a_crash(window, qtbot, errors, monkeypatch):
    window.home.start_requested.emit(window.bank.find_questions(quiz_id="ui-sample"))
    page = window.practice

    def broken(*_a, **_k):
        raise BankError("the bank is read-only; check the file's permissions.")

    monkeypatch.setattr(window.bank, "record_attempt", broken)
    page.case_editor.model.set_text("20610-RT")
    page.submit_button.click()
    assert [str(e) for e in errors] == ["the bank is read-only; check the file's permissions."]
    assert page.submit_button.isEnabled()  # nothing was lost: the learner can submit again


def test_background_work_returns_on_the_gui_thread(qtbot):
    gui = QThread.currentThread()
    seen = {}

    def work():
        seen["worker_thread"] = QThread.currentThread()
        return 41 + 1

    def done(value):
        seen["value"] = value
        seen["done_thread"] = QThread.currentThread()

    task = run_in_background(work, done)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["value"] == 42
    assert seen["done_thread"] is gui and seen["worker_thread"] is not gui


def test_background_errors_go_to_the_error_callback(qtbot):
    got = []

    def work():
        raise BankError("no room left on the disk")

    task = run_in_background(work, lambda v: got.append(("done", v)), lambda e: got.append(("error", str(e))))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert got == [("error", "no room left on the disk")]


def test_light_and_dark_themes(qapp):
    try:
        theme.apply_theme(qapp, dark=True)
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert "#15181c" in qapp.styleSheet()
        dark_exact = theme.match_background("exact").name()
        theme.apply_theme(qapp, dark=False)
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 200
        assert theme.match_background("exact").name() != dark_exact
    finally:
        theme.apply_theme(qapp, dark=False)


def test_match_kinds_have_distinct_words(qapp):
    kinds = ("exact", "partial", "family", "section", "category", "missing", "extra", "wrong")
    labels = [theme.match_label(k) for k in kinds]
    assert len(set(labels)) == len(labels)
    assert theme.match_background("exact") != theme.match_background("missing")
    assert theme.match_background("partial") != theme.match_background("family")
