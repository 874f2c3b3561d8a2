"""End of session: the score, results by category, the questions missed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from trainer.ui import theme
from trainer.ui.models import CategoryModel, MissedModel, percent
from trainer.ui.practice import format_elapsed
from trainer.ui.widgets import setup_table


class SummaryPage(QWidget):
    """``again_requested(question_ids)`` for "Practise these again"; ``home_requested()``."""

    again_requested = Signal(list)
    home_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        heading = QLabel(self.tr("Session complete"), self)
        heading.setProperty("role", "title")
        self.score = QLabel(self)
        self.score.setProperty("role", "score")
        self.score.setAccessibleName(self.tr("Session score"))
        self.detail = QLabel(self)
        self.detail.setProperty("role", "muted")
        self.category_model = CategoryModel(self)
        self.category_table = QTableView(self)
        self.category_table.setModel(self.category_model)
        setup_table(self.category_table, stretch=0)
        self.category_table.setAccessibleName(self.tr("Results by category"))
        self.missed_model = MissedModel(self)
        self.missed_table = QTableView(self)
        self.missed_table.setModel(self.missed_model)
        setup_table(self.missed_table, stretch=0)
        self.missed_table.setAccessibleName(self.tr("Questions missed"))
        self.again_button = QPushButton(self.tr("&Practise these again"), self)
        self.again_button.setProperty("role", "primary")
        self.again_button.setAccessibleName(self.tr("Practise the missed questions again"))
        self.home_button = QPushButton(self.tr("&Home"), self)
        self.home_button.setAccessibleName(self.tr("Back to home"))

        top = QHBoxLayout()
        col = QVBoxLayout()
        col.addWidget(heading)
        col.addWidget(self.detail)
        top.addLayout(col, 1)
        top.addWidget(self.score)
        cats_label = QLabel(self.tr("By category"), self)
        cats_label.setProperty("role", "heading")
        self.missed_label = QLabel(self.tr("Questions missed"), self)
        self.missed_label.setProperty("role", "heading")
        tables = QHBoxLayout()
        a = QVBoxLayout()
        a.addWidget(cats_label)
        a.addWidget(self.category_table)
        b = QVBoxLayout()
        b.addWidget(self.missed_label)
        b.addWidget(self.missed_table)
        tables.addLayout(a, 1)
        tables.addLayout(b, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.home_button)
        buttons.addWidget(self.again_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 18, 24, 18)
        lay.setSpacing(12)
        lay.addLayout(top)
        lay.addLayout(tables, 1)
        lay.addLayout(buttons)
        self.setTabOrder(self.category_table, self.missed_table)
        self.setTabOrder(self.missed_table, self.home_button)
        self.setTabOrder(self.home_button, self.again_button)
        self.again_button.clicked.connect(self.on_again_button_clicked)
        self.home_button.clicked.connect(self.home_requested)
        self.missed_ids: list[str] = []

    def show_session(self, bank, session_id: int) -> None:
        summary = bank.session_summary(session_id)
        session = bank.get_session(session_id)
        score = float(summary.get("score") or 0)
        self.score.setText(percent(score))
        kind = "exact" if score >= 0.8 else "partial" if score >= 0.5 else "missing"
        color = theme.match_foreground(kind)
        self.score.setStyleSheet(f"color: {color.name()}" if color else "")
        self.detail.setText(
            self.tr("{a} of {n} questions answered · {t}").format(
                a=summary.get("answered", 0), n=summary.get("total", 0),
                t=format_elapsed(session.get("elapsed_seconds") or 0))
        )
        self.category_model.set_categories(summary["by_category"])
        rows = []
        for qid in summary.get("missed") or []:
            q = bank.get_question(qid)
            attempt = session["attempts"].get(qid)
            rows.append({"id": qid, "title": q.get("title") or qid, "type": q.get("type"),
                         "score": attempt["score"] if attempt else None})
        self.missed_model.set_rows(rows)
        self.missed_ids = [r["id"] for r in rows]
        self.again_button.setEnabled(bool(self.missed_ids))
        self.missed_label.setText(
            self.tr("Questions missed ({n})").format(n=len(rows)) if rows else self.tr("No question missed: well done")
        )
        (self.again_button if self.missed_ids else self.home_button).setFocus()

    def on_again_button_clicked(self) -> None:
        if self.missed_ids:
            self.again_requested.emit(list(self.missed_ids))
