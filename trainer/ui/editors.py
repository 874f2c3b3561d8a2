"""Answer editors, one per question type. Each offers the same small interface:

    load(question)        show a fresh, empty editor for this question
    response()            the answer in the grader's shape
    set_response(r)       show an earlier answer (resume, previous)
    set_read_only(bool)   lock after submitting
    insert_code(code)     the lookup panel puts a code into the answer being typed
    focus_first()         where the keyboard starts
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from trainer.ui.models import AnswerLinesModel, AuditModel

CompletionSource = Callable[[str], list[str]]


def _label(text: str, role: str = "heading") -> QLabel:
    lab = QLabel(text)
    lab.setProperty("role", role)
    lab.setWordWrap(True)
    return lab


class AnswerEditor(QWidget):
    changed = Signal()

    def load(self, question: dict) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def response(self):  # pragma: no cover - interface
        raise NotImplementedError

    def set_response(self, response) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def insert_code(self, code: str) -> None:
        pass

    def focus_first(self) -> None:
        self.setFocus()


# --- case ------------------------------------------------------------------------------


class CodeDelegate(QStyledItemDelegate):
    """Line edits for the answer table; the code column completes from the catalog."""

    def __init__(self, parent=None, names: tuple[str, ...] | None = None):
        super().__init__(parent)
        self.completion_source: CompletionSource | None = None
        self._editor = None
        self.names = names

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        col = index.column()
        names = self.names or (self.tr("Code"), self.tr("Modifiers"), self.tr("Units"))
        editor.setAccessibleName(names[col] if col < len(names) else "")
        if self.names:
            editor.setPlaceholderText(self.tr("e.g. 12004; empty deletes the line"))
        elif col == 0:
            editor.setPlaceholderText(self.tr("e.g. 99213"))
            if self.completion_source is not None:
                model = QStringListModel(editor)
                completer = QCompleter(model, editor)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
                editor.setCompleter(completer)
                source = self.completion_source

                def refresh(text: str, model=model, completer=completer):
                    text = text.strip()
                    if len(text) < 2:
                        model.setStringList([])
                        return
                    try:
                        model.setStringList(source(text))
                    except Exception:  # completion is a convenience; never break typing
                        model.setStringList([])
                    completer.complete()

                editor.textEdited.connect(refresh)
        elif col == 1:
            editor.setPlaceholderText(self.tr("e.g. 25 RT"))
        else:
            editor.setPlaceholderText("1")
        self._editor = weakref.ref(editor)
        return editor

    def setEditorData(self, editor, index):
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def open_editor(self):
        editor = self._editor() if self._editor else None
        try:
            if editor is not None and editor.isVisible():
                return editor
        except RuntimeError:  # deleted on the C++ side
            return None
        return None


def _setup_answer_table(view: QTableView, model, selection, stretch: tuple[int, ...]) -> None:
    """An editable answer table: typing starts editing, Tab leaves the table, three columns
    of which ``stretch`` share the width."""
    view.setModel(model)
    view.setSelectionBehavior(selection)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.AnyKeyPressed
        | QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
    )
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    for col in range(3):
        mode = QHeaderView.ResizeMode.Stretch if col in stretch else QHeaderView.ResizeMode.ResizeToContents
        view.horizontalHeader().setSectionResizeMode(col, mode)
    view.setAlternatingRowColors(True)


class LinesTable(QTableView):
    """Enter adds a row, Delete removes one; Enter while typing a code also moves on."""

    def __init__(self, model: AnswerLinesModel, parent=None):
        super().__init__(parent)
        self.lines = model
        _setup_answer_table(self, model, QAbstractItemView.SelectionBehavior.SelectRows, stretch=(0, 1))

    def add_row_and_edit(self) -> None:
        if self.lines.read_only:
            return
        row = self.lines.add_line()
        index = self.lines.index(row, 0)
        self.setCurrentIndex(index)
        self.edit(index)

    def remove_current_row(self) -> None:
        if self.lines.read_only:
            return
        row = self.currentIndex().row()
        if 0 <= row < self.lines.rowCount():
            self.lines.removeRows(row, 1)
            if self.lines.rowCount():
                self.setCurrentIndex(self.lines.index(min(row, self.lines.rowCount() - 1), 0))

    def keyPressEvent(self, event):
        key, mods = event.key(), event.modifiers()
        plain = not (mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            self.add_row_and_edit()
            return
        if plain and key == Qt.Key.Key_Delete and self.state() != QAbstractItemView.State.EditingState:
            self.remove_current_row()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor, hint):
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            row = self.currentIndex().row()
            if row == self.lines.rowCount() - 1 and self.lines.row(row)["code"]:
                self.add_row_and_edit()


class CaseEditor(AnswerEditor):
    """One row per claim line (code, modifiers, units) and, where asked, diagnosis codes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = AnswerLinesModel(self)
        self.delegate = CodeDelegate(self)
        self.table = LinesTable(self.model, self)
        self.table.setItemDelegate(self.delegate)
        self.table.setAccessibleName(self.tr("Claim lines"))
        self.table.setAccessibleDescription(
            self.tr("Type a code; Tab moves to modifiers and units; Enter adds a line; Delete removes one.")
        )
        self.icd10 = QLineEdit(self)
        self.icd10.setAccessibleName(self.tr("Diagnosis codes"))
        self.icd10.setPlaceholderText(self.tr("ICD-10-CM codes, separated by spaces, e.g. M17.11"))
        self.icd10_label = _label(self.tr("Dia&gnosis codes (ICD-10-CM)"))
        self.icd10_label.setBuddy(self.icd10)
        hint = _label(
            self.tr("Enter adds a line · Delete removes one · Tab moves across · Ctrl+K looks a code up"),
            "muted",
        )
        lines_label = _label(self.tr("&Claim lines"))
        lines_label.setBuddy(self.table)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(lines_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(hint)
        lay.addWidget(self.icd10_label)
        lay.addWidget(self.icd10)
        self.model.dataChanged.connect(lambda *_: self.changed.emit())
        self.model.rowsInserted.connect(lambda *_: self.changed.emit())
        self.model.rowsRemoved.connect(lambda *_: self.changed.emit())
        self.icd10.textChanged.connect(lambda *_: self.changed.emit())

    def set_completion_source(self, source: CompletionSource | None) -> None:
        self.delegate.completion_source = source

    def load(self, question: dict) -> None:
        self.model.read_only = False
        self.model.set_rows([])
        self.model.add_line()
        wants_icd = bool((question.get("answer") or {}).get("icd10"))
        self.icd10.clear()
        self.icd10.setVisible(wants_icd)
        self.icd10_label.setVisible(wants_icd)
        self.icd10.setReadOnly(False)

    def _commit_open_editor(self) -> None:
        editor = self.delegate.open_editor()
        if editor is not None:
            self.delegate.commitData.emit(editor)

    def response(self) -> dict:
        self._commit_open_editor()
        return {"codes": self.model.as_text(), "icd10": self.icd10.text().strip()}

    def set_response(self, response) -> None:
        response = response or {}
        self.model.set_text(response.get("codes", ""))
        self.icd10.setText(response.get("icd10", ""))

    def set_read_only(self, read_only: bool) -> None:
        self._commit_open_editor()
        self.model.read_only = read_only
        self.icd10.setReadOnly(read_only)

    def is_empty(self) -> bool:
        return not self.response()["codes"].strip()

    def insert_code(self, code: str) -> None:
        if self.model.read_only:
            return
        if self.icd10.hasFocus() or (self.icd10.isVisible() and _looks_icd10(code)):
            text = self.icd10.text().strip()
            self.icd10.setText(f"{text} {code}".strip())
            return
        editor = self.delegate.open_editor()
        if editor is not None and self.table.currentIndex().column() == 0:
            editor.setText(code)
            self.delegate.commitData.emit(editor)
            self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.table.setCurrentIndex(self.model.index(self.table.currentIndex().row(), 1))
            self.table.setFocus()
            return
        row = self.table.currentIndex().row()
        if not (0 <= row < self.model.rowCount()) or self.model.row(row)["code"]:
            empty = [i for i, r in enumerate(self.model.rows()) if not r["code"]]
            row = empty[0] if empty else self.model.add_line()
        self.model.setData(self.model.index(row, 0), code)
        self.table.setCurrentIndex(self.model.index(row, 1))

    def focus_first(self) -> None:
        self.table.setFocus()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))


