"""The lookup panel: Ctrl+K, search as you type, Enter puts the code into the answer."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from uihelpers import sample_ids


def open_case(window, qtbot):
    window.home.start_requested.emit(sample_ids(window.bank))
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.practice)
    return window.practice


def test_ctrl_k_opens_the_panel_and_enter_inserts_the_code(window, qtbot):
    page = open_case(window, qtbot)
    page.case_editor.table.setFocus()
    qtbot.keyClick(page.case_editor.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    lookup = window.lookup
    assert lookup.isVisible()
    assert QApplication.focusWidget() is lookup.search
    with qtbot.waitSignal(lookup.results_ready, timeout=5000) as sig:
        qtbot.keyClicks(lookup.search, "20610")
    assert sig.args == ["20610"]
    assert lookup.model.index(0, 0).data() == "20610"
    assert lookup.model.index(0, 1).data() == "CPT"
    qtbot.keyClick(lookup.search, Qt.Key.Key_Return)
    assert page.case_editor.model.as_text() == "20610"


def test_typing_fast_runs_one_search(window, qtbot):
    lookup = window.lookup
    window.on_lookup_action_triggered()
    seen = []
    lookup.results_ready.connect(seen.append)
    qtbot.keyClicks(lookup.search, "knee")  # four keystrokes inside the debounce window
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == ["knee"]
    assert lookup._serial == 1 and not lookup.debounce.isActive()  # one query ran, none pending


def test_double_click_in_results_puts_the_code_in_the_answer(window, qtbot):
    page = open_case(window, qtbot)
    lookup = window.lookup
    window.on_lookup_action_triggered()
    with qtbot.waitSignal(lookup.results_ready, timeout=5000):
        lookup.search.setText("9921")
    code = lookup.model.index(1, 0).data()
    assert code.startswith("9921")
    lookup.results.doubleClicked.emit(lookup.model.index(1, 0))
    assert page.case_editor.model.as_text() == code


def test_a_diagnosis_code_goes_to_the_diagnosis_field(window, qtbot):
    page = open_case(window, qtbot)
    window.lookup.code_chosen.emit("M17.11")
    assert page.case_editor.icd10.text() == "M17.11"
    window.lookup.code_chosen.emit("20610")
    assert page.case_editor.model.as_text() == "20610"


def test_no_match_says_so(window, qtbot):
    lookup = window.lookup
    window.on_lookup_action_triggered()
    with qtbot.waitSignal(lookup.results_ready, timeout=5000):
        lookup.search.setText("zzqx nothing like this")
    assert lookup.model.rowCount() == 0
    assert "No code matches" in lookup.status.text()


def test_browse_tree_goes_down_to_codes(window, qtbot):
    lookup = window.lookup
    window.on_lookup_action_triggered()
    model = lookup.tree_model
    roots = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert roots[:3] == ["CPT", "HCPCS Level II", "ICD-10-CM"]
    index = model.index(0, 0)
    for _ in range(6):  # CPT -> section -> ... until codes appear
        lookup.tree.expand(index)
        child = model.index(0, 0, index)
        if child.data(Qt.ItemDataRole.UserRole):
            break
        index = child
    code = child.data(Qt.ItemDataRole.UserRole)
    assert code and code[0].isdigit()
    chosen = []
    lookup.code_chosen.connect(chosen.append)
    lookup.tree.setCurrentIndex(child)
    qtbot.keyClick(lookup.tree, Qt.Key.Key_Return)
    assert chosen == [code]


def test_completion_offers_codes_for_a_prefix(window):
    codes = window.lookup.complete("9921")
    assert codes and all(c.startswith("9921") for c in codes)


def test_code_cell_completes_from_the_catalog_as_you_type(window, qtbot):
    open_case(window, qtbot)
    page = window.practice
    table = page.case_editor.table
    table.setFocus()
    table.setCurrentIndex(page.case_editor.model.index(0, 0))
    qtbot.keyClicks(table, "9")  # opens the cell editor
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "921")
    completions = editor.completer().model().stringList()
    assert completions and all(c.startswith("9921") for c in completions)


def test_lookup_replaces_the_code_being_typed(window, qtbot):
    page = open_case(window, qtbot)
    table = page.case_editor.table
    table.setFocus()
    table.setCurrentIndex(page.case_editor.model.index(0, 0))
    qtbot.keyClicks(table, "2")
    window.lookup.code_chosen.emit("20610")
    QApplication.processEvents()
    assert page.case_editor.model.as_text() == "20610"
    assert table.state() != table.State.EditingState
