"""Run slow work off the GUI thread and get the result back, by signal, on the GUI thread.

    run_in_background(fn, on_done, on_error=None)

``fn`` runs in a pool thread and must not touch a widget or the GUI thread's Bank: open
your own (``Bank.open(path)``).  ``on_done(result)`` / ``on_error(exception)`` run on the
GUI thread.  The returned Task has a ``finished`` signal for tests (``qtbot.waitSignal``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

_live: set["Task"] = set()


class Task(QObject):
    """One piece of background work; lives on the GUI thread, relays the outcome there."""

    _succeeded = Signal(object)  # emitted from the pool thread
    _failed = Signal(object)
    finished = Signal()  # emitted on the GUI thread once on_done/on_error has run

    def __init__(self, fn: Callable[[], Any], on_done=None, on_error=None, parent=None):
        super().__init__(parent)
        self._fn = fn
        self._on_done = on_done
        self._on_error = on_error
        self.result: Any = None
        self.error: BaseException | None = None
        self.cancelled = False
        self._succeeded.connect(self._deliver_result)
        self._failed.connect(self._deliver_error)

    def cancel(self) -> None:
        """Drop the outcome: the callbacks will not run (the work itself still finishes)."""
        self.cancelled = True

    def _run(self) -> None:  # pool thread
        try:
            value = self._fn()
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._failed.emit(exc)
        else:
            self._succeeded.emit(value)

    @Slot(object)
    def _deliver_result(self, value) -> None:
        self.result = value
        try:
            if self._on_done and not self.cancelled:
                self._on_done(value)
        finally:
            self._end()

    @Slot(object)
    def _deliver_error(self, exc) -> None:
        self.error = exc
        try:
            if not self.cancelled:
                if self._on_error:
                    self._on_error(exc)
                else:
                    from trainer.ui.error_dialog import show_error

                    show_error(None, exc)
        finally:
            self._end()

    def _end(self) -> None:
        self.finished.emit()
        _live.discard(self)


class _Runnable(QRunnable):
    def __init__(self, task: Task):
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self.task._run()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    pool: QThreadPool | None = None,
) -> Task:
    task = Task(fn, on_done, on_error)
    _live.add(task)
    (pool or QThreadPool.globalInstance()).start(_Runnable(task))
    return task