def _looks_icd10(code: str) -> bool:
    """ICD-10-CM codes have a dot or are 3 characters (M17); HCPCS codes are 5 (J1030)."""
    code = code.strip().upper()
    if "." in code:
        return True
    return len(code) == 3 and code[0].isalpha() and code[1].isdigit()


# --- choice ----------------------------------------------------------------------------


class ChoiceEditor(AnswerEditor):
    """CPC-style options; the keys 1–4 choose (several answers: they toggle)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton | QCheckBox] = []
        self.multiple = False
        self._box = QVBoxLayout()
        self.heading = _label(self.tr("Choose an answer"))
        self.hint = _label(self.tr("Press 1–4 to choose"), "muted")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addLayout(self._box)
        lay.addWidget(self.hint)
        lay.addStretch(1)
        self.group.buttonToggled.connect(lambda *_: self.changed.emit())

    def load(self, question: dict) -> None:
        for b in self.buttons:
            self.group.removeButton(b)
            b.deleteLater()
        self.buttons = []
        options = question.get("options") or []
        self.multiple = sum(1 for o in options if o.get("correct")) > 1
        self.group.setExclusive(not self.multiple)
        self.heading.setText(self.tr("Choose every right answer") if self.multiple else self.tr("Choose an answer"))
        n = len(options)
        self.hint.setText(self.tr("Press 1–{n} to choose").format(n=n) if n else "")
        for i, opt in enumerate(options):
            text = f"&{i + 1}.  {opt.get('text', '')}" if i < 9 else f"{i + 1}.  {opt.get('text', '')}"
            b = QCheckBox(text, self) if self.multiple else QRadioButton(text, self)
            b.setAccessibleName(self.tr("Option {n}: {text}").format(n=i + 1, text=opt.get("text", "")))
            self.group.addButton(b, i)
            self._box.addWidget(b)
            self.buttons.append(b)

    def choose(self, number: int) -> None:
        """Key ``number`` (1-based) pressed."""
        if not 1 <= number <= len(self.buttons) or not self.buttons[0].isEnabled():
            return
        b = self.buttons[number - 1]
        if self.multiple:
            b.setChecked(not b.isChecked())
        else:
            b.setChecked(True)
        b.setFocus()

    def response(self) -> list[int]:
        return [i for i, b in enumerate(self.buttons) if b.isChecked()]

    def set_response(self, response) -> None:
        chosen = set(response or [])
        exclusive = self.group.exclusive()
        self.group.setExclusive(False)
        for i, b in enumerate(self.buttons):
            b.setChecked(i in chosen)
        self.group.setExclusive(exclusive)

    def set_read_only(self, read_only: bool) -> None:
        for b in self.buttons:
            b.setEnabled(not read_only)

    def is_empty(self) -> bool:
        return not self.response()

    def focus_first(self) -> None:
        if self.buttons:
            checked = [b for b in self.buttons if b.isChecked()]
            (checked[0] if checked else self.buttons[0]).setFocus()


# --- em_level --------------------------------------------------------------------------

LEVELS = ("minimal", "low", "moderate", "high")
LEVEL_LABELS = {
    "problems": ("Minimal", "Low", "Moderate", "High"),
    "data": ("Minimal or none", "Limited", "Moderate", "Extensive"),
    "risk": ("Minimal", "Low", "Moderate", "High"),
}
EM_CODES = {
    "new": ["99202", "99203", "99204", "99205"],
    "established": ["99211", "99212", "99213", "99214", "99215"],
}


class EmLevelEditor(AnswerEditor):
    """The visit code, the three MDM elements and the total time."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.code = QComboBox(self)
        self.code.setEditable(True)
        self.code.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.code.setAccessibleName(self.tr("Visit code"))
        self.code.lineEdit().setPlaceholderText(self.tr("e.g. 99214"))
        self.selectors: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Visit &code"), self.code)
        names = {
            "problems": self.tr("&Problems addressed"),
            "data": self.tr("&Data reviewed"),
            "risk": self.tr("&Risk of management"),
        }
        for key in ("problems", "data", "risk"):
            box = QComboBox(self)
            box.addItem(self.tr("— choose —"), None)
            for value, label in zip(LEVELS, LEVEL_LABELS[key]):
                box.addItem(self.tr(label), value)
            box.setAccessibleName(names[key].replace("&", ""))
            box.currentIndexChanged.connect(lambda *_: self.changed.emit())
            self.selectors[key] = box
            form.addRow(names[key], box)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setSpecialValueText(self.tr("not counted"))
        self.minutes.setAccessibleName(self.tr("Total time in minutes"))
        form.addRow(self.tr("Total &time"), self.minutes)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(_label(self.tr("Level the visit")))
        lay.addLayout(form)
        lay.addWidget(_label(self.tr("Two of the three MDM elements set the level; or total time, when it gives more."), "muted"))
        lay.addStretch(1)
        self.code.editTextChanged.connect(lambda *_: self.changed.emit())
        self.minutes.valueChanged.connect(lambda *_: self.changed.emit())

    def load(self, question: dict) -> None:
        self.code.clear()
        self.code.addItems(EM_CODES.get(question.get("patient") or "", EM_CODES["new"] + EM_CODES["established"]))
        self.code.setCurrentIndex(-1)
        self.code.setEditText("")
        for box in self.selectors.values():
            box.setCurrentIndex(0)
        self.minutes.setValue(0)
        self.set_read_only(False)

    def response(self) -> dict:
        r = {"code": self.code.currentText().strip().upper()}
        for key, box in self.selectors.items():
            r[key] = box.currentData()
        r["minutes"] = self.minutes.value() or None
        return r

    def set_response(self, response) -> None:
        response = response or {}
        self.code.setEditText(response.get("code") or "")
        for key, box in self.selectors.items():
            i = box.findData(response.get(key))
            box.setCurrentIndex(max(i, 0))
        self.minutes.setValue(int(response.get("minutes") or 0))

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.code, *self.selectors.values(), self.minutes):
            w.setEnabled(not read_only)

    def is_empty(self) -> bool:
        return not self.response()["code"]

    def insert_code(self, code: str) -> None:
        if self.code.isEnabled():
            self.code.setEditText(code)

    def focus_first(self) -> None:
        self.code.setFocus()


