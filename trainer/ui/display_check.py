"""Can Qt open a real window here?  Checked before QApplication exists, without importing Qt.

On Linux, Qt's xcb platform plugin aborts the whole process with a long, unhelpful message
when there is no display or when a few X libraries are missing.  ``problem_message()`` finds
those situations first and returns words a person can act on (or ``None`` when all is well).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping

# The shared libraries the xcb platform plugin loads (soname, Debian package).
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
)

APT_COMMAND = (
    "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
    "libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0"
)

HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")

SEE_ANYWAY = (
    "To see the app without a display, run `make screenshots` and open the pictures in "
    "docs/screenshots/ (every screen is rendered offscreen there)."
)


def library_loadable(soname: str) -> bool:
    """True when the dynamic loader can open ``soname``."""
    try:
        ctypes.CDLL(soname)
        return True
    except OSError:
        pass
    base = soname.removeprefix("lib").split(".so")[0]
    found = ctypes.util.find_library(base)
    if not found:
        return False
    try:
        ctypes.CDLL(found)
        return True
    except OSError:
        return False


def missing_libraries(loader: Callable[[str], bool] = library_loadable) -> list[tuple[str, str]]:
    """The (soname, Debian package) pairs that cannot be loaded."""
    return [(so, pkg) for so, pkg in XCB_LIBRARIES if not loader(so)]


def problem_message(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    loader: Callable[[str], bool] = library_loadable,
) -> str | None:
    """What stops Qt from opening a window here, in plain words; ``None`` when nothing does."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if qpa.split(":")[0] in HEADLESS_PLATFORMS:
        return None

    wayland_only = qpa.startswith("wayland")
    has_display = bool(env.get("WAYLAND_DISPLAY")) if wayland_only else bool(
        env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    )
    missing = [] if wayland_only else missing_libraries(loader)
    if has_display and not missing:
        return None

    parts = ["CPT Trainer cannot open its window."]
    if not has_display:
        parts.append(
            "There is no graphical display: neither DISPLAY nor WAYLAND_DISPLAY is set "
            "(for example over SSH or in a container). Run the app from a desktop session, "
            "or use `ssh -X` / a virtual display such as Xvfb."
        )
    if missing:
        names = ", ".join(so for so, _ in missing)
        parts.append(
            f"Qt needs these system libraries, which are missing: {names}.\n"
            f"On Debian or Ubuntu install them with:\n    {APT_COMMAND}\n"
            "(or run `sudo make sysdeps`)."
        )
    parts.append(SEE_ANYWAY)
    return "\n\n".join(parts)
