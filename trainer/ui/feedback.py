"""What the learner sees after Submit: score, each line's match, the key, the rationale."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from trainer.ui import theme
from trainer.ui.models import FeedbackModel, line_text, percent
from trainer.ui.widgets import setup_table


def expected_html(question: dict, response=None) -> str:
    """The expected answer for any question type, in our own words."""
    kind = question.get("type")
    out: list[str] = []
    if kind == "case":
        answer = question.get("answer") or {}
        items = []
        for line in answer.get("lines") or []:
            text = line_text(line)
            extra = ""
            if isinstance(line, dict):
                if line.get("optional"):
                    extra += " <i>(optional)</i>"
                if line.get("rationale"):
                    extra += f" — {html.escape(line['rationale'])}"
            items.append(f"<li><b><code>{html.escape(text)}</code></b>{extra}</li>")
        out.append("<ul style='margin:0'>" + "".join(items) + "</ul>")
        alts = answer.get("alternatives") or []
        for alt in alts:
            out.append("<p style='margin:2px 0'>Also accepted: <code>"
                       + html.escape(", ".join(line_text(x) for x in alt)) + "</code></p>")
        if answer.get("icd10"):
            out.append("<p style='margin:2px 0'>Diagnoses: <code>"
                       + html.escape(" ".join(answer["icd10"])) + "</code></p>")
    elif kind == "choice":
        chosen = set(response or [])
        items = []
        for i, opt in enumerate(question.get("options") or []):
            mark = "✔" if opt.get("correct") else "✘" if i in chosen else "·"
            you = " <i>(your choice)</i>" if i in chosen else ""
            fb = f" — {html.escape(opt['feedback'])}" if opt.get("feedback") and (opt.get("correct") or i in chosen) else ""
            weight = "b" if opt.get("correct") else "span"
            items.append(f"<li>{mark} {i + 1}. <{weight}>{html.escape(str(opt.get('text', '')))}</{weight}>{you}{fb}</li>")
        out.append("<ul style='margin:0; list-style:none'>" + "".join(items) + "</ul>")
    elif kind == "em_level":
        key = question.get("key") or {}
        bits = [f"<b><code>{html.escape(str(key.get('code', '')))}</code></b>"]
        for name in ("problems", "data", "risk"):
            if key.get(name):
                bits.append(f"{name}: {html.escape(str(key[name]))}")
        if key.get("minutes"):
            bits.append(f"time: {key['minutes']} min")
        if key.get("basis"):
            bits.append(f"level set by {'time' if key['basis'] == 'time' else 'MDM'}")
        out.append("<p style='margin:0'>" + " · ".join(bits) + "</p>")
    elif kind == "audit":
        items = []
        for c in question.get("claim") or []:
            if c.get("correct"):
                verdict = "right as coded"
            elif c.get("correction"):
                verdict = f"wrong → <b><code>{html.escape(str(c['correction']))}</code></b>"
            else:
                verdict = "wrong → delete the line"
            why = f" — {html.escape(c['explanation'])}" if c.get("explanation") else ""
            items.append(f"<li><code>{html.escape(str(c.get('line', '')))}</code>: {verdict}{why}</li>")
        out.append("<ul style='margin:0'>" + "".join(items) + "</ul>")
    return "\n".join(out)


def paragraphs_html(text: str) -> str:
    """Plain text to HTML: a blank line starts a paragraph, single line breaks are spaces."""
    paras = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "".join(f"<p style='margin:0 0 6px 0'>{html.escape(p)}</p>" for p in paras if p)


class ReportDialog:
    """Ask the learner what is wrong with a question (monkeypatch ``ask`` in tests)."""

    @classmethod
    def ask(cls, parent: QWidget) -> str | None:
        text, ok = QInputDialog.getMultiLineText(
            parent,
            parent.tr("Report this question"),
            parent.tr("What is wrong or unclear? Your instructor will see this comment."),
        )
        return text.strip() if ok and text.strip() else None


class FeedbackView(QWidget):
    """The graded answer. ``report_requested(comment)`` when the learner reports the question."""

    report_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.score = QLabel(self)
        self.score.setProperty("role", "score")
        self.score.setAccessibleName(self.tr("Score"))
        self.verdict = QLabel(self)
        self.verdict.setProperty("role", "heading")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = FeedbackModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        setup_table(self.table, stretch=4)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setAccessibleName(self.tr("Graded lines"))

        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.report_button = QPushButton(self.tr("Report this &question…"), self)
        self.report_button.setAccessibleName(self.tr("Report this question"))
        self.report_button.clicked.connect(self.on_report_button_clicked)
        self.reported = QLabel(self)
        self.reported.setProperty("role", "muted")

        top = QHBoxLayout()
        top.addWidget(self.score)
        col = QVBoxLayout()
        col.addWidget(self.verdict)
        col.addWidget(self.summary)
        top.addLayout(col, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.table)
        lay.addWidget(self.details)
        lay.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reported, 1)
        bottom.addWidget(self.report_button)
        lay.addLayout(bottom)
        self.question: dict | None = None

    def show_result(self, question: dict, result: dict, response=None) -> None:
        self.question = question
        score = float(result.get("score") or 0)
        self.score.setText(percent(score))
        if score >= 0.999:
            kind, words = "exact", self.tr("Correct")
        elif score > 0:
            kind, words = "partial", self.tr("Partly right")
        else:
            kind, words = "missing", self.tr("Not right yet")
        color = theme.match_foreground(kind)
        self.score.setStyleSheet(f"color: {color.name()}" if color else "")
        self.verdict.setText(f"{theme.match_symbol(kind)} {words}")
        summary = result.get("summary") or ""
        problems = [str(p) for p in result.get("problems") or [] if str(p) not in summary]
        self.summary.setText("\n".join([summary, *problems]).strip())
        self.model.set_result(result)
        self.table.setVisible(self.model.rowCount() > 0)
        self.fit_table()
        rationale = question.get("rationale") or ""
        head = "#9cc0f5" if theme.is_dark() else "#23538f"
        parts = [f"<h4 style='color:{head}; margin:6px 0 2px 0'>{self.tr('Expected answer')}</h4>",
                 expected_html(question, response)]
        if rationale:
            parts.append(f"<h4 style='color:{head}; margin:8px 0 2px 0'>{self.tr('Why')}</h4>")
            parts.append(paragraphs_html(rationale))
        self.details.setText("\n".join(parts))
        self.reported.clear()
        self.report_button.setEnabled(True)

    def fit_table(self) -> None:
        """Rows sized to their text and the table to its rows: the page scrolls, not the table."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        from PySide6.QtWidgets import QHeaderView

        for c in (0, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        cap = max(120, self.width() // 5)
        for c in (1, 2):  # long choice texts wrap instead of pushing the explanation away
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            wanted = max(self.table.sizeHintForColumn(c) + 12, header.sectionSizeHint(c))
            header.resizeSection(c, min(wanted, cap))
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        height = header.height() + 2 * self.table.frameWidth()
        for r in range(self.model.rowCount()):
            height += self.table.rowHeight(r)
        self.table.setFixedHeight(height + 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.model.rowCount():
            self.table.resizeRowsToContents()
            self.fit_table()

    def on_report_button_clicked(self) -> None:
        comment = ReportDialog.ask(self)
        if comment:
            self.report_requested.emit(comment)

    def mark_reported(self) -> None:
        self.reported.setText(self.tr("Thank you: your report was saved for the instructor."))
        self.report_button.setEnabled(False)
