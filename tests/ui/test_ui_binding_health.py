"""The Qt binding must not corrupt Python's reference counts during a long session.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every repaint and to True/False
on signal emission; after some thousands of repaints the interpreter aborts ("deallocating
None"). 6.11.3 is clean. On Python 3.12+ None is immortal and this cannot happen.
"""

import sys

import pytest
from PySide6.QtCore import QObject, Signal

from trainer.ui.models import FeedbackModel

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="None and bools are immortal")


def test_repainting_a_table_keeps_none_alive(qtbot):
    from PySide6.QtWidgets import QTableView

    model = FeedbackModel()
    model.set_result({"lines": [{"match": "exact", "expected": "99213", "answered": "99213",
                                 "credit": 1, "feedback": "right"}]})
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    view.viewport().repaint()
    before = sys.getrefcount(None)
    for _ in range(300):
        view.viewport().repaint()
    assert abs(sys.getrefcount(None) - before) < 50


def test_signals_keep_true_and_false_alive(qtbot):
    class Emitter(QObject):
        flag = Signal(bool)

    seen = []
    e = Emitter()
    e.flag.connect(seen.append)
    e.flag.emit(True)
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for i in range(300):
        e.flag.emit(i % 2 == 0)
    seen.clear()
    after = (sys.getrefcount(True), sys.getrefcount(False))
    assert abs(after[0] - before[0]) < 50 and abs(after[1] - before[1]) < 50