# --- audit -----------------------------------------------------------------------------


class AuditTable(QTableView):
    """Space toggles right/wrong on the current line; typing in Correction edits it."""

    def __init__(self, model: AuditModel, parent=None):
        super().__init__(parent)
        self.audit = model
        _setup_answer_table(self, model, QAbstractItemView.SelectionBehavior.SelectItems, stretch=(0, 2))
        self.doubleClicked.connect(self.on_table_doubleClicked)

    def on_table_doubleClicked(self, index: QModelIndex) -> None:
        if index.column() in (0, 1):
            self.audit.toggle(index.row())

    def edit(self, index, trigger=None, event=None):  # noqa: D401 - Qt override
        if trigger is None:
            return super().edit(index)
        if index.column() != 2:
            return False
        return super().edit(index, trigger, event)

    def keyPressEvent(self, event):
        row = self.currentIndex().row()
        key = event.key()
        if self.state() != QAbstractItemView.State.EditingState and 0 <= row < self.audit.rowCount():
            if key == Qt.Key.Key_Space:
                self.audit.toggle(row)
                return
            if self.currentIndex().column() != 2 and key in (Qt.Key.Key_R, Qt.Key.Key_W):
                self.audit.setData(self.audit.index(row, 1), key == Qt.Key.Key_R)
                return
        super().keyPressEvent(event)


