"""The lookup panel (Ctrl+K): search the catalog as you type, or browse its tree.

Enter or double-click puts the code into the answer being typed (``code_chosen``).
Searches run on one background thread with its own connection to the bank file, 120 ms
after the last keystroke; a result older than the latest query is dropped.
"""

from __future__ import annotations

import threading

import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from trainer import catalog
from trainer.ui import theme
from trainer.ui.models import SearchResultsModel
from trainer.ui.worker import run_in_background

DEBOUNCE_MS = 120
RESULT_LIMIT = 60
SYSTEM_BADGES = {
    "cpt": ("CPT", "#2463c7", "#5b93e8"),
    "hcpcs": ("HCPCS", "#7a3fb0", "#b287e0"),
    "icd10cm": ("ICD-10-CM", "#17672e", "#5fc17a"),
    "modifier": ("Modifier", "#8a6200", "#e0b54a"),
}
CODE_ROLE = Qt.ItemDataRole.UserRole
NODE_ROLE = Qt.ItemDataRole.UserRole + 1
LOADED_ROLE = Qt.ItemDataRole.UserRole + 2

_local = threading.local()


def _thread_db(path: str) -> sqlite_utils.Database:
    """One read connection per worker thread and bank file."""
    cache = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    if path not in cache:
        cache[path] = sqlite_utils.Database(path)
    return cache[path]


def result_rows(rows: list[dict]) -> list[dict]:
    """Search rows with readable badges: system label and the most specific section."""
    out = []
    for r in rows:
        system = r.get("system") or ""
        section = r.get("family") or r.get("subsection") or r.get("section") or r.get("category") or ""
        out.append({**r, "system_key": system,
                    "system": SYSTEM_BADGES.get(system, (system,))[0],
                    "section": section})
    return out


class BadgeDelegate(QStyledItemDelegate):
    """Paints the System and Section columns as rounded badges (text stays the data)."""

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if not text:
            return super().paint(painter, option, index)
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        row = index.model().row(index.row()) if hasattr(index.model(), "row") else {}
        dark = theme.is_dark()
        if index.column() == 1:
            spec = SYSTEM_BADGES.get(row.get("system_key", ""), (text, "#5d6873", "#a7b0ba"))
            color = QColor(spec[2] if dark else spec[1])
        else:
            color = QColor("#8a939e" if dark else "#5d6873")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = option.fontMetrics
        rect = option.rect.adjusted(4, 4, -4, -4)
        width = min(fm.horizontalAdvance(text) + 14, rect.width())
        badge = rect.adjusted(0, 0, width - rect.width(), 0)
        fill = QColor(color)
        fill.setAlpha(40 if not dark else 70)
        painter.setPen(color)
        painter.setBrush(fill)
        painter.drawRoundedRect(badge, 8, 8)
        painter.setPen(QColor("#f1f3f5") if dark else color.darker(130))
        elided = fm.elidedText(text, Qt.TextElideMode.ElideRight, badge.width() - 10)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()


class _ChoosesOnEnter:
    """Enter on a row that holds a code emits ``chosen(code)``."""

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code = self.currentIndex().data(CODE_ROLE)
            if code:
                self.chosen.emit(code)
                return
        super().keyPressEvent(event)


class ResultsTable(_ChoosesOnEnter, QTableView):
    chosen = Signal(str)


class BrowseTree(_ChoosesOnEnter, QTreeView):
    chosen = Signal(str)


class SearchBox(QLineEdit):
    """Down arrow moves to the results; Enter chooses the first one."""

    down = Signal()
    enter = Signal()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit()
            return
        super().keyPressEvent(event)


