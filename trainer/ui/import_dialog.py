"""Catalog imports from the app: the "Import codes" dialog and the first-run ICD-10-CM offer.

Both run ``trainer.importers.run_import`` on a pool thread with its own connection to the
bank file (a SQLite connection belongs to the thread that opened it). Progress comes back
by signal; Cancel makes the progress callback raise ``ImportCancelled``, which rolls the
import back. A bad file is shown as its ``FILE:LINE: ...`` message, never a traceback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from trainer.errors import TrainerError
from trainer.importers import ImportCancelled, ImportSummary, needs_file, run_import
from trainer.paths import APP_AUTHOR, APP_NAME
from trainer.ui import theme
from trainer.ui.error_dialog import show_error
from trainer.ui.worker import run_in_background

OFFER_SETTING = "catalog/icd10cm_offer"  # "declined" after "Not now"
DIR_SETTING = "catalog/import_dir"


@dataclass(frozen=True)
class Kind:
    kind: str
    label: str
    explanation: str
    file_filter: str = ""


KINDS = (
    Kind("hcpcs", "HCPCS Level II (CMS file)",
         "The CMS “Alpha-Numeric HCPCS File”: the yearly zip as downloaded, or the .txt inside it. "
         "Adds every HCPCS code and modifier; terminated codes are kept and marked.",
         "CMS HCPCS file (*.zip *.txt *.TXT);;All files (*)"),
    Kind("icd10cm", "ICD-10-CM diagnosis codes (no file needed)",
         "The whole ICD-10-CM code set, from the copy installed with CPT Trainer. Takes about "
         "5 seconds; works offline."),
    Kind("cpt", "Licensed CPT descriptor file",
         "Only if you hold a CPT licence: a CSV, text or Excel file with a code column and a "
         "descriptor column. The official wording replaces our plain-word summaries in this bank only.",
         "CPT descriptor file (*.csv *.txt *.tsv *.xlsx);;All files (*)"),
    Kind("ncci-ptp", "NCCI procedure-to-procedure edits",
         "CMS NCCI PTP edits (Excel, text or CSV): pairs of codes where one is bundled into the "
         "other. Feedback then warns about bundled pairs.",
         "NCCI PTP edits (*.xlsx *.txt *.csv);;All files (*)"),
    Kind("mue", "MUE table (medically unlikely edits)",
         "A CMS MUE table (Excel, text or CSV): the most units of a code one patient normally "
         "gets. Feedback then warns when units are above it.",
         "MUE table (*.xlsx *.txt *.csv);;All files (*)"),
)
KIND_BY_NAME = {k.kind: k for k in KINDS}


def settings() -> QSettings:
    return QSettings(APP_AUTHOR, APP_NAME)


def has_icd10cm(db) -> bool:
    """True when the bank's catalog holds ICD-10-CM codes (an import has run)."""
    try:
        return db.execute("SELECT 1 FROM catalog WHERE system = 'icd10cm' LIMIT 1").fetchone() is not None
    except Exception:  # noqa: BLE001 - no catalog table: nothing to offer against
        return True


def should_offer_icd10cm(bank) -> bool:
    """Offer the ICD-10-CM import: a bank file without ICD codes, not declined before."""
    if bank is None or bank.path is None:
        return False
    if settings().value(OFFER_SETTING, "") == "declined":
        return False
    return not has_icd10cm(bank.db)


def error_color() -> str:
    return "#ff8a80" if theme.is_dark() else "#b3261e"


# ---------------------------------------------------------------------------- the job

