"""Qt tests run offscreen against a real temporary bank and the real grader."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

SAMPLE = Path(__file__).parent / "data" / "ui-sample.yaml"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings (window geometry, last learner) go to a temporary folder."""
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("CPT_TRAINER_DB", str(tmp_path / "default-bank.sqlite"))
    yield


@pytest.fixture
def errors(monkeypatch):
    """Errors the app would show in its dialog, captured instead of blocking."""
    from trainer.ui.error_dialog import ErrorDialog

    shown: list[BaseException] = []
    monkeypatch.setattr(ErrorDialog, "show", classmethod(lambda cls, parent, error: shown.append(error)))
    return shown


@pytest.fixture(scope="session")
def template_bank(tmp_path_factory):
    """Built once (the bundled quizzes, the catalog, the UI sample quiz, one learner)."""
    from trainer.store import Bank

    path = tmp_path_factory.mktemp("template") / "bank.sqlite"
    with Bank.open(path) as bank:
        bank.import_file(SAMPLE)
        bank.create_learner("Sam")
        bank.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def bank_path(tmp_path, template_bank):
    """A fresh copy of the template bank for each test."""
    import shutil

    path = tmp_path / "bank.sqlite"
    shutil.copy(template_bank, path)
    return path


@pytest.fixture
def bank(bank_path):
    from trainer.store import Bank

    b = Bank.open(bank_path)
    yield b
    b.close()


@pytest.fixture
def window(qtbot, bank, errors):
    from trainer.ui.main_window import MainWindow

    w = MainWindow(bank)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.lookup.shutdown()