class AuditEditor(AnswerEditor):
    """The coded claim, a right/wrong verdict and a correction on each line."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = AuditModel(self)
        self.table = AuditTable(self.model, self)
        self.delegate = CodeDelegate(self.table, names=(self.tr("Claim line"), self.tr("Verdict"), self.tr("Correction")))
        self.table.setItemDelegate(self.delegate)
        self.table.setAccessibleName(self.tr("Claim to audit"))
        self.table.setAccessibleDescription(
            self.tr("Space toggles right or wrong; R marks right, W wrong; type a correction in the last column.")
        )
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lab = _label(self.tr("&Judge each line of the claim"))
        lab.setBuddy(self.table)
        lay.addWidget(lab)
        lay.addWidget(self.table, 1)
        lay.addWidget(_label(
            self.tr("Space toggles right / wrong · type the right line under Correction (leave empty to delete the line)"),
            "muted"))
        self.model.dataChanged.connect(lambda *_: self.changed.emit())

    def load(self, question: dict) -> None:
        self.model.read_only = False
        self.model.set_claim(question.get("claim") or [])

    def response(self) -> list[dict]:
        editor = self.delegate.open_editor()
        if editor is not None:
            self.delegate.commitData.emit(editor)
        return self.model.response()

    def set_response(self, response) -> None:
        self.model.set_response(response or [])

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only

    def is_empty(self) -> bool:
        return False

    def insert_code(self, code: str) -> None:
        row = self.table.currentIndex().row()
        if self.model.read_only or not 0 <= row < self.model.rowCount():
            return
        self.model.setData(self.model.index(row, 2), code)

    def focus_first(self) -> None:
        self.table.setFocus()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))


EDITORS = {"case": CaseEditor, "choice": ChoiceEditor, "em_level": EmLevelEditor, "audit": AuditEditor}
