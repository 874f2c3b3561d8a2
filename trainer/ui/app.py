"""The learner's desktop app: ``cpt-trainer-gui [--db PATH]`` or ``python -m trainer.ui.app``.

Checks that a window can be opened (a clear message instead of Qt's plugin crash), builds
the QApplication, opens the bank (first run: a progress dialog while it is created and
filled) and shows the main window.
"""

from __future__ import annotations

import argparse
import sys

from trainer.ui.display_check import problem_message


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cpt-trainer-gui", description="CPT Trainer, the learner's app")
    parser.add_argument("--db", metavar="PATH", help="the question bank file (default: CPT_TRAINER_DB or the user data folder)")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system",
                        help="light or dark look (default: follow the system)")
    return parser.parse_args(argv)


def open_bank_with_progress(path):
    """Open (create, migrate, fill) the bank on a worker thread while a progress dialog shows.

    Returns the GUI thread's own Bank; raises the worker's error if opening failed.
    """
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QProgressDialog

    from trainer.store import Bank
    from trainer.ui.worker import run_in_background

    box = {}
    dialog = QProgressDialog("Opening the question bank…", "", 0, 0)
    dialog.setWindowTitle("CPT Trainer")
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(400)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    loop = QEventLoop()

    def work():
        bank = Bank.open(path)
        resolved = bank.path
        bank.close()
        return resolved

    def done(resolved):
        box["path"] = resolved
        loop.quit()

    def failed(exc):
        box["error"] = exc
        loop.quit()

    run_in_background(work, done, failed)
    loop.exec()
    dialog.close()
    if "error" in box:
        raise box["error"]
    return Bank.open(box["path"] if box["path"] is not None else path)


def binding_warning() -> str | None:
    """PySide6 6.12.0 corrupts reference counts on Python < 3.12 (the app would abort later)."""
    try:
        from importlib.metadata import version

        qt = version("PySide6-Essentials")
    except Exception:  # noqa: BLE001 - no metadata: nothing to say
        return None
    if sys.version_info < (3, 12) and qt.startswith("6.12.0"):
        return (
            f"Warning: PySide6 {qt} on Python {sys.version_info.major}.{sys.version_info.minor} has a "
            "reference-counting bug that can abort the app during a long session (your submitted "
            "answers stay saved). Install PySide6 6.11.3, or use Python 3.12 or newer."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    message = problem_message()
    if message:
        print(message, file=sys.stderr)
        return 1
    warning = binding_warning()
    if warning:
        print(warning, file=sys.stderr)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from trainer.paths import APP_AUTHOR, APP_NAME
    from trainer.ui import theme
    from trainer.ui.error_dialog import install_excepthook, show_error
    from trainer.ui.main_window import MainWindow

    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationDisplayName(APP_NAME)
    from PySide6.QtGui import QIcon

    from trainer.paths import assets_dir

    app.setWindowIcon(QIcon(str(assets_dir() / "icons" / "app.svg")))
    theme.apply_theme(app, None if args.theme == "system" else args.theme == "dark")
    if args.theme == "system":
        theme.follow_system(app)
    install_excepthook()
    try:
        bank = open_bank_with_progress(args.db)
    except Exception as exc:  # noqa: BLE001 - every failure reaches the person as a dialog
        show_error(None, exc)
        return 1
    window = MainWindow(bank)
    window.show()
    code = app.exec()
    bank.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
