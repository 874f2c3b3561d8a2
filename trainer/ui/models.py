"""Table and list models behind every view (each is checked with pytest-qt's qtmodeltester)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from trainer.ui import theme

_Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
USER = Qt.ItemDataRole.UserRole

TYPE_LABELS = {
    "case": "Code the case",
    "choice": "Multiple choice",
    "em_level": "E/M level",
    "audit": "Audit a claim",
}


def type_label(kind: str) -> str:
    return TYPE_LABELS.get(kind, kind)


def line_text(line: Any) -> str:
    """A claim line as a coder types it: ``20610-RT x2``; tolerant of str, dict or object."""
    if line is None:
        return ""
    if isinstance(line, str):
        return line
    if isinstance(line, dict):
        code, mods, units = line.get("code", ""), line.get("modifiers") or [], line.get("units", 1)
    else:
        code = getattr(line, "code", "")
        mods = getattr(line, "modifiers", None) or []
        units = getattr(line, "units", 1)
    text = str(code or "")
    if mods:
        text += "-" + "-".join(str(m) for m in mods)
    try:
        if units and int(units) != 1:
            text += f" x{int(units)}"
    except (TypeError, ValueError):
        pass
    return text


def percent(score: float | None) -> str:
    if score is None:
        return "—"
    return f"{round(float(score) * 100)}%"


class _TableModel(QAbstractTableModel):
    """Common plumbing: a list of rows and a list of column titles."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY):
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.HEADERS):
                return self.tr(self.HEADERS[section])
        if role == DISPLAY and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, index: int) -> Any:
        return self._rows[index]

    def _valid(self, index: _Index) -> bool:
        return (
            index.isValid()
            and 0 <= index.row() < len(self._rows)
            and 0 <= index.column() < len(self.HEADERS)
        )


class QuizTableModel(_TableModel):
    """The bank's quizzes with their size and this learner's best score; row 0 is 'All quizzes'."""

    HEADERS = ("Quiz", "Questions", "Kinds", "Your best")

    def set_quizzes(self, quizzes: list[dict], best: dict[str, float] | None = None) -> None:
        best = best or {}
        total = sum(int(q.get("question_count") or 0) for q in quizzes)
        rows = [{"id": None, "title": self.tr("All quizzes"), "question_count": total,
                 "types": [], "best": None, "description": ""}]
        for q in quizzes:
            rows.append({**q, "best": best.get(q["id"])})
        self.set_rows(rows)

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == DISPLAY:
            if col == 0:
                return row.get("title") or row.get("id")
            if col == 1:
                return str(row.get("question_count") or 0)
            if col == 2:
                return ", ".join(self.tr(type_label(t)) for t in row.get("types") or [])
            if col == 3:
                return percent(row.get("best")) if row.get("best") is not None else "—"
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return row.get("description") or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.get("id") is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == USER:
            return row.get("id")
        return None


class AnswerLinesModel(_TableModel):
    """The claim lines a learner types: code, modifiers, units. Editable."""

    HEADERS = ("Code", "Modifiers", "Units")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.read_only = False

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        if role in (DISPLAY, EDIT):
            if col == 0:
                return row["code"]
            if col == 1:
                return row["modifiers"]
            return str(row["units"]) if role == DISPLAY else row["units"]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.HEADERS[col]} {self.data(index, DISPLAY)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value, role: int = EDIT) -> bool:
        if role != EDIT or not self._valid(index) or self.read_only:
            return False
        row, col = self._rows[index.row()], index.column()
        text = "" if value is None else str(value).strip()
        if col == 0:
            row["code"] = text.upper()
        elif col == 1:
            mods = [m for m in text.upper().replace(",", " ").replace("-", " ").split() if m]
            row["modifiers"] = " ".join(mods)
        else:
            try:
                units = int(text or 1)
            except ValueError:
                return False
            if units < 1 or units > 999:
                return False
            row["units"] = units
        self.dataChanged.emit(index, index, [DISPLAY, EDIT])
        return True

    def insertRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._rows):
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for _ in range(count):
            self._rows.insert(row, {"code": "", "modifiers": "", "units": 1})
        self.endInsertRows()
        return True

    def removeRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        return True

    def add_line(self, code: str = "", modifiers: str = "", units: int = 1) -> int:
        """Append a line and return its row number."""
        n = len(self._rows)
        self.insertRows(n, 1)
        self._rows[n].update(code=code.upper(), modifiers=modifiers.upper(), units=units)
        if code or modifiers or units != 1:
            self.dataChanged.emit(self.index(n, 0), self.index(n, 2))
        return n

    def lines(self) -> list[dict]:
        return [dict(r) for r in self._rows if r["code"].strip()]

    def as_text(self) -> str:
        """The lines as the grader's parser reads them, one per line: ``20610-RT x2``."""
        out = []
        for r in self.lines():
            mods = r["modifiers"].split()
            out.append(line_text({"code": r["code"], "modifiers": mods, "units": r["units"]}))
        return "\n".join(out)

    def set_text(self, text: str) -> None:
        rows = []
        for raw in (text or "").replace(",", "\n").splitlines():
            raw = raw.strip()
            if not raw:
                continue
            units = 1
            parts = raw.replace("*", " x").split()
            head = parts[0]
            for extra in parts[1:]:
                if extra.lower().startswith("x") and extra[1:].isdigit():
                    units = int(extra[1:])
            code, *mods = head.split("-")
            rows.append({"code": code.upper(), "modifiers": " ".join(m.upper() for m in mods), "units": units})
        self.set_rows(rows)


