"""Read coded answers the way coders type them.

``parse_answer("99213-25, 20610 rt; J1030 x2")`` gives three structured lines. Lines are
separated by commas, semicolons or new lines. Within a line: the code first, then
modifiers (2 characters each, after ``-`` or a space) and the units in any of these
spellings: ``x2``, ``×2``, ``* 2``, ``2 units``, ``units 2``, ``(3)``, or a bare
1-digit number. A fragment that cannot be read becomes one problem sentence in
``ParseResult.problems``; ``parse_answer`` never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from trainer.codes import _icd_normalise, is_valid_shape
from trainer.errors import TrainerError

__all__ = ["AnswerLine", "ParseResult", "AnswerParseError", "parse_answer", "parse_line",
           "MAX_UNITS", "MAX_LINES"]

MAX_UNITS = 9999
MAX_LINES = 500          # fragments beyond this are reported, not read
_MAX_FRAGMENT = 120      # characters; longer fragments are reported, not read


class AnswerParseError(TrainerError):
    """One fragment of a coded answer could not be read."""


@dataclass(frozen=True)
class AnswerLine:
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1

    def __post_init__(self):
        # Keep the documented invariant whoever builds the line: modifiers sorted, upper
        # case, de-duplicated.
        mods = tuple(sorted({str(m).strip().upper() for m in self.modifiers if str(m).strip()}))
        if mods != self.modifiers:
            object.__setattr__(self, "modifiers", mods)

    def __str__(self) -> str:
        s = self.code
        if self.modifiers:
            s += "-" + "-".join(self.modifiers)
        if self.units != 1:
            s += f" x{self.units}"
        return s

    def to_dict(self) -> dict:
        return {"code": self.code, "modifiers": list(self.modifiers), "units": self.units}


@dataclass
class ParseResult:
    lines: list[AnswerLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"lines": [ln.to_dict() for ln in self.lines], "problems": list(self.problems)}


_SPLIT = re.compile(r"[,;\n\r]+")
# Rewrites applied to an upper-cased fragment before tokenising. The look-behinds keep
# them from reading digits inside a code ("0001U" is a code, not "1 unit").
_RE_PAREN_UNITS = re.compile(r"\(\s*(?:X\s*)?(\d+)\s*(?:UNITS?)?\s*\)")
_RE_N_UNITS = re.compile(r"(?<![0-9A-Z])(\d+)\s*(?:UNITS?|UNT)\b|(?<![0-9A-Z])(\d+)\s+U\b")
_RE_UNITS_N = re.compile(r"(?<![0-9A-Z])(?:UNITS?|UNT)\s*[:=]?\s*(\d+)\b")
_RE_LEADING_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•·]|#\d+)\s+")
_RE_MOD_WORD = re.compile(r"\bMOD(?:IFIERS?)?\b[:]?")
_RE_CODE_TIMES = re.compile(r"^([0-9A-Z.]+?)[X*](\d+)$")
_RE_HEAD = re.compile(r"\s*([^\s\-–—/+(]+)(.*)$", re.S)
_RE_XN = re.compile(r"^[X*](\d+)$")
_TOKEN = re.compile(r"[\s\-–—/+]+")


def _fail(fragment: str, why: str) -> AnswerParseError:
    return AnswerParseError(f"Could not read \"{fragment}\": {why}.")


def _units(value: str, fragment: str) -> int:
    n = int(value)
    if n < 1:
        raise _fail(fragment, "units must be at least 1")
    if n > MAX_UNITS:
        raise _fail(fragment, f"{n} units is more than {MAX_UNITS}")
    return n


@lru_cache(maxsize=65536)
def _parse_cached(text: str, kind: str) -> AnswerLine | str:
    """The line, or the problem sentence. Learners type the same fragments again and
    again, so this is cached (AnswerLine is immutable)."""
    try:
        return _parse_line(text, kind)
    except AnswerParseError as e:
        return str(e)


def parse_line(text: str, kind: str = "procedure") -> AnswerLine:
    """One line: ``"99213-25"``, ``"20610 rt"``, ``"J1030 x2"``, ``"M1711"`` (kind icd10cm).

    Raises :class:`AnswerParseError` (a TrainerError) with a sentence naming the fragment.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > 4 * _MAX_FRAGMENT:
        return _parse_line(text, kind)
    r = _parse_cached(text, kind)
    if isinstance(r, str):
        raise AnswerParseError(r)
    return r


