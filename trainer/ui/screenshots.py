"""Render every screen of the learner app to PNG, offscreen: ``make screenshots``.

    python -m trainer.ui.screenshots docs/screenshots

Uses a fresh temporary bank (the bundled quizzes plus a tiny demo quiz for the question
kinds the bundled bank may not have yet), so the pictures never depend on a user's data.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO_QUIZ = """\
id: screenshot-demo
title: Demo, E/M levels and claim audits
description: Two demonstration questions for the screenshots.
author: CPT Trainer
code_set_year: 2026
licence: CC-BY-4.0
questions:
  - id: demo-em-1
    type: em_level
    title: Two stable chronic conditions
    tags: [E/M]
    difficulty: 2
    patient: established
    scenario: |
      CHIEF COMPLAINT: Three-month check of blood pressure and diabetes.
      HISTORY: 62-year-old established patient. Home readings 128-136 over 78-84. No lows.
      DATA: A1c from last week reviewed: 6.9%. Basic metabolic panel reviewed: normal.
      ASSESSMENT/PLAN: Hypertension, stable. Type 2 diabetes, stable. Both prescriptions
      renewed for 90 days. Return in three months. Total time on the date: 22 minutes.
    key:
      code: "99214"
      problems: moderate
      data: low
      risk: moderate
      minutes: 22
      basis: mdm
    rationale: Two stable chronic illnesses are moderate problems; prescription drug management
      is moderate risk; two results reviewed meet limited data. Two of three elements reach
      moderate, which beats the time path (22 minutes).
  - id: demo-audit-1
    type: audit
    title: Two scalp lacerations
    tags: [Surgery/Integumentary, Modifiers]
    difficulty: 2
    scenario: |
      PROCEDURE: Simple repair of two scalp lacerations, 3.0 cm and 4.6 cm, in the emergency
      department. An E/M visit was also coded.
    claim:
      - line: "99283-25"
        correct: true
      - line: "12002"
        correct: false
        correction: "12004"
        explanation: Simple repairs of the same anatomic group are added together, 7.6 cm in all.
      - line: "12001"
        correct: false
        correction: ""
        explanation: The second wound is already counted in the summed length; delete the line.
    rationale: Add the lengths of repairs of the same kind and anatomic group, then code once.
