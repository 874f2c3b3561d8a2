"""How long the GUI thread is busy for what a learner does; prints figures, asserts nothing.

    QT_QPA_PLATFORM=offscreen python -m trainer.ui.bench [N]

Measures, on a fresh temporary bank: creating the bank (worker thread at start-up), showing
a question, submitting an answer (grade + durable write), the completer's prefix lookup
(GUI thread) and a lookup-panel search (worker thread, measured here directly).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   max {values[-1] * 1000:7.2f} ms   (n={len(values)})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 60
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    tmp = Path(tempfile.mkdtemp(prefix="cpt-bench-"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp))
    app = QApplication.instance() or QApplication([])

    from trainer import catalog
    from trainer.store import Bank
    from trainer.ui.main_window import MainWindow

    t = time.perf_counter()
    bank = Bank.open(tmp / "bank.sqlite")
    created = time.perf_counter() - t
    t = time.perf_counter()
    bank.close()
    bank = Bank.open(tmp / "bank.sqlite")
    reopened = time.perf_counter() - t
    learner = bank.create_learner("Bench")
    w = MainWindow(bank)
    w.resize(1280, 820)
    w.show()
    app.processEvents()

    by_type: dict[str, list[str]] = {}
    for kind in ("case", "choice", "em_level", "audit"):
        by_type[kind] = bank.find_questions(types=[kind], limit=n, shuffle=True)
    ids = [q for kind in by_type.values() for q in kind][: n * 4]
    sid = bank.start_session(learner, ids)
    page = w.practice
    page.start(bank, sid)
    show, submit = [], []
    for i in range(len(ids)):
        t = time.perf_counter()
        page.show_question(i)
        app.processEvents()
        show.append(time.perf_counter() - t)
        q = page.current_question
        if q["type"] == "case":
            page.case_editor.model.set_text("\n".join(str(x["code"]) for x in q["answer"]["lines"]))
        elif q["type"] == "choice":
            page.choice_editor.choose(1)
        elif q["type"] == "em_level":
            page.editors["em_level"].set_response({"code": q["key"]["code"], "problems": "low",
                                                   "data": "low", "risk": "low"})
        t = time.perf_counter()
        page.on_submit_button_clicked()
        app.processEvents()
        submit.append(time.perf_counter() - t)

    prefixes = ["99", "992", "9921", "J1", "J10", "206", "1100", "7", "G0", "M17", "E11"]
    complete = []
    for _ in range(5):
        for p in prefixes:
            t = time.perf_counter()
            w.lookup.complete(p)
            complete.append(time.perf_counter() - t)
    queries = ["injection", "office visit", "knee", "9921", "J1030", "repair wound", "x", "radiology chest"]
    search = []
    for _ in range(5):
        for q in queries:
            t = time.perf_counter()
            catalog.search(bank.db, q, limit=60)
            search.append(time.perf_counter() - t)

    print(f"bank created on first run (worker thread):  {created * 1000:8.1f} ms")
    print(f"bank reopened:                              {reopened * 1000:8.1f} ms")
    print(f"show a question (GUI thread):               {_ms(show)}")
    print(f"submit: grade + durable write (GUI thread): {_ms(submit)}")
    print(f"completer prefix lookup (GUI thread):       {_ms(complete)}")
    print(f"lookup search (runs on a worker thread):    {_ms(search)}")
    print(f"catalog: {catalog.stats(bank.db)['by_system']}")
    w.close()
    bank.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