def _parse_line(text: str, kind: str = "procedure") -> AnswerLine:
    """One line: ``"99213-25"``, ``"20610 rt"``, ``"J1030 x2"``, ``"M1711"`` (kind icd10cm).

    Raises :class:`AnswerParseError` (a TrainerError) with a sentence naming the fragment.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    original = text.strip()
    shown = original if len(original) <= 60 else original[:57] + "..."
    if not original:
        raise _fail(shown, "it is empty")
    if len(original) > _MAX_FRAGMENT:
        raise _fail(shown, f"a line has at most {_MAX_FRAGMENT} characters")
    s = original.upper().replace("×", "X").replace("＊", "*")
    s = _RE_LEADING_NUMBER.sub("", s)

    if kind == "icd10cm":
        code = re.sub(r"\s+", "", s)
        reason = is_valid_shape(code, "icd10cm")
        if reason is not None:
            raise _fail(shown, reason)
        return AnswerLine(_icd_normalise(code))
    if kind != "procedure":
        raise _fail(shown, f"unknown kind {kind!r}: use procedure or icd10cm")

    units: int | None = None

    def take_units(m: re.Match) -> str:
        nonlocal units
        value = next(g for g in m.groups() if g is not None)
        if units is not None:
            raise _fail(shown, "the units are given twice")
        units = _units(value, shown)
        return " "

    s = _RE_MOD_WORD.sub(" ", s)
    head = _RE_HEAD.match(s)
    if head is None:
        raise _fail(shown, "there is no code in it")
    code, s = head.group(1), head.group(2)
    m = _RE_CODE_TIMES.match(code)
    if m and is_valid_shape(m.group(1), "procedure") is None:
        code = m.group(1)
        units = _units(m.group(2), shown)
    s = _RE_PAREN_UNITS.sub(take_units, s)
    s = _RE_N_UNITS.sub(take_units, s)
    s = _RE_UNITS_N.sub(take_units, s)
    tokens = [t for t in _TOKEN.split(s) if t]
    reason = is_valid_shape(code, "procedure")
    if reason is not None:
        raise _fail(shown, reason)
    modifiers: list[str] = []
    rest = tokens
    i = 0
    while i < len(rest):
        tok = rest[i]
        if tok in ("X", "*") and i + 1 < len(rest) and rest[i + 1].isdigit():
            if units is not None:
                raise _fail(shown, "the units are given twice")
            units = _units(rest[i + 1], shown)
            i += 2
            continue
        mt = _RE_XN.match(tok)
        if mt:
            if units is not None:
                raise _fail(shown, "the units are given twice")
            units = _units(mt.group(1), shown)
        elif len(tok) == 2 and tok.isalnum():
            modifiers.append(tok)
        elif len(tok) == 1 and tok.isdigit():
            if units is not None:
                raise _fail(shown, "the units are given twice")
            units = _units(tok, shown)
        else:
            raise _fail(shown, f"\"{tok}\" is neither a modifier (2 characters, e.g. 25 or RT) "
                               "nor a unit count (e.g. x2)")
        i += 1
    return AnswerLine(code, tuple(modifiers), 1 if units is None else units)


def parse_answer(text, kind: str = "procedure") -> ParseResult:
    """Every line of a coded answer; unreadable fragments become problems. Never raises."""
    result = ParseResult()
    if text is None:
        return result
    if isinstance(text, (list, tuple)):
        # Items may be AnswerLine objects or strings; keep their order.
        items = list(text)
    elif not isinstance(text, str):
        items = [str(text)]
    else:
        items = [text]
    fragments: list = []
    for item in items:
        if isinstance(item, AnswerLine):
            fragments.append(item)
            continue
        parts = _SPLIT.split("" if item is None else str(item))
        if kind == "icd10cm":
            # Diagnosis lists are also written with spaces between codes.
            parts = [f for frag in parts for f in frag.split()]
        fragments.extend(parts)
    count = 0
    for frag in fragments:
        if isinstance(frag, AnswerLine):
            result.lines.append(frag)
            continue
        if not frag.strip():
            continue
        count += 1
        if count > MAX_LINES:
            result.problems.append(
                f"Only the first {MAX_LINES} lines were read; the rest were ignored.")
            break
        try:
            result.lines.append(parse_line(frag, kind))
        except TrainerError as e:
            result.problems.append(str(e))
        except Exception as e:  # pragma: no cover - belt and braces: never raise
            result.problems.append(f"Could not read \"{frag.strip()[:60]}\": {e}.")
    return result
