"""Small shared widgets: the clinical-note view and table helpers."""

from __future__ import annotations

import html
import re

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTextBrowser

from trainer.ui import theme

_LIST_ITEM = re.compile(r"^([-•*]|\d+[.)])\s")
_HEADING = re.compile(r"^\s*([A-Z][A-Z0-9 /&()'.-]{2,40}):\s*(.*)$")


def note_html(text: str, title: str = "", prompt: str = "") -> str:
    """A scenario as a clinical note: ``HISTORY: ...`` lines become section headings."""
    dark = theme.is_dark()
    head = "#9cc0f5" if dark else "#23538f"
    muted = "#a7b0ba" if dark else "#5d6873"
    parts = []
    if title:
        parts.append(f"<h2 style='margin:0 0 6px 0'>{html.escape(title)}</h2>")
    paragraph: list[str] = []

    def flush():
        if paragraph:
            # Hard-wrapped lines flow together; list items keep their own line.
            text = paragraph[0]
            for line in paragraph[1:]:
                text += ("<br>" if _LIST_ITEM.match(line) else " ") + line
            parts.append("<p style='margin:0 0 8px 0'>" + text + "</p>")
            paragraph.clear()

    for raw in (text or "").splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        m = _HEADING.match(line)
        if m and m.group(1).upper() == m.group(1):
            flush()
            heading = m.group(1).strip().capitalize()
            parts.append(
                f"<h4 style='color:{head}; margin:10px 0 2px 0; letter-spacing:0.5px'>"
                f"{html.escape(heading.upper())}</h4>"
            )
            if m.group(2).strip():
                paragraph.append(html.escape(m.group(2).strip()))
        else:
            paragraph.append(html.escape(line.strip()))
    flush()
    if prompt:
        parts.append(
            f"<hr><p style='color:{muted}; margin-top:6px'><b>Task:</b> {html.escape(prompt)}</p>"
        )
    return "\n".join(parts)


class NoteView(QTextBrowser):
    """The scenario, readable like a clinical note; Ctrl+plus / Ctrl+minus zoom."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("scenario")
        self.setOpenLinks(False)
        self.setFont(theme.note_font())
        self.setAccessibleName(self.tr("Scenario"))
        self.zoom_steps = 0
        self._text = ("", "", "")

    def zoom(self, step: int) -> None:
        if step == 0:
            self.zoomIn(-self.zoom_steps)
            self.zoom_steps = 0
            return
        if -4 <= self.zoom_steps + step <= 10:
            self.zoom_steps += step
            self.zoomIn(step)

    def show_note(self, scenario: str, title: str = "", prompt: str = "") -> None:
        self._text = (scenario, title, prompt)
        self.setHtml(note_html(scenario, title, prompt))


def setup_table(view: QTableView, stretch: int | None = None) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    if stretch is not None:
        for c in range(view.model().columnCount()):
            mode = QHeaderView.ResizeMode.Stretch if c == stretch else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(c, mode)
