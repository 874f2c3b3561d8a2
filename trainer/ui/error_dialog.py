"""The one place errors reach a person: a dialog that says what happened and what to do."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from trainer.errors import BankError, NotFoundError, TrainerError


def describe(error: BaseException) -> tuple[str, str]:
    """(headline, body) for ``error``: the learner's words, never a traceback."""
    if isinstance(error, BankError):
        return (
            QApplication.translate("ErrorDialog", "The question bank could not be used"),
            str(error),
        )
    if isinstance(error, NotFoundError):
        return (QApplication.translate("ErrorDialog", "Not found"), str(error))
    if isinstance(error, TrainerError):
        return (QApplication.translate("ErrorDialog", "CPT Trainer could not do that"), str(error))
    if isinstance(error, FileNotFoundError):
        return (
            QApplication.translate("ErrorDialog", "A file is missing"),
            QApplication.translate(
                "ErrorDialog", "{name} does not exist. Check the path, or choose another file."
            ).format(name=error.filename or str(error)),
        )
    if isinstance(error, PermissionError):
        return (
            QApplication.translate("ErrorDialog", "Permission denied"),
            QApplication.translate(
                "ErrorDialog",
                "{name} cannot be read or written by you. Check the file's permissions, "
                "or choose another location.",
            ).format(name=error.filename or str(error)),
        )
    text = str(error) or type(error).__name__
    if "database is locked" in text:
        return (
            QApplication.translate("ErrorDialog", "The question bank is busy"),
            QApplication.translate(
                "ErrorDialog",
                "Another program (perhaps a second CPT Trainer window or the command line) "
                "is writing to the bank. Close it and try again; your earlier answers are saved.",
            ),
        )
    if "malformed" in text or "not a database" in text:
        return (
            QApplication.translate("ErrorDialog", "The question bank is damaged"),
            QApplication.translate(
                "ErrorDialog",
                "The bank file cannot be read ({detail}). Restore it from a backup, or move "
                "it aside and start CPT Trainer again to create a fresh bank.",
            ).format(detail=text),
        )
    return (
        QApplication.translate("ErrorDialog", "Something went wrong"),
        QApplication.translate(
            "ErrorDialog",
            "CPT Trainer hit an unexpected problem ({kind}: {detail}). Answers you already "
            "submitted are saved. If it happens again, please tell your instructor what you did.",
        ).format(kind=type(error).__name__, detail=text),
    )


class ErrorDialog:
    """Tests monkeypatch ``ErrorDialog.show`` to capture errors without a modal dialog."""

    shown: list[BaseException] = []

    @classmethod
    def show(cls, parent: QWidget | None, error: BaseException) -> None:
        headline, body = describe(error)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("CPT Trainer")
        box.setText(headline)
        box.setInformativeText(body)
        box.setAccessibleName(headline)
        box.exec()


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Show ``error`` to the person using the app (the one entry point)."""
    ErrorDialog.show(parent, error)


def install_excepthook() -> None:
    """Route uncaught exceptions from slots to the dialog instead of a traceback on stderr."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        if QApplication.instance() is None or isinstance(value, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        import traceback

        traceback.print_exception(kind, value, tb, file=sys.stderr)
        show_error(QApplication.activeWindow(), value)

    sys.excepthook = hook
