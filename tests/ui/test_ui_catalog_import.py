"""Catalog imports from the app: the Import codes dialog (Ctrl+I) and the first-run
ICD-10-CM offer. Real imports on a worker thread against a real temporary bank."""

import threading

from PySide6.QtCore import QSettings, Qt

from trainer import catalog
from trainer.paths import APP_AUTHOR, APP_NAME
from trainer.ui import import_dialog
from trainer.ui.import_dialog import ImportDialog


def record(code, seq, rtype, long="", short="", added="20260101", eff="20260101", term=""):
    """One record of the CMS fixed-width HCPCS layout (docs/catalog.md)."""
    line = f"{code:>5}"[:5] if len(code) == 2 else f"{code:<5}"
    line += f"{seq:05d}{rtype}{long:<80}{short:<28}"
    line = line.ljust(268) + f"{added:<8}{eff:<8}{term:<8}N"
    return line.ljust(320)


HEAD = ["Note regarding coverage and payment indicators for the codes below", "",
        "This file is a test sample.", ""]
GOOD = [
    record("E9991", 100, "3", "Walking frame with a seat and a basket, folding, for practice",
           "Walking frame seat"),
    record("E9992", 100, "3", "Walking frame wheels, pair, a second test code", "Frame wheels"),
    record("E9993", 100, "3", "A retired test code kept for history", "Retired", term="20251231"),
]


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def catalog_state(db):
    return db.execute("SELECT count(*), group_concat(code || ':' || source, ',') FROM "
                      "(SELECT code, source FROM catalog ORDER BY system, key)").fetchone()


def exact(db, code):
    rows = catalog.search(db, code, limit=5)
    return rows[0] if rows and rows[0]["match"] == "exact" else None


def choose_file(monkeypatch, path, asked=None):
    def ask(cls, parent, kind, start_dir):
        if asked is not None:
            asked.append(kind)
        return str(path)

    monkeypatch.setattr(ImportDialog, "ask_file", classmethod(ask))