class LookupPanel(QDockWidget):
    """``code_chosen(code)`` when the learner picks a code; ``results_ready`` after each search."""

    code_chosen = Signal(str)
    results_ready = Signal(str)

    def __init__(self, bank, parent=None):
        super().__init__(self.tr("Look up a code"), parent)
        self.bank = bank
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        body = QWidget(self)
        self.search = SearchBox(body)
        self.search.setPlaceholderText(self.tr("Code or words, e.g. 9921, knee injection, M17"))
        self.search.setAccessibleName(self.tr("Search the code catalog"))
        self.search.setClearButtonEnabled(True)
        self.status = QLabel(body)
        self.status.setProperty("role", "muted")
        self.model = SearchResultsModel(self)
        self.results = ResultsTable(body)
        self.results.setModel(self.model)
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        self.results.setAlternatingRowColors(True)
        self.results.setTabKeyNavigation(False)
        header = self.results.horizontalHeader()
        for c in range(2):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 150)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.results.setWordWrap(False)
        self.badges = BadgeDelegate(self.results)
        self.results.setItemDelegateForColumn(1, self.badges)
        self.results.setItemDelegateForColumn(2, self.badges)

        self.tree_model = QStandardItemModel(self)
        self.tree_model.setHorizontalHeaderLabels([self.tr("Catalog")])
        self.tree = BrowseTree(body)
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(self.tr("Browse the catalog"))
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)

        self.tabs = QTabWidget(body)
        self.tabs.addTab(self.results, self.tr("&Search results"))
        self.tabs.addTab(self.tree, self.tr("&Browse"))
        hint = QLabel(self.tr("Enter or double-click puts the code into your answer."), body)
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.search)
        lay.addWidget(self.status)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(hint)
        self.setWidget(body)
        self.setMinimumWidth(460)

        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.on_debounce_timeout)
        self._serial = 0
        self.last_query = ""
        self.search.textChanged.connect(self.on_search_textChanged)
        self.search.down.connect(self.on_search_down)
        self.search.enter.connect(self.on_search_enter)
        self.results.doubleClicked.connect(self.on_results_doubleClicked)
        self.results.chosen.connect(self.code_chosen)
        self.tree.doubleClicked.connect(self.on_tree_doubleClicked)
        self.tree.chosen.connect(self.code_chosen)
        self.tree.expanded.connect(self.on_tree_expanded)
        self._tree_loaded = False
        self.visibilityChanged.connect(self.on_lookup_visibilityChanged)

    # ------------------------------------------------------------------ search

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.results)
        self.search.setFocus()
        self.search.selectAll()

    def on_search_textChanged(self, _text: str) -> None:
        self.debounce.start()

    def on_debounce_timeout(self) -> None:
        query = self.search.text().strip()
        self._serial += 1
        serial = self._serial
        if not query:
            self.model.set_rows([])
            self.status.clear()
            self.last_query = ""
            self.results_ready.emit("")
            return
        self.status.setText(self.tr("Searching…"))
        path = str(self.bank.path) if self.bank.path else None
        if path is None:  # an in-memory bank cannot be shared with a thread
            self._show_results(serial, query, catalog.search(self.bank.db, query, limit=RESULT_LIMIT))
            return
        run_in_background(
            lambda: catalog.search(_thread_db(path), query, limit=RESULT_LIMIT),
            lambda rows: self._show_results(serial, query, rows),
            lambda exc: self._show_failure(serial, exc),
            pool=self.pool,
        )

    def _show_results(self, serial: int, query: str, rows: list[dict]) -> None:
        if serial != self._serial:
            return  # an older query; a newer one is on its way
        self.model.set_rows(result_rows(rows))
        self.last_query = query
        self.tabs.setCurrentWidget(self.results)
        if rows:
            self.results.setCurrentIndex(self.model.index(0, 0))
            self.status.setText((self.tr("1 code") if len(rows) == 1 else self.tr("{n} codes").format(n=len(rows))) if len(rows) < RESULT_LIMIT
                                else self.tr("First {n} codes; type more to narrow").format(n=len(rows)))
        else:
            self.status.setText(self.tr("No code matches “{q}”.").format(q=query))
        self.results_ready.emit(query)

    def _show_failure(self, serial: int, exc: BaseException) -> None:
        if serial != self._serial:
            return
        self.model.set_rows([])
        self.status.setText(self.tr("The search failed: {e}").format(e=exc))
        self.results_ready.emit(self.search.text().strip())

    def on_search_down(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(0, 0))

    def on_search_enter(self) -> None:
        if self.debounce.isActive():
            self.debounce.stop()
            self.on_debounce_timeout()
            return
        if self.model.rowCount():
            index = self.results.currentIndex()
            row = index.row() if index.isValid() else 0
            self.code_chosen.emit(self.model.row(row)["code"])

    def on_results_doubleClicked(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.code_chosen.emit(code)

    def complete(self, prefix: str) -> list[str]:
        """Codes starting with ``prefix`` for the answer table's completer (fast: index lookup)."""
        rows = catalog.search(self.bank.db, prefix, limit=15, systems=("cpt", "hcpcs"))
        return [r["code"] for r in rows if r.get("match") in ("exact", "prefix")]

    # ------------------------------------------------------------------ browse

    def on_lookup_visibilityChanged(self, visible: bool) -> None:
        if visible and not self._tree_loaded:
            self.load_tree()

    def load_tree(self) -> None:
        self._tree_loaded = True
        self.tree_model.removeRows(0, self.tree_model.rowCount())
        for node in catalog.browse(self.bank.db, None, counts=False):
            self.tree_model.appendRow(self._node_item(node))

    def _node_item(self, node: dict) -> QStandardItem:
        label = node["label"]
        if node.get("count") is not None:
            label = f"{label}  ({node['count']})"
        item = QStandardItem(label)
        item.setData(node["id"], NODE_ROLE)
        item.setData(False, LOADED_ROLE)
        item.setEditable(False)
        item.appendRow(QStandardItem(self.tr("Loading…")))  # placeholder: makes it expandable
        return item

    def on_tree_expanded(self, index: QModelIndex) -> None:
        item = self.tree_model.itemFromIndex(index)
        if item is None or item.data(LOADED_ROLE):
            return
        node_id = item.data(NODE_ROLE)
        item.setData(True, LOADED_ROLE)
        item.removeRows(0, item.rowCount())
        children = catalog.browse(self.bank.db, node_id, counts=False)
        if children:
            for child in children:
                item.appendRow(self._node_item(child))
            return
        for row in catalog.codes_under(self.bank.db, node_id, limit=500):
            leaf = QStandardItem(f"{row['code']}  {row.get('summary') or ''}".rstrip())
            leaf.setData(row["code"], CODE_ROLE)
            leaf.setEditable(False)
            leaf.setToolTip(row.get("summary") or "")
            item.appendRow(leaf)
        if not item.rowCount():
            empty = QStandardItem(self.tr("(no codes in this bank yet)"))
            empty.setEditable(False)
            empty.setEnabled(False)
            item.appendRow(empty)

    def on_tree_doubleClicked(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.code_chosen.emit(code)

    def shutdown(self) -> None:
        self.debounce.stop()
        self._serial += 1
        self.pool.waitForDone(2000)