"""


def _hcpcs_record(code: str, seq: int, rtype: str, text: str, short: str, term: str = "") -> str:
    """One line of the CMS fixed-width HCPCS layout (docs/catalog.md), dates of 2026."""
    line = (f"{code:>5}" if len(code) == 2 else f"{code:<5}") + f"{seq:05d}{rtype}{text:<80}{short:<28}"
    return (line.ljust(268) + f"{'20260101':<8}{'20260101':<8}{term:<8}N").ljust(320)


SAMPLE_HCPCS = "\r\n".join([
    "Sample file in the CMS layout, written for the screenshots.", "",
    _hcpcs_record("E9991", 100, "3", "Walking frame with a seat and a basket, folding", "Walking frame seat"),
    _hcpcs_record("E9992", 100, "3", "Wheels for a walking frame, pair", "Frame wheels"),
    _hcpcs_record("E9993", 100, "3", "A retired sample code, kept for history", "Retired sample", "20251231"),
    _hcpcs_record("E9994", 100, "3", "Another retired sample code", "Retired sample 2", "20251231"),
    _hcpcs_record("Z8", 100, "7", "A sample modifier", "Sample modifier"),
    _hcpcs_record("Z9", 100, "7", "Another sample modifier", "Sample modifier 2"),
]) + "\r\n"


def _wait(app, predicate, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    tmp = Path(tempfile.mkdtemp(prefix="cpt-shots-"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    QCoreApplication.setOrganizationName("CPT Trainer")
    QCoreApplication.setApplicationName("CPT Trainer")
    app = QApplication.instance() or QApplication(["cpt-trainer-screenshots"])

    from trainer.store import Bank
    from trainer.ui import theme
    from trainer.ui.main_window import MainWindow

    theme.apply_theme(app, dark=False)
    bank = Bank.open(tmp / "bank.sqlite")
    demo = tmp / "demo.yaml"
    demo.write_text(DEMO_QUIZ, encoding="utf-8")
    bank.import_file(demo)
    learner = bank.create_learner("Sam Rivera")
    bank.create_learner("Alex Chen")
    QSettings("CPT Trainer", "CPT Trainer").setValue("learner_id", learner)

    # Some history, so the home screen shows best scores.

    history = bank.find_questions(quiz_id="em-office", limit=3) or bank.find_questions(limit=3)
    sid = bank.start_session(learner, history)
    for qid in history[:2]:
        q = bank.get_question(qid)
        response = {"codes": " ".join(str(line["code"]) for line in q["answer"]["lines"]), "icd10": ""} \
            if q["type"] == "case" else [0]
        bank.record_attempt(sid, qid, response, bank.grade(q, response), 40)
    bank.finish_session(sid)

    shots: list[str] = []

    def save(widget, name: str, settle: bool = True) -> None:
        if settle:  # not from a progress slot: more reports would be handled first
            app.processEvents()
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        shots.append(path.name)

    w = MainWindow(bank)
    w.resize(1280, 820)
    w.show()

    hint = w.statusBar().currentMessage()

    # First run: the bank has no ICD-10-CM codes yet, so home offers to load them.
    save(w, "home-icd-offer")
    offer = w.icd_offer
    offer.start()
    loading: list[int] = []

    def offer_mid_load(done: int, total: int) -> None:  # right after the banner's own update
        if 0.3 * total < done < 0.7 * total and not loading:
            loading.append(done)
            save(w, "home-icd-loading", settle=False)

    offer.job.progressed.connect(offer_mid_load)
    _wait(app, lambda: not offer.isVisible(), 60)
    w.statusBar().showMessage(hint)
    save(w, "home")

    # Tools > Import codes (Ctrl+I): ICD-10-CM mid-import, then a CMS HCPCS file done.
    from trainer.ui.import_dialog import ImportDialog

    w.on_import_action_triggered()
    dialog: ImportDialog = w.import_dialog
    dialog.set_kind("icd10cm")
    dialog.start_import()

    taken: list[int] = []

    def mid_import(done: int, total: int) -> None:  # runs right after the dialog's own update
        if 0.35 * total < done < 0.7 * total and not taken:
            taken.append(done)
            save(dialog, "import-codes-progress", settle=False)

    dialog.job.progressed.connect(mid_import)
    _wait(app, lambda: not dialog.running, 60)
    (tmp / "Downloads").mkdir()
    hcpcs = tmp / "Downloads" / "HCPC2026_sample.txt"
    hcpcs.write_text(SAMPLE_HCPCS, encoding="utf-8")
    dialog.set_kind("hcpcs")
    dialog.set_file(hcpcs)
    dialog.start_import()
    _wait(app, lambda: not dialog.running, 60)
    save(dialog, "import-codes-done")
    dialog.accept()
    w.statusBar().showMessage(hint)

    def case_question(want_icd=False):
        for qid in bank.find_questions(types=["case"]):
            q = bank.get_question(qid)
            if bool(q["answer"].get("icd10")) == want_icd and len(q["answer"]["lines"]) >= 2:
                return q
        return bank.get_question(bank.find_questions(types=["case"])[0])

    case = case_question()
    choice_ids = bank.find_questions(types=["choice"])
    ids = [case["id"], *(choice_ids[:1]), "demo-em-1", "demo-audit-1"]
    w.home.on_start_button_clicked  # (the real flow goes through start_requested)
    w.on_home_start_requested(ids)
    page = w.practice
    # Case: type the first line right and the second with a wrong modifier.
    lines = case["answer"]["lines"]
    first, second = lines[0], lines[1]
    page.case_editor.model.set_rows([])
    page.case_editor.model.add_line(first["code"], " ".join(first.get("modifiers") or []), first.get("units", 1))
    page.case_editor.model.add_line(second["code"], " ".join(second.get("modifiers") or []),
                                    int(second.get("units", 1)) + 1)  # wrong units: partly right
    save(w, "practice-case")
    page.on_submit_button_clicked()
    save(w, "feedback-case")

    page.on_next_button_clicked()
    if page.current_question["type"] == "choice":
        page.choice_editor.choose(2)
        save(w, "practice-choice")
        page.on_submit_button_clicked()
        save(w, "feedback-choice")
        page.on_next_button_clicked()

    em = page.editors["em_level"]
    em.set_response({"code": "99213", "problems": "moderate", "data": "low", "risk": "low", "minutes": 22})
    save(w, "practice-em-level")
    page.on_submit_button_clicked()
    save(w, "feedback-em-level")
    page.on_next_button_clicked()

    audit = page.editors["audit"]
    audit.set_response([{"correct": True, "correction": ""}, {"correct": False, "correction": "12004"},
                        {"correct": True, "correction": ""}])
    audit.focus_first()
    save(w, "practice-audit")
    page.on_submit_button_clicked()
    save(w, "feedback-audit")

    # The lookup panel: a search, then the browse tree.
    page.on_prev_button_clicked()
    page.on_prev_button_clicked()
    page.on_prev_button_clicked()
    w.on_lookup_action_triggered()
    w.resize(1440, 820)
    for query in ("injection", "office visit", "9921"):
        w.lookup.search.setText(query)
        _wait(app, lambda q=query: w.lookup.last_query == q)
        if w.lookup.model.rowCount() > 2:
            break
    save(w, "lookup-search")
    w.lookup.tabs.setCurrentWidget(w.lookup.tree)
    model = w.lookup.tree_model
    if model.rowCount():
        cpt = model.index(0, 0)
        w.lookup.tree.expand(cpt)
        app.processEvents()
        for r in range(model.rowCount(cpt)):
            child = model.index(r, 0, cpt)
            if "valuation" in (child.data() or "").lower() or r == 0:
                w.lookup.tree.expand(child)
                app.processEvents()
                if model.rowCount(child):
                    w.lookup.tree.expand(model.index(0, 0, child))
                break
    save(w, "lookup-browse")
    w.lookup.hide()
    w.resize(1280, 820)

    page.on_finish_button_clicked()
    save(w, "end-of-session")

    # Dark theme: home and a graded question.
    theme.apply_theme(app, dark=True)
    w.go_home()
    save(w, "home-dark")
    w.home.refresh_resume()
    sid = bank.start_session(learner, [case["id"]])
    w.open_session(sid)
    page.case_editor.model.set_rows([])
    page.case_editor.model.add_line(first["code"], "", 1)
    page.case_editor.model.add_line("99999", "", 1)
    page.on_submit_button_clicked()
    save(w, "feedback-case-dark")
    theme.apply_theme(app, dark=False)

    w.close()
    bank.close()
    for name in shots:
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
