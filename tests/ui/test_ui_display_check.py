"""The no-display check: a clear message and exit 1 instead of Qt's plugin crash."""

import os
import subprocess
import sys
from pathlib import Path

from trainer.ui.display_check import APT_COMMAND, XCB_LIBRARIES, problem_message

ROOT = Path(__file__).resolve().parents[2]


def all_present(_name):
    return True


def none_present(_name):
    return False


def test_no_display_is_explained_with_a_way_to_see_the_app():
    msg = problem_message({}, "linux", all_present)
    assert msg is not None
    assert "DISPLAY" in msg and "WAYLAND_DISPLAY" in msg
    assert "make screenshots" in msg and "docs/screenshots" in msg


def test_missing_libraries_are_named_with_the_debian_packages():
    missing = {"libxcb-cursor.so.0", "libxcb-xkb.so.1"}
    msg = problem_message({"DISPLAY": ":0"}, "linux", lambda so: so not in missing)
    assert "libxcb-cursor.so.0" in msg and "libxcb-xkb.so.1" in msg
    assert "libxcb-icccm.so.4" not in msg  # only what is missing
    assert APT_COMMAND in msg
    assert "sudo apt-get install libxcb-cursor0" in msg


def test_every_library_is_checked():
    seen = []
    problem_message({"DISPLAY": ":0"}, "linux", lambda so: seen.append(so) or True)
    assert set(seen) == {so for so, _ in XCB_LIBRARIES}
    assert len(seen) == 8


def test_nothing_to_say_when_display_and_libraries_are_there():
    assert problem_message({"DISPLAY": ":0"}, "linux", all_present) is None
    assert problem_message({"WAYLAND_DISPLAY": "wayland-0"}, "linux", all_present) is None


def test_offscreen_and_other_systems_skip_the_check():
    assert problem_message({"QT_QPA_PLATFORM": "offscreen"}, "linux", none_present) is None
    assert problem_message({"QT_QPA_PLATFORM": "minimal"}, "linux", none_present) is None
    assert problem_message({}, "win32", none_present) is None
    assert problem_message({}, "darwin", none_present) is None


def test_wayland_platform_needs_no_xcb_libraries():
    env = {"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    assert problem_message(env, "linux", none_present) is None


def test_check_module_does_not_import_qt():
    code = "import sys, trainer.ui.display_check; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_app_without_display_prints_the_message_and_exits_1(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["CPT_TRAINER_DB"] = str(tmp_path / "bank.sqlite")
    code = "import sys; from trainer.ui.app import main; sys.exit(main([]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "cannot open its window" in out.stderr
    assert "make screenshots" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "bank.sqlite").exists()  # nothing done before the check
