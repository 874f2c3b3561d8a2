"""The learner's main window: home, practice, results, and the lookup panel (Ctrl+K)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget

from trainer.paths import APP_AUTHOR, APP_NAME
from trainer.ui.error_dialog import show_error
from trainer.ui.home import HomePage
from trainer.ui.import_dialog import IcdOfferBanner, ImportDialog
from trainer.ui.practice import PracticePage
from trainer.ui.summary import SummaryPage

TITLE = "CPT Trainer"


def settings() -> QSettings:
    return QSettings(APP_AUTHOR, APP_NAME)


class MainWindow(QMainWindow):
    def __init__(self, bank, parent=None):
        super().__init__(parent)
        self.bank = bank
        self.setWindowTitle(TITLE)
        self.setMinimumSize(760, 520)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pages")
        self.home = HomePage(self.pages)
        self.practice = PracticePage(self.pages)
        self.summary = SummaryPage(self.pages)
        for page in (self.home, self.practice, self.summary):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)

        from trainer.ui.lookup import LookupPanel

        self.lookup = LookupPanel(bank, self)
        self.lookup.setObjectName("lookupDock")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.lookup)
        self.lookup.hide()
        self.lookup.code_chosen.connect(self.on_lookup_code_chosen)
        self.practice.case_editor.set_completion_source(self.lookup.complete)

        self._build_menus()
        self.home.start_requested.connect(self.on_home_start_requested)
        self.home.resume_requested.connect(self.on_home_resume_requested)
        self.home.learner_changed.connect(self.on_home_learner_changed)
        self.home.error.connect(self.show_error)
        self.practice.finished.connect(self.on_practice_finished)
        self.practice.paused.connect(self.on_practice_paused)
        self.practice.error.connect(self.show_error)
        self.summary.again_requested.connect(self.on_home_start_requested)
        self.summary.home_requested.connect(self.go_home)
        self.statusBar().showMessage(self.tr("Ctrl+K looks up a code · Ctrl+Enter submits an answer"))

        s = settings()
        learner = s.value("learner_id")
        try:
            learner = int(learner) if learner is not None else None
        except (TypeError, ValueError):
            learner = None
        self.home.set_bank(bank, learner)
        self.import_dialog: ImportDialog | None = None
        self.icd_offer = IcdOfferBanner(bank, self.home)
        self.home.add_banner(self.icd_offer)
        self.icd_offer.imported.connect(self.on_catalog_imported)
        self.icd_offer.refresh()
        self.restore_geometry()
        self.go_home()

    # ------------------------------------------------------------------ chrome

    def _build_menus(self) -> None:
        bar = self.menuBar()
        session = bar.addMenu(self.tr("&Session"))
        self.home_action = QAction(self.tr("&Home"), self)
        self.home_action.setShortcut(QKeySequence("Ctrl+H"))
        self.home_action.triggered.connect(self.on_home_action_triggered)
        session.addAction(self.home_action)
        session.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        session.addAction(quit_action)

        view = bar.addMenu(self.tr("&View"))
        self.lookup_action = QAction(self.tr("&Look up a code"), self)
        self.lookup_action.setShortcut(QKeySequence("Ctrl+K"))
        self.lookup_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lookup_action.triggered.connect(self.on_lookup_action_triggered)
        view.addAction(self.lookup_action)
        zoom_in = QAction(self.tr("Zoom the note &in"), self)
        zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
        zoom_in.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # handled by the page
        zoom_in.triggered.connect(lambda: self.practice.note.zoom(1))
        view.addAction(zoom_in)
        zoom_out = QAction(self.tr("Zoom the note &out"), self)
        zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
        zoom_out.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        zoom_out.triggered.connect(lambda: self.practice.note.zoom(-1))
        view.addAction(zoom_out)

        tools = bar.addMenu(self.tr("&Tools"))
        self.import_action = QAction(self.tr("&Import codes…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.on_import_action_triggered)
        tools.addAction(self.import_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        keys = QAction(self.tr("&Keyboard shortcuts"), self)
        keys.setShortcut(QKeySequence.StandardKey.HelpContents)
        keys.triggered.connect(self.on_keys_action_triggered)
        help_menu.addAction(keys)

    def restore_geometry(self) -> None:
        s = settings()
        geometry = s.value("main/geometry")
        if isinstance(geometry, (QByteArray, bytes)) and geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 760)
        state = s.value("main/state")
        if isinstance(state, (QByteArray, bytes)) and state:
            self.restoreState(state)
            self.lookup.hide() if not s.value("main/lookup_visible", False, type=bool) else None

    def save_geometry(self) -> None:
        s = settings()
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState())
        s.setValue("main/lookup_visible", self.lookup.isVisible())

    def closeEvent(self, event) -> None:
        if self.practice.session:
            try:
                self.practice.stop_clock()
                self.practice.save_state()
            except Exception:  # noqa: BLE001 - closing must not fail; answers are already saved
                pass
        self.save_geometry()
        self.stop_imports()
        self.lookup.shutdown()
        super().closeEvent(event)

    def show_error(self, error: BaseException) -> None:
        show_error(self, error)

    # ------------------------------------------------------------------ navigation

    def go_home(self) -> None:
        try:
            self.home.refresh()
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)
        self.pages.setCurrentWidget(self.home)
        self.setWindowTitle(TITLE)
        (self.home.resume_button if self.home.unfinished else self.home.start_button).setFocus()

    def open_session(self, session_id: int) -> None:
        try:
            self.practice.start(self.bank, session_id)
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)
            self.go_home()
            return
        self.pages.setCurrentWidget(self.practice)
        self.setWindowTitle(f"{TITLE} — {self.tr('practice')}")
        self.practice.current_editor.focus_first()

    # ------------------------------------------------------------------ slots

    def on_home_start_requested(self, question_ids: list) -> None:
        lid = self.home.learner_id
        if lid is None:
            self.pages.setCurrentWidget(self.home)
            self.home.on_new_learner_button_clicked()
            lid = self.home.learner_id
            if lid is None:
                return
        try:
            sid = self.bank.start_session(lid, list(question_ids))
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)
            return
        self.open_session(sid)

    def on_home_resume_requested(self, session_id: int) -> None:
        self.open_session(session_id)

    def on_home_learner_changed(self, learner_id: int) -> None:
        settings().setValue("learner_id", learner_id)

    def on_practice_finished(self, session_id: int) -> None:
        try:
            self.summary.show_session(self.bank, session_id)
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)
            self.go_home()
            return
        self.pages.setCurrentWidget(self.summary)
        self.setWindowTitle(f"{TITLE} — {self.tr('results')}")

    def on_practice_paused(self) -> None:
        self.go_home()

    def on_home_action_triggered(self) -> None:
        if self.practice.session:
            self.practice.on_pause_button_clicked()
        else:
            self.go_home()

    def on_lookup_action_triggered(self) -> None:
        self._focus_before_lookup = self.focusWidget()
        self.lookup.show()
        self.lookup.raise_()
        self.lookup.focus_search()

    def on_lookup_code_chosen(self, code: str) -> None:
        if self.pages.currentWidget() is self.practice and self.practice.session:
            self.practice.current_editor.insert_code(code)
            self.statusBar().showMessage(self.tr("{code} put into your answer").format(code=code), 4000)
            self.practice.current_editor.focus_first()
        else:
            self.statusBar().showMessage(self.tr("Open a question to put {code} into an answer").format(code=code), 4000)

    def on_import_action_triggered(self) -> None:
        if self.import_dialog is None:
            self.import_dialog = ImportDialog(self.bank, self)
            self.import_dialog.imported.connect(self.on_catalog_imported)
        self.import_dialog.open()
        self.import_dialog.raise_()
        self.import_dialog.activateWindow()

    def on_catalog_imported(self, summary) -> None:
        """A catalog import finished: the lookup panel and the offer see the new codes."""
        self.statusBar().showMessage(summary.message, 10000)
        self.icd_offer.refresh()
        self.lookup.load_tree()
        if self.lookup.search.text().strip():
            self.lookup.on_debounce_timeout()

    def stop_imports(self) -> None:
        """Cancel running imports (they roll back) and wait for them, before closing."""
        from PySide6.QtCore import QThreadPool

        jobs = [x.job for x in (self.import_dialog, self.icd_offer) if x is not None and x.running]
        for job in jobs:
            job.cancel()
        if jobs:
            QThreadPool.globalInstance().waitForDone(10000)

    def on_keys_action_triggered(self) -> None:
        QMessageBox.information(
            self, self.tr("Keyboard shortcuts"),
            self.tr(
                "Ctrl+Enter  submit the answer\n"
                "Alt+Right / Alt+Left  next / previous question\n"
                "Ctrl+P  pause the session · Ctrl+E  finish it\n"
                "Ctrl+K  look up a code; Enter puts it into the answer\n"
                "Ctrl+I  import codes into the catalog\n"
                "Enter  add a claim line · Delete  remove one\n"
                "1–4  choose an option · Space  toggle right/wrong in an audit\n"
                "Ctrl+plus / Ctrl+minus  zoom the note · Ctrl+H  home"
            ),
        )