def open_dialog(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_ctrl_i_imports_a_cms_hcpcs_file_and_lookup_finds_the_code(window, qtbot, tmp_path, monkeypatch):
    path = write(tmp_path, "HCPC2026_sample.txt", HEAD + GOOD)
    asked = []
    choose_file(monkeypatch, path, asked)
    db = window.bank.db
    assert exact(db, "E9991") is None
    window.on_lookup_action_triggered()
    with qtbot.waitSignal(window.lookup.results_ready, timeout=5000):
        window.lookup.search.setText("E9991")
    assert window.lookup.model.rowCount() == 0

    dialog = open_dialog(window, qtbot)
    assert dialog.kind == "hcpcs"
    seen = []
    dialog.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # no file yet: asks for one
    assert asked == ["hcpcs"] and dialog.file_edit.text() == str(path)
    assert dialog.running and dialog.cancel_button.text() == "Cancel import"
    with qtbot.waitSignal(window.lookup.results_ready, timeout=10000):  # the lookup re-runs its search
        qtbot.waitSignal(dialog.imported, timeout=10000).wait()

    text = dialog.status.text()
    assert text.startswith("CMS HCPCS 2026 from HCPC2026_sample.txt: 3 codes read; 3 added")
    assert "The file has 3 procedure codes and 0 modifiers; 1 is terminated (kept and marked)." in text
    assert dialog.progress.value() == dialog.progress.maximum() > 0 and seen
    assert not dialog.running and dialog.cancel_button.text() == "Close"
    row = exact(db, "E9991")
    assert row["source"] == "CMS HCPCS 2026" and row["status"] == "active"
    assert exact(db, "E9993")["status"] == "terminated"
    assert window.lookup.model.index(0, 0).data() == "E9991"
    assert "3 added" in window.statusBar().currentMessage()

    # The same file again changes nothing, and says so.
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "nothing changed" in dialog.status.text()


def test_a_bad_file_shows_file_and_line_and_changes_nothing(window, qtbot, tmp_path, monkeypatch, errors):
    lines = HEAD + [GOOD[0], "this line is not a record at all"]
    path = write(tmp_path, "HCPC2026_bad.txt", lines)
    choose_file(monkeypatch, path)
    db = window.bank.db
    before = catalog_state(db)
    dialog = open_dialog(window, qtbot)
    dialog.set_file(path)
    got = []
    dialog.imported.connect(got.append)
    assert dialog.start_import()
    with qtbot.waitSignal(dialog.job.ended, timeout=10000):
        pass
    text = dialog.status.text()
    assert f"HCPC2026_bad.txt:{len(lines)}: this line is not an HCPCS record" in text
    assert text.startswith("Nothing was imported.") and "Traceback" not in text
    assert not dialog.progress.isVisible() and dialog.import_button.isEnabled()
    assert got == [] and errors == []  # in the dialog, not a second error box
    assert catalog_state(db) == before
    assert exact(db, "E9991") is None


def test_cancel_rolls_the_import_back(window, qtbot, tmp_path, monkeypatch):
    path = write(tmp_path, "HCPC2026_sample.txt", HEAD + GOOD)
    db = window.bank.db
    before = catalog_state(db)
    # Hold the worker inside the write (past half way, before the end) until Cancel is clicked.
    reached, go_on = threading.Event(), threading.Event()
    real = import_dialog.run_import

    where = []

    def held(db, kind, file, *, progress):
        where.append((threading.current_thread(), db))

        def report(done, total):
            if total // 2 < done < total and not reached.is_set():
                reached.set()
                go_on.wait(10)
            progress(done, total)
        return real(db, kind, file, progress=report)

    monkeypatch.setattr(import_dialog, "run_import", held)
    dialog = open_dialog(window, qtbot)
    dialog.set_file(path)
    got = []
    dialog.imported.connect(got.append)
    assert dialog.start_import()
    qtbot.waitUntil(reached.is_set, timeout=10000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelling…"
    with qtbot.waitSignal(dialog.job.ended, timeout=10000):
        go_on.set()
    assert dialog.status.text() == "Import cancelled; the catalog was not changed."
    assert got == [] and dialog.isVisible() and not dialog.running
    (thread, worker_db), = where  # off the GUI thread, with its own connection
    assert thread is not threading.main_thread() and worker_db is not db
    assert catalog_state(db) == before
    assert exact(db, "E9991") is None


def test_escape_during_an_import_cancels_it_instead_of_closing(window, qtbot, tmp_path, monkeypatch):
    path = write(tmp_path, "HCPC2026_sample.txt", HEAD + GOOD)
    started, go_on = threading.Event(), threading.Event()
    real = import_dialog.run_import

    def held(db, kind, file, *, progress):
        started.set()
        go_on.wait(10)
        return real(db, kind, file, progress=progress)

    monkeypatch.setattr(import_dialog, "run_import", held)
    dialog = open_dialog(window, qtbot)
    dialog.set_file(path)
    dialog.start_import()
    qtbot.waitUntil(started.is_set, timeout=10000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.job.ended, timeout=10000):
        go_on.set()
    assert "cancelled" in dialog.status.text()
    assert exact(window.bank.db, "E9991") is None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # idle: Esc closes
    assert not dialog.isVisible()


def test_icd10cm_needs_no_file_and_each_kind_is_explained(window, qtbot):
    dialog = open_dialog(window, qtbot)
    assert set(dialog.kind_buttons) == {"hcpcs", "icd10cm", "cpt", "ncci-ptp", "mue"}
    for kind, button in dialog.kind_buttons.items():
        assert button.accessibleDescription(), kind
    assert dialog.file_edit.isEnabled()
    dialog.kind_buttons["icd10cm"].click()
    assert dialog.kind == "icd10cm"
    assert not dialog.file_edit.isEnabled() and not dialog.choose_button.isEnabled()
    dialog.kind_buttons["mue"].click()
    assert dialog.file_edit.isEnabled()


def test_first_run_offers_icd10cm_and_not_now_is_remembered(window, qtbot, bank):
    from trainer.ui.main_window import MainWindow

    offer = window.icd_offer
    assert offer.isVisible()
    assert "ICD-10-CM" in offer.label.text() and "5 seconds" in offer.label.text()
    qtbot.mouseClick(offer.later_button, Qt.MouseButton.LeftButton)
    assert not offer.isVisible()
    assert QSettings(APP_AUTHOR, APP_NAME).value("catalog/icd10cm_offer") == "declined"
    again = MainWindow(bank)  # the next start
    qtbot.addWidget(again)
    again.show()
    assert not again.icd_offer.isVisible()
    again.lookup.shutdown()


def test_loading_icd10cm_from_the_offer_makes_diagnosis_codes_findable(window, qtbot, bank):
    from trainer.ui.main_window import MainWindow

    offer = window.icd_offer
    db = window.bank.db
    assert offer.isVisible() and exact(db, "M17.11") is None
    seen = []
    offer.progress.valueChanged.connect(seen.append)
    qtbot.mouseClick(offer.load_button, Qt.MouseButton.LeftButton)
    assert offer.progress.isVisible() and offer.cancel_button.isVisible()
    assert not offer.load_button.isVisible()
    with qtbot.waitSignal(offer.imported, timeout=60000):
        pass
    qtbot.waitUntil(lambda: not offer.isVisible(), timeout=60000)
    assert len(set(seen)) > 3  # the bar moved
    row = exact(db, "M17.11")
    assert row["system"] == "icd10cm" and row["source"].startswith("ICD-10-CM")
    assert "ICD-10-CM" in window.statusBar().currentMessage()
    again = MainWindow(bank)  # no offer once the codes are in
    qtbot.addWidget(again)
    again.show()
    assert not again.icd_offer.isVisible()
    again.lookup.shutdown()


def test_an_unexpected_failure_goes_to_the_error_dialog(window, qtbot, tmp_path, monkeypatch, errors):
    path = write(tmp_path, "HCPC2026_sample.txt", HEAD + GOOD)

    def broken(db, kind, file, *, progress):
        raise OSError("disk unplugged")

    monkeypatch.setattr(import_dialog, "run_import", broken)
    dialog = open_dialog(window, qtbot)
    dialog.set_file(path)
    dialog.start_import()
    with qtbot.waitSignal(dialog.job.ended, timeout=10000):
        pass
    assert [str(e) for e in errors] == ["disk unplugged"]  # the one error dialog, no traceback
    assert dialog.status.text() == "Nothing was imported."
    assert dialog.import_button.isEnabled()
