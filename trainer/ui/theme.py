"""Light and dark looks, chosen from the system's colour scheme, and the match-kind colours."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from trainer.paths import assets_dir

# What each match kind looks like: (label, light background, dark background, text symbol).
MATCH_KINDS: dict[str, tuple[str, str, str, str]] = {
    "exact": ("Correct", "#d9f2df", "#1f4d2b", "✔"),
    "partial": ("Partly right", "#fdeec2", "#5a4710", "◐"),
    "family": ("Same family", "#fde0c8", "#5c3515", "≈"),
    "section": ("Same section", "#fde0c8", "#5c3515", "≈"),
    "category": ("Same category", "#fde0c8", "#5c3515", "≈"),
    "missing": ("Missing", "#fad4d4", "#5e1f1f", "✘"),
    "extra": ("Extra line", "#fad4d4", "#5e1f1f", "✘"),
    "wrong": ("Wrong", "#fad4d4", "#5e1f1f", "✘"),
    "optional": ("Optional, left out", "#e6eaee", "#2a3038", "○"),
}
ACCENT_FOREGROUND = {
    "exact": ("#17672e", "#8fe0a4"),
    "partial": ("#8a6200", "#f3cf6b"),
    "family": ("#a1480e", "#f5a86b"),
    "section": ("#a1480e", "#f5a86b"),
    "category": ("#a1480e", "#f5a86b"),
    "missing": ("#a32020", "#f39a9a"),
    "extra": ("#a32020", "#f39a9a"),
    "wrong": ("#a32020", "#f39a9a"),
    "optional": ("#5d6873", "#a7b0ba"),
}

_current = {"dark": False}


def is_dark() -> bool:
    return _current["dark"]


def system_prefers_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    try:
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:  # Qt < 6.5
        return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def match_label(kind: str) -> str:
    return QApplication.translate("Match", MATCH_KINDS.get(kind, (kind.title(),))[0])


MATCH_EXPLAINED = {
    "exact": "The line matches the key exactly.",
    "partial": "Right code, but a modifier or the units differ.",
    "family": "Wrong code from the right family of codes (a near miss).",
    "section": "Wrong code, though in the right section.",
    "category": "Wrong code, though in the right category.",
    "missing": "The key has this line and your answer does not.",
    "extra": "Your answer has a line the key does not.",
    "wrong": "This answer is not the right one.",
    "optional": "An optional line: leaving it out costs nothing.",
}


def match_explained(kind: str) -> str:
    return QApplication.translate("Match", MATCH_EXPLAINED.get(kind, ""))


def match_symbol(kind: str) -> str:
    return MATCH_KINDS.get(kind, ("", "", "", "•"))[3]


def match_background(kind: str) -> QColor | None:
    spec = MATCH_KINDS.get(kind)
    if not spec:
        return None
    return QColor(spec[2] if is_dark() else spec[1])


def match_foreground(kind: str) -> QColor | None:
    spec = ACCENT_FOREGROUND.get(kind)
    if not spec:
        return None
    return QColor(spec[1] if is_dark() else spec[0])


def note_font() -> QFont:
    """A readable serif for clinical notes (falls back to the platform's serif)."""
    families = set(QFontDatabase.families())
    for name in ("Source Serif 4", "Charter", "Georgia", "DejaVu Serif", "Noto Serif", "Liberation Serif"):
        if name in families:
            font = QFont(name)
            break
    else:
        font = QFont()
        font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(11.5)
    return font


def _palette(dark: bool) -> QPalette:
    pal = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#1e2227",
            QPalette.ColorRole.WindowText: "#e6e8eb",
            QPalette.ColorRole.Base: "#15181c",
            QPalette.ColorRole.AlternateBase: "#22272d",
            QPalette.ColorRole.Text: "#e6e8eb",
            QPalette.ColorRole.Button: "#2a3038",
            QPalette.ColorRole.ButtonText: "#e6e8eb",
            QPalette.ColorRole.Highlight: "#3d7bd9",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2a3038",
            QPalette.ColorRole.ToolTipText: "#e6e8eb",
            QPalette.ColorRole.PlaceholderText: "#8a939e",
            QPalette.ColorRole.Link: "#7fb0ff",
        }
    else:
        colors = {
            QPalette.ColorRole.Window: "#f4f6f8",
            QPalette.ColorRole.WindowText: "#1d2329",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f1f4f7",
            QPalette.ColorRole.Text: "#1d2329",
            QPalette.ColorRole.Button: "#e9edf1",
            QPalette.ColorRole.ButtonText: "#1d2329",
            QPalette.ColorRole.Highlight: "#2463c7",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1d2329",
            QPalette.ColorRole.PlaceholderText: "#7b8591",
            QPalette.ColorRole.Link: "#1f5fbf",
        }
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    disabled = QColor("#6b737c" if dark else "#9aa3ad")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return pal


def stylesheet(dark: bool) -> str:
    path = Path(assets_dir()) / "styles" / ("dark.qss" if dark else "light.qss")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.replace("@ICONS@", (Path(assets_dir()) / "icons").as_posix())


def apply_theme(app: QApplication, dark: bool | None = None) -> bool:
    """Apply the light or dark look (the system's choice when ``dark`` is None)."""
    if dark is None:
        dark = system_prefers_dark()
    _current["dark"] = dark
    app.setStyle("Fusion")
    app.setPalette(_palette(dark))
    app.setStyleSheet(stylesheet(dark))
    return dark


def follow_system(app: QApplication) -> None:
    """Re-apply the theme whenever the system switches between light and dark."""
    try:
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda *_: apply_theme(app))
    except AttributeError:
        pass
