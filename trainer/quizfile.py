"""Quiz files: read, validate (every problem, with its line), normalise, and write back.

A quiz file is YAML (docs/quiz-format.md, assets/quiz.schema.json). ``load_quiz(path)``
returns a :class:`Quiz` or raises :class:`QuizFileError` listing every problem as
``file:line: message``; nothing is written anywhere by this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from trainer import yamlio
from trainer.errors import Problem, QuizFileError, TrainerError
from trainer.paths import assets_dir

MAX_BYTES = 5 * 1024 * 1024
DEFAULT_YEAR = 2026
QUESTION_TYPES = ("case", "choice", "em_level", "audit")


@dataclass
class Quiz:
    id: str
    title: str
    description: str = ""
    author: str = ""
    code_set_year: int = DEFAULT_YEAR
    licence: str = ""
    scoring_policy: str | None = None
    questions: list[dict] = field(default_factory=list)
    source: str = ""

    def meta(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "author": self.author,
            "code_set_year": self.code_set_year,
            "licence": self.licence,
            "scoring_policy": self.scoring_policy,
        }


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads((assets_dir() / "quiz.schema.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- reading


def read_text(path: str | Path, *, what: str = "quiz file", max_bytes: int = MAX_BYTES) -> str:
    """The file's text, or a QuizFileError saying plainly why it cannot be read."""
    p = Path(path)
    name = str(path)

    def fail(message: str, line: int | None = None) -> QuizFileError:
        return QuizFileError([Problem(name, line, message)])

    if not p.exists():
        raise fail(f"no such file; check the path (a {what} is a .yaml file)")
    if p.is_dir():
        raise fail(f"this is a folder, not a {what}; name the .yaml file(s) inside it")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise fail(
                f"the file is {size / 1_048_576:.1f} MB; a {what} may be at most "
                f"{max_bytes // 1_048_576} MB. Split it into several quizzes."
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(
            f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8 text; "
            "save the file as UTF-8",
            line,
        ) from None


def load_quiz(path: str | Path) -> Quiz:
    """Read and validate one quiz file. Raises QuizFileError with every problem found."""
    text = read_text(path)
    return parse_quiz(text, str(path))


def parse_quiz(text: str, source: str = "<quiz>") -> Quiz:
    problems: list[Problem] = []
    if not text.strip():
        raise QuizFileError(
            [Problem(source, None, "the file is empty; a quiz needs id, title and questions")]
        )
    try:
        data = yamlio.load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = ""
        if "end of the stream" in str(what) or (mark is not None and mark.line + 1 >= text.count("\n")):
            hint = " (is the file cut short?)"
        raise QuizFileError([Problem(source, line, f"not valid YAML: {what}{hint}")]) from None
    if not isinstance(data, dict):
        raise QuizFileError(
            [Problem(source, getattr(data, "line", 1) or 1,
                     "the file must be a YAML mapping with id, title and questions at the top")]
        )

    problems.extend(_schema_problems(data, source))
    questions = data.get("questions") if isinstance(data.get("questions"), list) else []
    normalised: list[dict] = []
    seen: dict[str, int] = {}
    year = data.get("code_set_year", DEFAULT_YEAR)
    for index, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        qline = questions.line_of(index) if isinstance(questions, yamlio.LineList) else None
        qid = q.get("id")
        if isinstance(qid, str):
            if qid in seen:
                problems.append(Problem(source, q.line_of("id") if isinstance(q, yamlio.LineDict) else qline,
                                        f'duplicate question id "{qid}" (first used on line {seen[qid]})'))
            else:
                seen[qid] = q.line_of("id") if isinstance(q, yamlio.LineDict) else (qline or 0)
        norm, qproblems = _normalise_question(q, source, year if isinstance(year, int) else DEFAULT_YEAR)
        problems.extend(qproblems)
        if norm is not None:
            normalised.append(norm)

    if problems:
        problems.sort(key=lambda p: (p.line or 0))
        raise QuizFileError(_dedupe(problems))
    return Quiz(
        id=data["id"],
        title=data["title"],
        description=data.get("description", "") or "",
        author=data.get("author", "") or "",
        code_set_year=data.get("code_set_year", DEFAULT_YEAR),
        licence=data.get("licence", "") or "",
        scoring_policy=data.get("scoring_policy"),
        questions=normalised,
        source=source,
    )


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for p in problems:
        key = (p.line, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _line_at(data: Any, path: list) -> int | None:
    """The line of the node at a jsonschema error path (the deepest one that has a line)."""
    line = getattr(data, "line", None)
    node = data
    for part in path:
        if isinstance(node, yamlio.LineDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, yamlio.LineList) and isinstance(part, int) and part < len(node):
            line = node.line_of(part)
            node = node[part]
        else:
            break
    return line


def _describe_path(path: list) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_problems(data: dict, source: str) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in validator.iter_errors(data):
        for leaf in _leaves(error):
            path = list(leaf.absolute_path)
            line = _line_at(data, path)
            where = _describe_path(path)
            problems.append(Problem(source, line, _schema_message(leaf, where)))
    return problems


def _leaves(error: jsonschema.ValidationError):
    """The most specific errors under a oneOf/anyOf/if-then, which say what to fix."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[int, list] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        inst_type = _json_type(error.instance)
        for index, subs in sorted(branches.items()):
            wanted = error.validator_value[index].get("type")
            wanted = wanted if isinstance(wanted, list) else [wanted]
            if inst_type in wanted:
                for sub in subs:
                    yield from _leaves(sub)
                return
        yield from _leaves(jsonschema.exceptions.best_match(error.context))
    else:
        yield error


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _schema_message(error: jsonschema.ValidationError, where: str) -> str:
    v = error.validator
    inst = error.instance
    at = f"{where}: " if where else ""
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        hint = {
            "answer": " (a case question needs its key: answer.lines)",
            "options": " (a choice question needs its options, one marked correct: true)",
            "key": " (an em_level question needs its key: code and the MDM elements or minutes)",
            "claim": " (an audit question needs the claim lines to judge)",
        }.get(missing, "")
        return f"{at}missing required field '{missing}'{hint}"
    if v == "additionalProperties":
        extra = sorted(set(inst) - set(error.schema.get("properties", {}))) if isinstance(inst, dict) else []
        names = ", ".join(repr(e) for e in extra) or error.message
        return f"{at}unknown field {names}; check its spelling against docs/quiz-format.md"
    if v == "enum":
        allowed = " | ".join(str(x) for x in error.validator_value)
        if where.endswith(".type") or where == "type":
            return f"{at}unknown question type {inst!r}; use one of {allowed}"
        return f"{at}{inst!r} is not allowed; use one of {allowed}"
    if v == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        hint = ""
        if isinstance(inst, (int, float)) and not isinstance(inst, bool) and "string" in str(want):
            hint = f' (put codes in quotes: "{inst}")'
        return f"{at}expected {want}, found {type(inst).__name__} {inst!r}{hint}"
    if v == "pattern":
        return f"{at}{inst!r} is not a valid id; use letters, digits, '-', '_' or '.'"
    if v in ("minItems", "minLength"):
        return f"{at}must not be empty"
    if v in ("minimum", "maximum"):
        return f"{at}{inst!r} is out of range ({error.message})"
    return f"{at}{error.message}"


# --------------------------------------------------------------------------- normalising


def _line(q: dict, key: str) -> int | None:
    return q.line_of(key) if isinstance(q, yamlio.LineDict) else None


def _code_problem(code: str, kind: str) -> str | None:
    from trainer import codes

    return codes.is_valid_shape(code, kind)


def normalise_line(item: Any, source: str, line: int | None) -> tuple[dict | None, list[Problem]]:
    """One expected answer line as {code, modifiers, units, optional, rationale}."""
    from trainer import parse

    problems: list[Problem] = []
    if isinstance(item, str):
        try:
            parsed = parse.parse_line(item)
        except TrainerError as exc:
            return None, [Problem(source, line, f"answer line {item!r}: {exc}")]
        out = {"code": parsed.code, "modifiers": list(parsed.modifiers), "units": parsed.units,
               "optional": False, "rationale": ""}
    elif isinstance(item, dict):
        raw = item.get("code")
        if not isinstance(raw, str):
            return None, []  # the schema already reported it
        code = "".join(raw.split()).upper()
        mods = []
        for m in item.get("modifiers", []) or []:
            m = str(m).strip().upper()
            reason = _code_problem(m, "modifier")
            if reason:
                problems.append(Problem(source, line, f"code {raw}: modifier {m!r}: {reason}"))
            mods.append(m)
        out = {"code": code, "modifiers": sorted(set(mods)), "units": int(item.get("units", 1) or 1),
               "optional": bool(item.get("optional", False)), "rationale": item.get("rationale", "") or ""}
    else:
        return None, []
    reason = _code_problem(out["code"], "procedure")
    if reason:
        problems.append(Problem(source, line, f'malformed code "{out["code"]}": {reason}'))
    return out, problems


def _normalise_lines(items: Any, q: dict, key_path: str, source: str) -> tuple[list[dict], list[Problem]]:
    problems: list[Problem] = []
    lines: list[dict] = []
    if not isinstance(items, list):
        return lines, problems
    for i, item in enumerate(items):
        ln = items.line_of(i) if isinstance(items, yamlio.LineList) else None
        norm, probs = normalise_line(item, source, ln)
        problems.extend(probs)
        if norm is not None:
            lines.append(norm)
    return lines, problems


def _normalise_question(q: dict, source: str, year: int) -> tuple[dict | None, list[Problem]]:
    from trainer import codes, parse

    problems: list[Problem] = []
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES or not isinstance(q.get("id"), str):
        return None, problems
    tags = [str(t) for t in q.get("tags", []) or [] if isinstance(t, (str, int))]
    difficulty = q.get("difficulty") if q.get("difficulty") in (1, 2, 3) else 2
    out: dict[str, Any] = {
        "id": q["id"],
        "type": qtype,
        "title": q.get("title", "") or "",
        "tags": tags,
        "difficulty": difficulty,
        "code_set_year": q.get("code_set_year", year),
        "scenario": q.get("scenario", "") if isinstance(q.get("scenario"), str) else "",
        "prompt": q.get("prompt", "") or "",
        "rationale": q.get("rationale", "") if isinstance(q.get("rationale"), str) else "",
    }
    if qtype == "case":
        answer = q.get("answer") if isinstance(q.get("answer"), dict) else {}
        lines, probs = _normalise_lines(answer.get("lines"), q, "answer.lines", source)
        problems.extend(probs)
        alternatives = []
        alts = answer.get("alternatives") or []
        if isinstance(alts, list):
            for alt in alts:
                alt_lines, probs = _normalise_lines(alt, q, "answer.alternatives", source)
                problems.extend(probs)
                if alt_lines:
                    alternatives.append(alt_lines)
        icd = []
        icd_items = answer.get("icd10") or []
        for i, raw in enumerate(icd_items if isinstance(icd_items, list) else []):
            if not isinstance(raw, str):
                continue
            ln = icd_items.line_of(i) if isinstance(icd_items, yamlio.LineList) else _line(answer, "icd10")
            info = codes.classify(raw, "icd10cm")
            if not info.valid:
                problems.append(Problem(source, ln, f'ICD-10-CM code "{raw}": {info.reason}'))
            elif info.billable is False:
                problems.append(Problem(source, ln, f'ICD-10-CM code "{raw}" is a heading, not a '
                                                    "billable code; key the most specific code"))
            icd.append(info.code)
        if isinstance(answer, dict) and "lines" in answer and not lines and not problems:
            problems.append(Problem(source, _line(q, "answer"), "the answer has no lines"))
        out["answer"] = {"lines": lines, "alternatives": alternatives, "icd10": icd}
    elif qtype == "choice":
        options = q.get("options") if isinstance(q.get("options"), list) else []
        opts = []
        for o in options:
            if isinstance(o, dict):
                opts.append({"text": str(o.get("text", "")), "correct": bool(o.get("correct", False)),
                             "feedback": o.get("feedback", "") or ""})
        if options and not any(o["correct"] for o in opts):
            problems.append(Problem(source, _line(q, "options"),
                                    "no option is marked correct: true; the question has no key"))
        out["options"] = opts
    elif qtype == "em_level":
        from trainer import em

        key = q.get("key") if isinstance(q.get("key"), dict) else {}
        patient = q.get("patient", "established")
        k = {
            "code": "".join(str(key.get("code", "")).split()).upper(),
            "problems": key.get("problems"),
            "data": key.get("data"),
            "risk": key.get("risk"),
            "minutes": key.get("minutes"),
            "basis": key.get("basis") or ("time" if key.get("minutes") and not key.get("problems") else "mdm"),
        }
        out["patient"] = patient
        out["key"] = k
        kline = _line(key, "code") if isinstance(key, yamlio.LineDict) else _line(q, "key")
        reason = _code_problem(k["code"], "procedure") if k["code"] else "the key has no code"
        if reason:
            problems.append(Problem(source, kline, f'malformed code "{k["code"]}": {reason}'))
        elif patient in ("new", "established"):
            try:
                if k["basis"] == "time":
                    if not k["minutes"]:
                        raise TrainerError("basis: time needs minutes")
                    expected = em.em_level(patient, minutes=k["minutes"]).code
                else:
                    if not all(k[e] for e in ("problems", "data", "risk")):
                        raise TrainerError("basis: mdm needs problems, data and risk")
                    expected = em.em_level(patient, problems=k["problems"], data=k["data"],
                                           risk=k["risk"]).code
                if expected != k["code"]:
                    problems.append(Problem(
                        source, kline,
                        f'key code {k["code"]} does not match the E/M calculator, which gives '
                        f"{expected} for these {'minutes' if k['basis'] == 'time' else 'MDM elements'}",
                    ))
            except (TrainerError, ValueError) as exc:
                problems.append(Problem(source, kline, f"em_level key: {exc}"))
    elif qtype == "audit":
        claim = q.get("claim") if isinstance(q.get("claim"), list) else []
        lines = []
        for i, c in enumerate(claim):
            if not isinstance(c, dict) or not isinstance(c.get("line"), str):
                continue
            ln = claim.line_of(i) if isinstance(claim, yamlio.LineList) else None
            for field_name in ("line", "correction"):
                text = c.get(field_name) or ""
                if text.strip():
                    parsed = parse.parse_answer(text)
                    for msg in parsed.problems:
                        problems.append(Problem(source, ln, f"claim {field_name} {text!r}: {msg}"))
                    for pl in parsed.lines:
                        reason = _code_problem(pl.code, "procedure")
                        if reason:
                            problems.append(Problem(source, ln, f'malformed code "{pl.code}": {reason}'))
            if c.get("correct") is False and "correction" not in c:
                pass  # no correction: the line should be deleted
            lines.append({"line": c["line"], "correct": bool(c.get("correct")),
                          "correction": c.get("correction", "") or "",
                          "explanation": c.get("explanation", "") or ""})
        out["claim"] = lines
    return out, problems


# --------------------------------------------------------------------------- writing


def _line_out(line: dict) -> dict:
    out: dict[str, Any] = {"code": line["code"]}
    if line.get("modifiers"):
        out["modifiers"] = list(line["modifiers"])
    if line.get("units", 1) != 1:
        out["units"] = line["units"]
    if line.get("optional"):
        out["optional"] = True
    if line.get("rationale"):
        out["rationale"] = line["rationale"]
    return out


def question_to_yaml_dict(q: dict) -> dict:
    """A normalised question as it is written in a quiz file."""
    out: dict[str, Any] = {"id": q["id"], "type": q["type"]}
    if q.get("title"):
        out["title"] = q["title"]
    out["tags"] = list(q.get("tags", []))
    out["difficulty"] = q.get("difficulty", 2)
    if q.get("code_set_year"):
        out["code_set_year"] = q["code_set_year"]
    if q["type"] == "em_level":
        out["patient"] = q.get("patient", "established")
    out["scenario"] = q.get("scenario", "")
    if q.get("prompt"):
        out["prompt"] = q["prompt"]
    if q["type"] == "case":
        a = q["answer"]
        ans: dict[str, Any] = {"lines": [_line_out(x) for x in a["lines"]]}
        if a.get("alternatives"):
            ans["alternatives"] = [[_line_out(x) for x in alt] for alt in a["alternatives"]]
        if a.get("icd10"):
            ans["icd10"] = list(a["icd10"])
        out["answer"] = ans
    elif q["type"] == "choice":
        opts = []
        for o in q["options"]:
            d: dict[str, Any] = {"text": o["text"]}
            if o.get("correct"):
                d["correct"] = True
            if o.get("feedback"):
                d["feedback"] = o["feedback"]
            opts.append(d)
        out["options"] = opts
    elif q["type"] == "em_level":
        out["key"] = {k: v for k, v in q["key"].items() if v not in (None, "")}
    elif q["type"] == "audit":
        claim = []
        for c in q["claim"]:
            d = {"line": c["line"], "correct": c["correct"]}
            if c.get("correction"):
                d["correction"] = c["correction"]
            if c.get("explanation"):
                d["explanation"] = c["explanation"]
            claim.append(d)
        out["claim"] = claim
    out["rationale"] = q.get("rationale", "")
    return out


def dump_quiz(meta: dict, questions: list[dict]) -> str:
    data: dict[str, Any] = {"id": meta["id"], "title": meta["title"]}
    for key in ("description", "author", "code_set_year", "licence", "scoring_policy"):
        if meta.get(key):
            data[key] = meta[key]
    data["questions"] = [question_to_yaml_dict(q) for q in questions]
    return yamlio.dump(data)


# --------------------------------------------------------------------------- catalog checks


def quiz_codes(quiz: Quiz) -> dict[str, list[str]]:
    """Every code a quiz keys, by kind: procedure codes, modifiers, ICD-10-CM codes."""
    from trainer import parse

    out: dict[str, list[str]] = {"procedure": [], "modifier": [], "icd10cm": []}

    def add_line(line: dict) -> None:
        out["procedure"].append(line["code"])
        out["modifier"].extend(line.get("modifiers", []))

    for q in quiz.questions:
        if q["type"] == "case":
            for lines in [q["answer"]["lines"], *q["answer"]["alternatives"]]:
                for line in lines:
                    add_line(line)
            out["icd10cm"].extend(q["answer"]["icd10"])
        elif q["type"] == "em_level":
            out["procedure"].append(q["key"]["code"])
        elif q["type"] == "audit":
            for c in q["claim"]:
                for text in (c["line"], c.get("correction") or ""):
                    for pl in parse.parse_answer(text).lines:
                        add_line({"code": pl.code, "modifiers": list(pl.modifiers)})
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def catalog_warnings(quiz: Quiz, db, text: str | None = None) -> list[Problem]:
    """Codes the catalog knows to be unknown, terminated or not billable, as warnings with the
    line where each code first appears in the file (when the file's text is given)."""
    from trainer import catalog

    lines = text.splitlines() if text else []

    def line_of(code: str) -> int | None:
        bare = code.replace(".", "")
        for i, line in enumerate(lines, 1):
            if code in line or (bare != code and bare in line):
                return i
        return None

    warnings = []
    for kind, codes_ in quiz_codes(quiz).items():
        for p in catalog.code_problems(db, codes_, kind=kind):
            warnings.append(Problem(quiz.source, line_of(p["code"]), f"warning: {p['message']}"))
    return warnings