class ImportJob(QObject):
    """One import on a pool thread. Signals arrive on the GUI thread.

    ``progressed(done, total)``; then exactly one of ``succeeded(summary)``,
    ``failed(error)`` or ``cancelled()``; then ``ended()``.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()

    def __init__(self, bank_path: str | Path, kind: str, file: str | Path | None = None, parent=None):
        super().__init__(parent)
        self.bank_path = str(bank_path)
        self.kind = kind
        self.file = str(file) if file else None
        self._stop = threading.Event()
        self.running = False
        self.task = None

    def start(self) -> None:
        from trainer.store import Bank

        self.running = True
        bank_path, kind, file, stop = self.bank_path, self.kind, self.file, self._stop
        emit = self.progressed.emit

        def progress(done: int, total: int) -> None:  # pool thread: no widgets here
            # The last report (done == total) may come after the commit: too late to stop.
            if stop.is_set() and done < total:
                raise ImportCancelled()
            emit(int(done), int(total))

        def work() -> ImportSummary:  # pool thread, its own connection
            if stop.is_set():
                raise ImportCancelled()
            bank = Bank.open(bank_path, seed=False)
            try:
                return run_import(bank.db, kind, file, progress=progress)
            finally:
                bank.close()

        self.task = run_in_background(work, self._on_done, self._on_error)

    def cancel(self) -> None:
        """Ask the import to stop at its next progress report; it rolls back."""
        self._stop.set()

    @property
    def cancel_requested(self) -> bool:
        return self._stop.is_set()

    def _on_done(self, summary: ImportSummary) -> None:
        self.running = False
        self.succeeded.emit(summary)
        self.ended.emit()

    def _on_error(self, error: BaseException) -> None:
        self.running = False
        if isinstance(error, ImportCancelled):
            self.cancelled.emit()
        else:
            self.failed.emit(error)
        self.ended.emit()


def _set_progress(bar: QProgressBar, done: int, total: int) -> None:
    total = max(1, total)
    if bar.maximum() != total:
        bar.setRange(0, total)
    bar.setValue(min(done, total))


# ---------------------------------------------------------------------------- the dialog

class ImportDialog(QDialog):
    """Tools > Import codes: choose a kind and a file, watch the progress, read the result.

    ``imported(summary)`` after an import that finished (the lookup panel refreshes on it).
    Tests monkeypatch :meth:`ask_file`.
    """

    imported = Signal(object)

    def __init__(self, bank, parent=None, kind: str = "hcpcs"):
        super().__init__(parent)
        self.bank = bank
        self.job: ImportJob | None = None
        self.last_summary: ImportSummary | None = None
        self.last_error: BaseException | None = None
        self.setWindowTitle(self.tr("Import codes into the catalog"))
        self.setMinimumWidth(660)

        intro = QLabel(self.tr(
            "Add official code sets to this bank's catalog, for the lookup panel and for "
            "feedback. The whole file is checked first: if anything is wrong, nothing changes."), self)
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")

        box = QGroupBox(self.tr("What to import"), self)
        kinds = QVBoxLayout(box)
        kinds.setSpacing(2)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for i, k in enumerate(KINDS):
            button = QRadioButton(self.tr(k.label), box)
            button.setAccessibleDescription(self.tr(k.explanation))
            self.kind_group.addButton(button, i)
            self.kind_buttons[k.kind] = button
            note = QLabel(self.tr(k.explanation), box)
            note.setWordWrap(True)
            note.setProperty("role", "muted")
            note.setContentsMargins(24, 0, 0, 0)
            if i:
                kinds.addSpacing(8)
            kinds.addWidget(button)
            kinds.addWidget(note)

        self.file_label = QLabel(self.tr("&File:"), self)
        self.file_edit = QLineEdit(self)
        self.file_edit.setAccessibleName(self.tr("File to import"))
        self.file_edit.setPlaceholderText(self.tr("Choose the file to import…"))
        self.file_label.setBuddy(self.file_edit)
        self.choose_button = QPushButton(self.tr("C&hoose…"), self)
        self.choose_button.setAccessibleName(self.tr("Choose the file to import"))
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAccessibleName(self.tr("Import result"))
        self.status.setMinimumHeight(40)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.import_button = QPushButton(self.tr("&Import"), self)
        self.import_button.setProperty("role", "primary")
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Close"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 16, 18, 16)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addWidget(box)
        lay.addLayout(file_row)
        lay.addWidget(self.progress)
        lay.addWidget(self.status, 1)
        lay.addLayout(buttons)

        self.kind_group.idToggled.connect(self.on_kind_group_idToggled)
        self.choose_button.clicked.connect(self.on_choose_button_clicked)
        self.import_button.clicked.connect(self.on_import_button_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_button_clicked)
        self.file_edit.textChanged.connect(self._update_buttons)
        self.set_kind(kind if kind in KIND_BY_NAME else "hcpcs")

    # ------------------------------------------------------------------ state

    @property
    def kind(self) -> str:
        return KINDS[max(0, self.kind_group.checkedId())].kind

    @property
    def running(self) -> bool:
        return bool(self.job and self.job.running)

    def set_kind(self, kind: str) -> None:
        self.kind_buttons[kind].setChecked(True)
        self._update_buttons()

    def set_file(self, path: str | Path) -> None:
        self.file_edit.setText(str(path))

    def _update_buttons(self, *_):
        running = self.running
        wants_file = needs_file(self.kind)
        for b in self.kind_buttons.values():
            b.setEnabled(not running)
        for w in (self.file_label, self.file_edit, self.choose_button):
            w.setEnabled(wants_file and not running)
        if not wants_file:
            self.file_edit.setPlaceholderText(self.tr("No file needed for ICD-10-CM"))
        else:
            self.file_edit.setPlaceholderText(self.tr("Choose the file to import…"))
        self.import_button.setEnabled(not running)
        self.cancel_button.setText(self.tr("Cancel import") if running else self.tr("Close"))

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {error_color()};" if error else "")
        self.status.setText(text)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to show every wrapped line (a dialog does not follow height-for-width)."""
        need = self.layout().totalHeightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit_height()

    # ------------------------------------------------------------------ file

    @classmethod
    def ask_file(cls, parent: QWidget, kind: str, start_dir: str) -> str | None:
        """The file to import for ``kind`` (None when the user cancels)."""
        k = KIND_BY_NAME[kind]
        path, _ = QFileDialog.getOpenFileName(
            parent, parent.tr("Choose the file: {what}").format(what=parent.tr(k.label)),
            start_dir, k.file_filter)
        return path or None

    def choose_file(self) -> str | None:
        s = settings()
        start = str(s.value(DIR_SETTING, "") or "")
        current = self.file_edit.text().strip()
        if current:
            start = str(Path(current).expanduser().parent)
        path = type(self).ask_file(self, self.kind, start or str(Path.home()))
        if path:
            self.set_file(path)
            s.setValue(DIR_SETTING, str(Path(path).parent))
        return path

    # ------------------------------------------------------------------ slots

    def on_kind_group_idToggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.file_edit.clear()
            self._say("")
            self.progress.setVisible(False)
            self._update_buttons()

    def on_choose_button_clicked(self) -> None:
        self.choose_file()

    def on_import_button_clicked(self) -> None:
        self.start_import()

    def on_cancel_button_clicked(self) -> None:
        if self.running:
            self.cancel_import()
        else:
            self.accept()

    def reject(self) -> None:  # Esc and the title-bar close button
        if self.running:
            self.cancel_import()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.running:
            self.cancel_import()
            event.ignore()
            return
        super().closeEvent(event)

    # ------------------------------------------------------------------ the import

    def start_import(self) -> bool:
        """Start the import of the chosen kind (asks for the file when there is none)."""
        if self.running:
            return False
        kind = self.kind
        file = None
        if needs_file(kind):
            file = self.file_edit.text().strip() or self.choose_file()
            if not file:
                return False
            file = str(Path(file).expanduser())
        if self.bank.path is None:
            self._say(self.tr("This bank lives in memory only; imports need a bank file."), error=True)
            return False
        self.last_summary = None
        self.last_error = None
        self.job = ImportJob(self.bank.path, kind, file, self)
        self.job.progressed.connect(self.on_job_progressed)
        self.job.succeeded.connect(self.on_job_succeeded)
        self.job.failed.connect(self.on_job_failed)
        self.job.cancelled.connect(self.on_job_cancelled)
        self.job.ended.connect(self._update_buttons)
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress.setVisible(True)
        self._say(self.tr("Reading {name}…").format(name=Path(file).name) if file
                  else self.tr("Reading the ICD-10-CM code set…"))
        self.job.start()
        self._update_buttons()
        self.cancel_button.setFocus()
        return True

    def cancel_import(self) -> None:
        if self.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self._say(self.tr("Cancelling…"))

    def on_job_progressed(self, done: int, total: int) -> None:
        if self.job is None or self.job.cancel_requested:
            return
        _set_progress(self.progress, done, total)
        self._say(self.tr("Importing… {pct}%").format(pct=done * 100 // max(1, total)))

    def on_job_succeeded(self, summary: ImportSummary) -> None:
        self.last_summary = summary
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.cancel_button.setEnabled(True)
        self._say(summary.message)
        self.imported.emit(summary)
        self.cancel_button.setFocus()

    def on_job_failed(self, error: BaseException) -> None:
        self.last_error = error
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(True)
        if isinstance(error, TrainerError):
            self._say(self.tr("Nothing was imported. {problem}").format(problem=error), error=True)
        else:
            self._say(self.tr("Nothing was imported."), error=True)
            show_error(self, error)
        self.file_edit.setFocus()

    def on_job_cancelled(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(True)
        self._say(self.tr("Import cancelled; the catalog was not changed."))
        self.import_button.setFocus()


# ---------------------------------------------------------------------------- first run

class IcdOfferBanner(QWidget):
    """Home-screen banner on a bank without ICD-10-CM codes: Load / Not now.

    "Not now" is remembered in QSettings, so the offer is not repeated at every start.
    ``imported(summary)`` after the codes are in; the banner then hides.
    """

    imported = Signal(object)

    def __init__(self, bank, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.job: ImportJob | None = None
        self.last_error: BaseException | None = None
        self.setObjectName("icdOffer")
        self.label = QLabel(self)
        self.label.setProperty("role", "banner")
        self.label.setWordWrap(True)
        self.load_button = QPushButton(self.tr("Load &ICD-10-CM"), self)
        self.load_button.setProperty("role", "primary")
        self.load_button.setAccessibleName(self.tr("Load the ICD-10-CM code set"))
        self.later_button = QPushButton(self.tr("Not now"), self)
        self.later_button.setAccessibleName(self.tr("Do not load ICD-10-CM now"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel loading ICD-10-CM"))
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("ICD-10-CM loading progress"))
        self.progress.setVisible(False)
        self.progress.setFixedWidth(220)

        row = QHBoxLayout(self)  # the bar takes the buttons' place: the page does not move
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.progress)
        row.addWidget(self.load_button)
        row.addWidget(self.later_button)
        row.addWidget(self.cancel_button)

        self.load_button.clicked.connect(self.on_load_button_clicked)
        self.later_button.clicked.connect(self.on_later_button_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_button_clicked)
        self._ask()
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return bool(self.job and self.job.running)

    def _ask(self, extra: str = "") -> None:
        text = self.tr("Diagnosis codes are not loaded yet. Load the ICD-10-CM code set (about "
                       "5 seconds)? The lookup panel and diagnosis feedback use it.")
        self.label.setText(f"{extra} {text}".strip() if extra else text)
        self.label.setStyleSheet("")
        for b in (self.load_button, self.later_button):
            b.setVisible(True)
            b.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)

    def refresh(self) -> None:
        """Show the offer when it applies (a running load stays visible)."""
        if self.running:
            self.setVisible(True)
            return
        try:
            self.setVisible(should_offer_icd10cm(self.bank))
        except Exception:  # noqa: BLE001 - an offer must never break the home screen
            self.setVisible(False)

    def on_later_button_clicked(self) -> None:
        settings().setValue(OFFER_SETTING, "declined")
        self.setVisible(False)

    def on_load_button_clicked(self) -> None:
        self.start()

    def on_cancel_button_clicked(self) -> None:
        if self.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(self.tr("Cancelling…"))

    def start(self) -> bool:
        if self.running or self.bank is None or self.bank.path is None:
            return False
        self.last_error = None
        self.job = ImportJob(self.bank.path, "icd10cm", None, self)
        self.job.progressed.connect(self.on_job_progressed)
        self.job.succeeded.connect(self.on_job_succeeded)
        self.job.failed.connect(self.on_job_failed)
        self.job.cancelled.connect(self.on_job_cancelled)
        self.label.setText(self.tr("Loading the ICD-10-CM code set… You can keep practising meanwhile."))
        self.load_button.setVisible(False)
        self.later_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.setVisible(True)
        self.job.start()
        return True

    def on_job_progressed(self, done: int, total: int) -> None:
        if self.job is not None and not self.job.cancel_requested:
            _set_progress(self.progress, done, total)

    def on_job_succeeded(self, summary: ImportSummary) -> None:
        self.setVisible(False)
        self.imported.emit(summary)

    def on_job_failed(self, error: BaseException) -> None:
        self.last_error = error
        self._ask(self.tr("Loading failed: {problem}.").format(problem=str(error).rstrip(".")))
        self.load_button.setText(self.tr("Try &again"))
        if not isinstance(error, TrainerError):
            show_error(self.window(), error)

    def on_job_cancelled(self) -> None:
        self._ask(self.tr("Loading cancelled; nothing changed."))
