"""A practice session: the scenario on the left, the answer on the right, feedback on Submit."""

from __future__ import annotations

import time

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from trainer.ui.editors import EDITORS, AnswerEditor, CaseEditor, ChoiceEditor
from trainer.ui.feedback import FeedbackView
from trainer.ui.models import type_label
from trainer.ui.widgets import NoteView

AUTOSAVE_MS = 20_000


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class PracticePage(QWidget):
    """``finished(session_id)`` at the end; ``paused()`` when the learner steps away."""

    finished = Signal(int)
    paused = Signal()
    graded = Signal(dict)
    error = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bank = None
        self.session: dict | None = None
        self.index = 0
        self.questions: dict[str, dict] = {}
        self.attempts: dict[str, dict] = {}
        self._base_elapsed = 0.0
        self._clock = QElapsedTimer()
        self._question_started = time.monotonic()

        # --- session bar
        bar = QFrame(self)
        bar.setObjectName("sessionBar")
        self.position_label = QLabel(bar)
        self.position_label.setProperty("role", "heading")
        self.position_label.setAccessibleName(self.tr("Position in session"))
        self.progress = QProgressBar(bar)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.setAccessibleName(self.tr("Questions answered"))
        self.elapsed_label = QLabel("00:00", bar)
        self.elapsed_label.setProperty("role", "muted")
        self.elapsed_label.setAccessibleName(self.tr("Elapsed time"))
        self.prev_button = QPushButton(self.tr("← Previous"), bar)
        self.prev_button.setToolTip(self.tr("Previous question (Alt+Left)"))
        self.next_button = QPushButton(self.tr("Next →"), bar)
        self.next_button.setToolTip(self.tr("Next question (Alt+Right)"))
        self.pause_button = QPushButton(self.tr("Pause"), bar)
        self.pause_button.setToolTip(self.tr("Pause and come back later (Ctrl+P)"))
        self.finish_button = QPushButton(self.tr("Finish"), bar)
        self.finish_button.setToolTip(self.tr("End the session and see the results (Ctrl+E)"))
        for b, name in ((self.prev_button, "Previous question"), (self.next_button, "Next question"),
                        (self.pause_button, "Pause session"), (self.finish_button, "Finish session")):
            b.setAccessibleName(self.tr(name))
        bl = QHBoxLayout(bar)
        bl.setContentsMargins(14, 8, 14, 8)
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self.position_label)
        left.addWidget(self.progress)
        bl.addLayout(left, 1)
        bl.addSpacing(12)
        bl.addWidget(self.elapsed_label)
        bl.addSpacing(12)
        for b in (self.prev_button, self.next_button, self.pause_button, self.finish_button):
            bl.addWidget(b)

        # --- scenario
        self.note = NoteView(self)

        # --- answer side
        self.kind_label = QLabel(self)
        self.kind_label.setProperty("role", "muted")
        self.editors: dict[str, AnswerEditor] = {}
        self.editor_stack = QStackedWidget(self)
        for kind, cls in EDITORS.items():
            ed = cls(self.editor_stack)
            self.editors[kind] = ed
            self.editor_stack.addWidget(ed)
        self.submit_button = QPushButton(self.tr("Submit"), self)
        self.submit_button.setProperty("role", "primary")
        self.submit_button.setToolTip(self.tr("Grade this answer (Ctrl+Enter)"))
        self.submit_button.setAccessibleName(self.tr("Submit answer"))
        self.notice = QLabel(self)
        self.notice.setProperty("role", "muted")
        self.notice.setWordWrap(True)
        answer = QWidget(self)
        al = QVBoxLayout(answer)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.kind_label)
        al.addWidget(self.editor_stack, 1)
        row = QHBoxLayout()
        row.addWidget(self.notice, 1)
        row.addWidget(self.submit_button)
        al.addLayout(row)

        self.feedback = FeedbackView(self)
        self.feedback_scroll = QScrollArea(self)
        self.feedback_scroll.setWidgetResizable(True)
        self.feedback_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.feedback.setObjectName("scrollContent")
        self.feedback_scroll.setWidget(self.feedback)
        self.feedback_scroll.setVisible(False)

        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.addWidget(answer)
        self.right.addWidget(self.feedback_scroll)
        self.right.setStretchFactor(0, 2)
        self.right.setStretchFactor(1, 3)
        self.right.setChildrenCollapsible(False)

        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.note)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(0, 5)
        self.split.setStretchFactor(1, 6)
        self.split.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(bar)
        body = QVBoxLayout()
        body.setContentsMargins(14, 12, 14, 12)
        body.addWidget(self.split)
        lay.addLayout(body, 1)

        # --- behaviour
        self.prev_button.clicked.connect(self.on_prev_button_clicked)
        self.next_button.clicked.connect(self.on_next_button_clicked)
        self.pause_button.clicked.connect(self.on_pause_button_clicked)
        self.finish_button.clicked.connect(self.on_finish_button_clicked)
        self.submit_button.clicked.connect(self.on_submit_button_clicked)
        self.feedback.report_requested.connect(self.on_feedback_report_requested)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self.on_tick_timeout)
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_state)

        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.shortcuts: list[QShortcut] = []

        def shortcut(seq, slot):
            sc = QShortcut(QKeySequence(seq), self, context=ctx)
            sc.activated.connect(slot)
            self.shortcuts.append(sc)
            return sc

        shortcut("Ctrl+Return", self.on_submit_button_clicked)
        shortcut("Ctrl+Enter", self.on_submit_button_clicked)
        shortcut("Alt+Right", self.on_next_button_clicked)
        shortcut("Alt+Left", self.on_prev_button_clicked)
        shortcut("Ctrl+P", self.on_pause_button_clicked)
        shortcut("Ctrl+E", self.on_finish_button_clicked)
        shortcut(QKeySequence.StandardKey.ZoomIn, lambda: self.note.zoom(1))
        shortcut("Ctrl+=", lambda: self.note.zoom(1))
        shortcut(QKeySequence.StandardKey.ZoomOut, lambda: self.note.zoom(-1))
        shortcut("Ctrl+0", lambda: self.note.zoom(0))
        self.digit_shortcuts = [
            shortcut(str(n), lambda n=n: self.choice_editor.choose(n)) for n in range(1, 10)
        ]
        self.setTabOrder(self.note, self.editor_stack)

    # ------------------------------------------------------------------ helpers

    @property
    def choice_editor(self) -> ChoiceEditor:
        return self.editors["choice"]  # type: ignore[return-value]

    @property
    def case_editor(self) -> CaseEditor:
        return self.editors["case"]  # type: ignore[return-value]

    @property
    def question_ids(self) -> list[str]:
        return self.session["question_ids"] if self.session else []

    @property
    def current_question(self) -> dict | None:
        if not self.session:
            return None
        return self.question(self.question_ids[self.index])

    @property
    def current_editor(self) -> AnswerEditor:
        return self.editor_stack.currentWidget()  # type: ignore[return-value]

    def question(self, qid: str) -> dict:
        if qid not in self.questions:
            self.questions[qid] = self.bank.get_question(qid)
        return self.questions[qid]

    def elapsed(self) -> float:
        running = self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0
        return self._base_elapsed + running

    # ------------------------------------------------------------------ session

    def start(self, bank, session_id: int) -> None:
        """Show session ``session_id`` at its saved position (a resumed session keeps its answers)."""
        self.bank = bank
        self.session = bank.get_session(session_id)
        self.questions = {}
        self.attempts = dict(self.session.get("attempts") or {})
        self._base_elapsed = float(self.session.get("elapsed_seconds") or 0.0)
        self._clock.start()
        n = len(self.question_ids)
        self.progress.setRange(0, max(n, 1))
        position = int(self.session.get("position") or 0)
        self.tick.start()
        self.autosave.start()
        self.show_question(min(max(position, 0), n - 1))

    def stop_clock(self) -> None:
        if self._clock.isValid():
            self._base_elapsed = self.elapsed()
            self._clock.invalidate()
        self.tick.stop()
        self.autosave.stop()

    def save_state(self) -> None:
        if self.session and self.bank:
            self.bank.save_session_state(self.session["id"], position=self.index,
                                         elapsed_seconds=self.elapsed())

    def show_question(self, index: int) -> None:
        if not self.session:
            return
        self.index = index
        qid = self.question_ids[index]
        q = self.question(qid)
        n = len(self.question_ids)
        self.position_label.setText(self.tr("Question {i} of {n}").format(i=index + 1, n=n))
        self.progress.setValue(sum(1 for x in self.question_ids if x in self.attempts))
        self.prev_button.setEnabled(index > 0)
        self.next_button.setText(self.tr("Next →") if index < n - 1 else self.tr("Results →"))
        self.note.show_note(q.get("scenario", ""), q.get("title", ""), q.get("prompt", ""))
        kind = q.get("type", "case")
        editor = self.editors.get(kind, self.editors["case"])
        self.editor_stack.setCurrentWidget(editor)
        editor.load(q)
        self.kind_label.setText(self.tr(type_label(kind)) + self._tags_text(q))
        for sc in self.digit_shortcuts:
            sc.setEnabled(kind == "choice")
        attempt = self.attempts.get(qid)
        self.notice.clear()
        if attempt:
            editor.set_response(attempt.get("response"))
            editor.set_read_only(True)
            self.submit_button.setEnabled(False)
            self._show_feedback(q, attempt.get("result") or {}, attempt.get("response"))
        else:
            editor.set_read_only(False)
            self.submit_button.setEnabled(True)
            self.feedback_scroll.setVisible(False)
            editor.focus_first()
        self._question_started = time.monotonic()
        self.save_state()

    def _tags_text(self, q: dict) -> str:
        tags = q.get("tags") or []
        diff = {1: self.tr("easy"), 2: self.tr("medium"), 3: self.tr("hard")}.get(q.get("difficulty"))
        bits = [", ".join(tags)] if tags else []
        if diff:
            bits.append(diff)
        return ("  ·  " + "  ·  ".join(bits)) if bits else ""

    def _show_feedback(self, q: dict, result: dict, response) -> None:
        self.feedback.show_result(q, result, response)
        self.feedback_scroll.setVisible(True)
        total = sum(self.right.sizes()) or self.right.height()
        self.right.setSizes([int(total * 0.36), total - int(total * 0.36)])
        self.feedback_scroll.verticalScrollBar().setValue(0)

    # ------------------------------------------------------------------ slots

    def on_submit_button_clicked(self) -> None:
        if not self.session or not self.submit_button.isEnabled():
            return
        q = self.current_question
        editor = self.current_editor
        if getattr(editor, "is_empty", lambda: False)():
            self.notice.setText(self.tr("Give an answer first (or press Next to skip this question)."))
            editor.focus_first()
            return
        response = editor.response()
        try:
            result = self.bank.grade(q, response)
            seconds = time.monotonic() - self._question_started
            self.bank.record_attempt(self.session["id"], q["id"], response, result, seconds)
        except Exception as exc:  # noqa: BLE001 - shown to the learner in the one dialog
            self.error.emit(exc)
            return
        self.attempts[q["id"]] = {"response": response, "result": result,
                                  "score": float(result.get("score") or 0)}
        editor.set_read_only(True)
        self.submit_button.setEnabled(False)
        self.notice.clear()
        self.progress.setValue(sum(1 for x in self.question_ids if x in self.attempts))
        self._show_feedback(q, result, response)
        self.next_button.setFocus()
        self.save_state()
        self.graded.emit(result)

    def on_next_button_clicked(self) -> None:
        if not self.session:
            return
        if self.index < len(self.question_ids) - 1:
            self.show_question(self.index + 1)
        else:
            self.on_finish_button_clicked()

    def on_prev_button_clicked(self) -> None:
        if self.session and self.index > 0:
            self.show_question(self.index - 1)

    def on_pause_button_clicked(self) -> None:
        if not self.session:
            return
        self.stop_clock()
        self.save_state()
        self.session = None
        self.paused.emit()

    def on_finish_button_clicked(self) -> None:
        if not self.session:
            return
        self.stop_clock()
        self.save_state()
        session_id = self.session["id"]
        try:
            self.bank.finish_session(session_id)
        except Exception as exc:  # noqa: BLE001
            self.error.emit(exc)
            return
        self.session = None
        self.finished.emit(session_id)

    def on_tick_timeout(self) -> None:
        self.elapsed_label.setText(format_elapsed(self.elapsed()))

    def on_feedback_report_requested(self, comment: str) -> None:
        q = self.current_question
        if not q or not self.session:
            return
        try:
            self.bank.report_question(self.session.get("learner_id"), q["id"], comment)
        except Exception as exc:  # noqa: BLE001
            self.error.emit(exc)
            return
        self.feedback.mark_reported()
