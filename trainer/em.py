"""The E/M calculator for office/outpatient visits (2021 rules with the 2023-2024 updates).

One implementation used by the grader, the bank checks, the learner screens and the CLI:

- MDM: the level is the highest at which at least 2 of the 3 elements (problems, data,
  risk) meet or exceed it. With three ordered levels that is simply the middle one.
- Time: total practitioner time on the date, 2024 thresholds (met or exceeded).
- Both given: the path giving the higher code wins (``basis`` says which, or "both").
- 99211 (established only) needs neither MDM nor time.
- Prolonged service: CPT 99417 for each full 15 minutes beyond the level-5 minimum
  (60 new, 40 established); Medicare G2212 from 89 (new) / 69 (established) minutes, one
  unit per full 15 minutes from there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from trainer.errors import TrainerError

__all__ = ["LEVELS", "EmError", "EmResult", "em_level", "normalise_level", "mdm_level",
           "time_code", "mdm_code", "TIME_THRESHOLDS", "PATIENTS"]

LEVELS = ("minimal", "low", "moderate", "high")
PATIENTS = ("new", "established")
ELEMENTS = ("problems", "data", "risk")

_SYNONYMS = {
    "minimal": "minimal", "none": "minimal", "straightforward": "minimal", "min": "minimal",
    "low": "low", "limited": "low",
    "moderate": "moderate", "mod": "moderate", "medium": "moderate",
    "high": "high", "extensive": "high",
}

_MDM_CODES = {
    "new": {"minimal": "99202", "low": "99203", "moderate": "99204", "high": "99205"},
    "established": {"minimal": "99212", "low": "99213", "moderate": "99214", "high": "99215"},
}
# (minutes met or exceeded, code), highest first.
TIME_THRESHOLDS = {
    "new": ((60, "99205"), (45, "99204"), (30, "99203"), (15, "99202")),
    "established": ((40, "99215"), (30, "99214"), (20, "99213"), (10, "99212")),
}
_LEVEL5_MINUTES = {"new": 60, "established": 40}
_G2212_FROM = {"new": 89, "established": 69}
_MDM_NAMES = {"minimal": "straightforward", "low": "low", "moderate": "moderate", "high": "high"}


class EmError(TrainerError):
    """The E/M calculator was given something it cannot level."""


@dataclass
class EmResult:
    code: str
    reason: str
    basis: str                      # "mdm" | "time" | "both" | "none" (99211)
    mdm_level: str | None = None
    prolonged_units: int = 0
    prolonged_code: str | None = None
    time_code: str | None = None    # what the time path alone gives
    mdm_code: str | None = None     # what the MDM path alone gives
    led_by: tuple[str, ...] = ()    # the MDM elements that set the level

    def to_dict(self) -> dict:
        d = asdict(self)
        d["led_by"] = list(self.led_by)
        return d


def normalise_level(value, element: str = "level") -> str | None:
    """``"Limited"`` -> ``"low"``; None/"" -> None. Raises EmError for anything else."""
    if value is None:
        return None
    s = str(value).strip().lower()
    if not s:
        return None
    if s in _SYNONYMS:
        return _SYNONYMS[s]
    raise EmError(f"{element} level {value!r} is not one of minimal, low, moderate, high")


def _patient(patient) -> str:
    p = str(patient or "").strip().lower()
    if p in ("est", "established", "e"):
        return "established"
    if p in ("new", "n"):
        return "new"
    raise EmError(f"patient {patient!r} must be new or established")


def mdm_level(problems, data, risk) -> tuple[str, tuple[str, ...]]:
    """(MDM level, the elements meeting it) by the 2-of-3 rule."""
    vals = {"problems": normalise_level(problems, "problems"),
            "data": normalise_level(data, "data"),
            "risk": normalise_level(risk, "risk")}
    missing = [k for k, v in vals.items() if v is None]
    if missing:
        raise EmError("MDM needs all three elements (problems, data, risk); "
                      f"missing: {', '.join(missing)}")
    ranks = sorted(LEVELS.index(v) for v in vals.values())
    level = LEVELS[ranks[1]]
    led = tuple(k for k in ELEMENTS if LEVELS.index(vals[k]) >= ranks[1])
    return level, led


def mdm_code(patient: str, level: str) -> str:
    return _MDM_CODES[_patient(patient)][normalise_level(level)]


def time_code(patient: str, minutes) -> str | None:
    """The code total time alone supports, or None below the lowest threshold."""
    p = _patient(patient)
    m = _minutes(minutes)
    if m is None:
        return None
    for threshold, code in TIME_THRESHOLDS[p]:
        if m >= threshold:
            return code
    return None


def _minutes(minutes) -> int | None:
    if minutes is None or minutes == "":
        return None
    try:
        m = float(minutes)
    except (TypeError, ValueError):
        raise EmError(f"minutes {minutes!r} is not a number") from None
    if m != m or m < 0 or m > 24 * 60:
        raise EmError(f"minutes {minutes!r} must be between 0 and 1440")
    return int(m)


def _prolonged(p: str, m: int, payer: str) -> tuple[int, str | None]:
    if payer == "medicare":
        start = _G2212_FROM[p]
        if m < start:
            return 0, None
        return (m - start) // 15 + 1, "G2212"
    units = (m - _LEVEL5_MINUTES[p]) // 15
    return (units, "99417") if units > 0 else (0, None)


def em_level(patient: str, problems=None, data=None, risk=None, minutes=None,
             payer: str = "cpt") -> EmResult:
    """Level an office/outpatient visit. Raises EmError (a TrainerError) with a sentence
    saying what is missing or wrong."""
    p = _patient(patient)
    payer = str(payer or "cpt").strip().lower()
    if payer not in ("cpt", "medicare"):
        raise EmError(f"payer {payer!r} must be cpt or medicare")
    given = [x for x in (problems, data, risk) if x not in (None, "")]
    m = _minutes(minutes)

    mdm = led = m_code = None
    if given:
        mdm, led = mdm_level(problems, data, risk)
        m_code = _MDM_CODES[p][mdm]
    t_code = time_code(p, m) if m is not None else None

    if m_code is None and t_code is None:
        if p == "established":
            why = ("99211: an established patient visit that needs neither MDM nor time "
                   "(typically clinical staff)")
            if m is not None:
                why += f"; {m} minutes is below the 10 minutes 99212 needs"
            return EmResult("99211", why, "none", time_code=None)
        if m is not None:
            raise EmError(f"{m} minutes is below the 15 minutes a new patient visit (99202) "
                          "needs, and no MDM was given; there is no level-1 new patient code")
        raise EmError("give the MDM elements (problems, data, risk) or the total minutes")

    parts: list[str] = []
    if m_code is not None:
        vals = {"problems": normalise_level(problems), "data": normalise_level(data),
                "risk": normalise_level(risk)}
        listing = ", ".join(f"{k} {vals[k]}" for k in ELEMENTS)
        parts.append(f"MDM is {_MDM_NAMES[mdm]} ({listing}): "
                     f"{' and '.join(led)} reach{'es' if len(led) == 1 else ''} {_MDM_NAMES[mdm]}, "
                     f"and 2 of the 3 elements set the level, so {m_code}")
    if m is not None:
        if t_code is not None:
            nxt = _next_threshold(p, t_code)
            extra = f" ({nxt[0]} needed for {nxt[1]})" if nxt else ""
            parts.append(f"total time {m} minutes meets the "
                         f"{_threshold_of(p, t_code)}-minute threshold for {t_code}{extra}")
        else:
            lowest = TIME_THRESHOLDS[p][-1]
            parts.append(f"total time {m} minutes is below the {lowest[0]} minutes {lowest[1]} needs")

    if m_code is not None and t_code is not None:
        if m_code == t_code:
            code, basis = m_code, "both"
        elif int(t_code) > int(m_code):
            code, basis = t_code, "time"
        else:
            code, basis = m_code, "mdm"
    elif m_code is not None:
        code, basis = m_code, "mdm"
    else:
        code, basis = t_code, "time"

    units, pcode = 0, None
    if t_code is not None and t_code in ("99205", "99215"):
        units, pcode = _prolonged(p, m, payer)
    reason = "; ".join(parts)
    if basis == "time" and m_code is not None:
        reason += f". Time gives the higher level: {code}"
    elif basis == "mdm" and t_code is not None:
        reason += f". MDM gives the higher level: {code}"
    elif basis == "both":
        reason += f". Both paths give {code}"
    if units:
        reason += (f". Add {pcode} x{units} for prolonged time"
                   f" ({'from ' + str(_G2212_FROM[p]) + ' minutes' if pcode == 'G2212' else 'each full 15 minutes beyond ' + str(_LEVEL5_MINUTES[p])})")
    reason = reason[0].upper() + reason[1:] + "."
    return EmResult(code, reason, basis, mdm, units, pcode, t_code, m_code, tuple(led or ()))


def _threshold_of(p: str, code: str) -> int:
    return next(t for t, c in TIME_THRESHOLDS[p] if c == code)


def _next_threshold(p: str, code: str):
    rows = TIME_THRESHOLDS[p]
    for i, (_t, c) in enumerate(rows):
        if c == code:
            return rows[i - 1] if i > 0 else None
    return None
