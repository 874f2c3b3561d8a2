"""Home: who is practising, the quizzes, and the filters that build a practice set."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from trainer.ui.models import TYPE_LABELS, QuizTableModel
from trainer.ui.widgets import setup_table


class NewLearnerDialog:
    """Ask for a learner's name (monkeypatch ``ask`` in tests)."""

    @classmethod
    def ask(cls, parent: QWidget) -> str | None:
        name, ok = QInputDialog.getText(
            parent, parent.tr("New learner"),
            parent.tr("Your name (several people can share this computer; no password):"),
        )
        return name.strip() if ok and name.strip() else None


class HomePage(QWidget):
    """``start_requested(question_ids)``, ``resume_requested(session_id)``, ``learner_changed(id)``."""

    start_requested = Signal(list)
    resume_requested = Signal(int)
    learner_changed = Signal(int)
    error = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bank = None
        title = QLabel(self.tr("CPT Trainer"), self)
        title.setProperty("role", "title")
        subtitle = QLabel(self.tr("Practise coding cases: CPT, HCPCS Level II, modifiers, units and ICD-10-CM."), self)
        subtitle.setProperty("role", "muted")

        self.learner_combo = QComboBox(self)
        self.learner_combo.setAccessibleName(self.tr("Learner"))
        self.learner_combo.setMinimumWidth(220)
        self.new_learner_button = QPushButton(self.tr("&New learner…"), self)
        self.new_learner_button.setAccessibleName(self.tr("New learner"))
        learner_label = QLabel(self.tr("&Learner:"), self)
        learner_label.setBuddy(self.learner_combo)

        self.resume_label = QLabel(self)
        self.resume_label.setProperty("role", "banner")
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("&Resume"), self)
        self.resume_button.setProperty("role", "primary")
        self.resume_button.setAccessibleName(self.tr("Resume unfinished session"))
        self.discard_button = QPushButton(self.tr("End it"), self)
        self.discard_button.setAccessibleName(self.tr("End unfinished session"))
        self.resume_box = QWidget(self)
        rb = QHBoxLayout(self.resume_box)
        rb.setContentsMargins(0, 0, 0, 0)
        rb.addWidget(self.resume_label, 1)
        rb.addWidget(self.resume_button)
        rb.addWidget(self.discard_button)
        self.resume_box.setVisible(False)
        self.unfinished: dict | None = None

        self.quiz_model = QuizTableModel(self)
        self.quiz_table = QTableView(self)
        self.quiz_table.setModel(self.quiz_model)
        setup_table(self.quiz_table, stretch=0)
        self.quiz_table.setAccessibleName(self.tr("Quizzes"))
        quizzes_label = QLabel(self.tr("&Quizzes"), self)
        quizzes_label.setProperty("role", "heading")
        quizzes_label.setBuddy(self.quiz_table)

        self.category_combo = QComboBox(self)
        self.category_combo.setAccessibleName(self.tr("Category"))
        self.difficulty_combo = QComboBox(self)
        self.difficulty_combo.setAccessibleName(self.tr("Difficulty"))
        for text, value in ((self.tr("Any"), None), (self.tr("Easy"), 1), (self.tr("Medium"), 2), (self.tr("Hard"), 3)):
            self.difficulty_combo.addItem(text, value)
        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName(self.tr("Question kind"))
        self.type_combo.addItem(self.tr("Any"), None)
        for kind, label in TYPE_LABELS.items():
            self.type_combo.addItem(self.tr(label), kind)
        self.unseen_check = QCheckBox(self.tr("Only questions I have not seen"), self)
        self.missed_check = QCheckBox(self.tr("Only questions I missed before"), self)
        self.shuffle_check = QCheckBox(self.tr("Shuffle"), self)
        self.shuffle_check.setChecked(True)
        self.count_spin = QSpinBox(self)
        self.count_spin.setRange(1, 200)
        self.count_spin.setValue(10)
        self.count_spin.setAccessibleName(self.tr("Number of questions"))
        self.match_label = QLabel(self)
        self.match_label.setProperty("role", "muted")
        self.start_button = QPushButton(self.tr("&Start practice"), self)
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName(self.tr("Start practice"))
        self.start_button.setDefault(True)

        filters = QGroupBox(self.tr("Build a practice set"), self)
        form = QFormLayout(filters)
        form.addRow(self.tr("&Category"), self.category_combo)
        form.addRow(self.tr("&Difficulty"), self.difficulty_combo)
        form.addRow(self.tr("&Kind"), self.type_combo)
        form.addRow("", self.unseen_check)
        form.addRow("", self.missed_check)
        form.addRow(self.tr("&Questions"), self.count_spin)
        form.addRow("", self.shuffle_check)
        form.addRow("", self.match_label)
        form.addRow("", self.start_button)

        top = QHBoxLayout()
        tl = QVBoxLayout()
        tl.addWidget(title)
        tl.addWidget(subtitle)
        top.addLayout(tl, 1)
        top.addWidget(learner_label)
        top.addWidget(self.learner_combo)
        top.addWidget(self.new_learner_button)

        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(quizzes_label)
        left.addWidget(self.quiz_table, 1)
        body.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(filters)
        right.addStretch(1)
        body.addLayout(right, 2)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 18, 24, 18)
        lay.setSpacing(12)
        lay.addLayout(top)
        lay.addWidget(self.resume_box)
        lay.addLayout(body, 1)

        for a, b in ((self.learner_combo, self.new_learner_button), (self.new_learner_button, self.resume_button),
                     (self.resume_button, self.discard_button), (self.discard_button, self.quiz_table),
                     (self.quiz_table, self.category_combo), (self.category_combo, self.difficulty_combo),
                     (self.difficulty_combo, self.type_combo), (self.type_combo, self.unseen_check),
                     (self.unseen_check, self.missed_check), (self.missed_check, self.count_spin),
                     (self.count_spin, self.shuffle_check), (self.shuffle_check, self.start_button)):
            self.setTabOrder(a, b)

        self.learner_combo.currentIndexChanged.connect(self.on_learner_combo_currentIndexChanged)
        self.new_learner_button.clicked.connect(self.on_new_learner_button_clicked)
        self.start_button.clicked.connect(self.on_start_button_clicked)
        self.resume_button.clicked.connect(self.on_resume_button_clicked)
        self.discard_button.clicked.connect(self.on_discard_button_clicked)
        self.quiz_table.activated.connect(lambda *_: self.on_start_button_clicked())
        for combo in (self.category_combo, self.difficulty_combo, self.type_combo):
            combo.currentIndexChanged.connect(self.update_match_count)
        for check in (self.unseen_check, self.missed_check):
            check.toggled.connect(self.update_match_count)
        self._updating = False

    def add_banner(self, widget: QWidget) -> None:
        """Show ``widget`` (e.g. the ICD-10-CM offer) under the title row."""
        self.layout().insertWidget(1, widget)

    # ------------------------------------------------------------------ data

    @property
    def learner_id(self) -> int | None:
        return self.learner_combo.currentData()

    @property
    def selected_quiz_id(self) -> str | None:
        rows = self.quiz_table.selectionModel().selectedRows() if self.quiz_table.selectionModel() else []
        return self.quiz_model.data(rows[0], Qt.ItemDataRole.UserRole) if rows else None

    def set_bank(self, bank, learner_id: int | None = None) -> None:
        self.bank = bank
        self._updating = True
        try:
            self.category_combo.clear()
            self.category_combo.addItem(self.tr("Any"), None)
            for cat in bank.categories():
                self.category_combo.addItem(cat, cat)
            self.reload_learners(learner_id)
        finally:
            self._updating = False
        self.refresh()

    def reload_learners(self, select: int | None = None) -> None:
        block = self.learner_combo.blockSignals(True)
        self.learner_combo.clear()
        for learner in self.bank.learners():
            self.learner_combo.addItem(learner["name"], learner["id"])
        i = self.learner_combo.findData(select) if select is not None else 0
        self.learner_combo.setCurrentIndex(max(i, 0) if self.learner_combo.count() else -1)
        self.learner_combo.blockSignals(block)

    def refresh(self) -> None:
        """Re-read quizzes, best scores and unfinished sessions for the current learner."""
        if self.bank is None:
            return
        selected = self.selected_quiz_id
        lid = self.learner_id
        best = self.bank.best_scores(lid) if lid is not None else {}
        self.quiz_model.set_quizzes(self.bank.list_quizzes(), best)
        row = 0
        for r in range(self.quiz_model.rowCount()):
            if self.quiz_model.data(self.quiz_model.index(r, 0), Qt.ItemDataRole.UserRole) == selected:
                row = r
        self.quiz_table.selectionModel().select(
            self.quiz_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.quiz_table.setCurrentIndex(self.quiz_model.index(row, 0))
        self.quiz_table.selectionModel().selectionChanged.connect(self.update_match_count)
        has_learner = lid is not None
        self.unseen_check.setEnabled(has_learner)
        self.missed_check.setEnabled(has_learner)
        self.refresh_resume()
        self.update_match_count()

    def refresh_resume(self) -> None:
        lid = self.learner_id
        sessions = self.bank.unfinished_sessions(lid) if (self.bank and lid is not None) else []
        self.unfinished = sessions[0] if sessions else None
        if not self.unfinished:
            self.resume_box.setVisible(False)
            return
        s = self.unfinished
        n = len(s["question_ids"])
        answered = sum(1 for q in s["question_ids"] if q in s["attempts"])
        started = (s.get("started_at") or "")[:16].replace("T", " ")
        self.resume_label.setText(
            self.tr("You have an unfinished session from {when}: question {pos} of {n}, {a} answered. "
                    "Pick up where you stopped?").format(when=started, pos=int(s.get("position") or 0) + 1, n=n, a=answered)
        )
        self.resume_box.setVisible(True)

    def filters(self) -> dict:
        cat = self.category_combo.currentData()
        diff = self.difficulty_combo.currentData()
        kind = self.type_combo.currentData()
        lid = self.learner_id
        return {
            "quiz_id": self.selected_quiz_id,
            "categories": [cat] if cat else None,
            "difficulties": [diff] if diff else None,
            "types": [kind] if kind else None,
            "learner_id": lid,
            "unseen": self.unseen_check.isChecked() and lid is not None,
            "missed": self.missed_check.isChecked() and lid is not None,
        }

    def matching_ids(self) -> list[str]:
        return self.bank.find_questions(**self.filters()) if self.bank else []

    def update_match_count(self, *_):
        if self._updating or self.bank is None:
            return
        try:
            n = len(self.matching_ids())
        except Exception as exc:  # noqa: BLE001
            self.error.emit(exc)
            return
        take = min(n, self.count_spin.value())
        if n == 0:
            self.match_label.setText(self.tr("No question matches these filters."))
        else:
            self.match_label.setText(self.tr("{n} questions match; the set will have {k}.").format(n=n, k=take))
        self.start_button.setEnabled(n > 0)

    # ------------------------------------------------------------------ slots

    def on_learner_combo_currentIndexChanged(self, _index: int) -> None:
        if self._updating:
            return
        self.refresh()
        if self.learner_id is not None:
            self.learner_changed.emit(self.learner_id)

    def on_new_learner_button_clicked(self) -> None:
        name = NewLearnerDialog.ask(self)
        if not name:
            return
        try:
            lid = self.bank.create_learner(name)
        except Exception as exc:  # noqa: BLE001
            self.error.emit(exc)
            return
        self.reload_learners(lid)
        self.on_learner_combo_currentIndexChanged(self.learner_combo.currentIndex())

    def on_start_button_clicked(self) -> None:
        if self.bank is None:
            return
        if self.learner_id is None:
            self.on_new_learner_button_clicked()
            if self.learner_id is None:
                return
        try:
            f = self.filters()
            ids = self.bank.find_questions(**f, limit=self.count_spin.value(),
                                           shuffle=self.shuffle_check.isChecked())
        except Exception as exc:  # noqa: BLE001
            self.error.emit(exc)
            return
        if not ids:
            self.match_label.setText(self.tr("No question matches these filters."))
            return
        self.start_requested.emit(ids)

    def on_resume_button_clicked(self) -> None:
        if self.unfinished:
            self.resume_requested.emit(int(self.unfinished["id"]))

    def on_discard_button_clicked(self) -> None:
        if self.unfinished:
            try:
                self.bank.finish_session(self.unfinished["id"])
            except Exception as exc:  # noqa: BLE001
                self.error.emit(exc)
                return
            self.refresh_resume()