class AuditModel(_TableModel):
    """A coded claim to judge: each line, a right/wrong verdict and a correction."""

    HEADERS = ("Claim line", "Verdict", "Correction")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.read_only = False

    def set_claim(self, claim: list[dict]) -> None:
        self.set_rows(
            [{"line": c.get("line", ""), "correct": None, "correction": ""} for c in claim]
        )

    def verdict_text(self, row: dict) -> str:
        if row["correct"] is None:
            return self.tr("Not judged")
        return self.tr("✔ Right") if row["correct"] else self.tr("✘ Wrong")

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        if role in (DISPLAY, EDIT):
            if col == 0:
                return row["line"]
            if col == 1:
                return self.verdict_text(row) if role == DISPLAY else row["correct"]
            return row["correction"]
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and row["correct"] is not None:
            color = theme.match_foreground("exact" if row["correct"] else "missing")
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return self.tr("Space toggles right / wrong")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.read_only and index.column() in (1, 2):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value, role: int = EDIT) -> bool:
        if role != EDIT or not self._valid(index) or self.read_only or index.column() == 0:
            return False
        row = self._rows[index.row()]
        if index.column() == 1:
            if isinstance(value, str):
                value = {"right": True, "true": True, "wrong": False, "false": False}.get(
                    value.strip().lower().lstrip("✔✘ "), None
                )
            if value is not None and not isinstance(value, bool):
                return False
            row["correct"] = value
        else:
            row["correction"] = "" if value is None else str(value).strip().upper()
            if row["correction"] and row["correct"] is None:
                row["correct"] = False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 2))
        return True

    def toggle(self, row: int) -> None:
        current = self._rows[row]["correct"]
        self.setData(self.index(row, 1), False if current in (None, True) else True)

    def response(self) -> list[dict]:
        return [{"correct": bool(r["correct"]) if r["correct"] is not None else True,
                 "correction": r["correction"]} for r in self._rows]

    def set_response(self, response: list[dict]) -> None:
        for row, answer in zip(self._rows, response or []):
            row["correct"] = answer.get("correct")
            row["correction"] = answer.get("correction") or ""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 2))


class FeedbackModel(_TableModel):
    """The graded lines: how each matched, what was expected, what was entered, why."""

    HEADERS = ("Result", "Expected", "Your answer", "Credit", "Explanation")

    def set_result(self, result: dict | None) -> None:
        self.set_rows(list((result or {}).get("lines") or []))

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        kind = row.get("match") or ""
        if role == DISPLAY:
            if col == 0:
                return f"{theme.match_symbol(kind)} {theme.match_label(kind)}"
            if col == 1:
                return line_text(row.get("expected")) or "—"
            if col == 2:
                return line_text(row.get("answered")) or "—"
            if col == 3:
                return percent(row.get("credit", 0))
            text = row.get("feedback") or ""
            problems = row.get("problems") or []
            if problems:
                extra = "; ".join(str(p) for p in problems if str(p) not in text)
                text = f"{text} {extra}".strip() if extra else text
            return text
        if role == Qt.ItemDataRole.BackgroundRole:
            color = theme.match_background(kind)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            color = theme.match_foreground(kind)
            return QBrush(color) if color else None
        if role == Qt.ItemDataRole.FontRole and col == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return theme.match_explained(kind) or None
            if col == 4:
                return self.data(index, DISPLAY) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == USER:
            return kind
        return None


class CategoryModel(_TableModel):
    """Session results by category: credit earned out of what was possible."""

    HEADERS = ("Category", "Score", "Credit")

    def set_categories(self, by_category: dict[str, dict]) -> None:
        rows = []
        for name, v in sorted(by_category.items()):
            mx = float(v.get("possible") or 0)
            cr = float(v.get("earned") or 0)
            rows.append({"category": name, "credit": cr, "max": mx,
                         "score": (cr / mx) if mx else None})
        self.set_rows(rows)

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == DISPLAY:
            if col == 0:
                return row["category"]
            if col == 1:
                return percent(row["score"])
            return f"{round(row['credit'], 1):g} / {round(row['max'], 1):g}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and row["score"] is not None:
            kind = "exact" if row["score"] >= 0.8 else "partial" if row["score"] >= 0.5 else "missing"
            color = theme.match_foreground(kind)
            return QBrush(color) if color else None
        return None


class MissedModel(_TableModel):
    """Questions of the session not answered fully right."""

    HEADERS = ("Question", "Kind", "Score")

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == DISPLAY:
            if col == 0:
                return row.get("title") or row.get("id")
            if col == 1:
                return self.tr(type_label(row.get("type", "")))
            return percent(row.get("score")) if row.get("score") is not None else self.tr("Skipped")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == USER:
            return row.get("id")
        return None


class SearchResultsModel(_TableModel):
    """Catalog search results: code, system and section badges, our own summary."""

    HEADERS = ("Code", "System", "Section", "Summary")

    def data(self, index: _Index, role: int = DISPLAY):
        if not self._valid(index):
            return None
        row, col = self._rows[index.row()], index.column()
        if role == DISPLAY:
            key = ("code", "system", "section", "summary")[col]
            value = row.get(key)
            if col == 3 and row.get("status") not in (None, "", "active"):
                return f"{value or ''}  [{row.get('status')}]".strip()
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return row.get("summary") or None
        if role == USER:
            return row.get("code")
        if role == Qt.ItemDataRole.FontRole and col == 0:
            font = QFont("DejaVu Sans Mono")
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setBold(True)
            return font
        return None
