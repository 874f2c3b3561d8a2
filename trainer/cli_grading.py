"""CLI commands for the scoring engine: ``classify``, ``score``, ``em-level``.

Thin over trainer.codes, trainer.grading and trainer.em. trainer/cli.py registers
``COMMANDS``. Usage problems raise click.UsageError (exit 2); TrainerError from the core
becomes a message on stderr and exit 1.
"""

from __future__ import annotations

import json

import click

from trainer.cli_common import db_option, open_bank, reports_errors


def _print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command("classify")
@click.argument("codes", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(["procedure", "icd10cm", "modifier"]), default=None,
              help="What the codes are (default: guess from the shape; write ICD-10-CM "
                   "codes with their dot, or use --kind icd10cm).")
def classify_cmd(codes: tuple[str, ...], kind: str | None) -> None:
    """Say what each CODE is: system, category, section, E/M family and level, or why it
    is not valid. Prints a JSON list, one object per code."""
    from trainer.codes import classify, grading_category

    out = []
    for code in codes:
        info = classify(code, kind)
        d = info.to_dict()
        d["grading_category"] = grading_category(info)
        out.append(d)
    _print_json(out)


@click.command("score")
@click.option("--expected", default=None, help='The expected lines, e.g. "99213-25, 20610-RT".')
@click.option("--answer", default="", help='The answer to grade, e.g. "20610 rt, 99214".')
@click.option("--icd10-expected", default=None, help='Expected ICD-10-CM codes, e.g. "M17.11".')
@click.option("--icd10", "icd10_answer", default="", help="The answered ICD-10-CM codes.")
@click.option("--question", "question_id", default=None, help="Grade against this bank question.")
@click.option("--response", "response_json", default=None,
              help="For choice, em_level and audit questions: the response as JSON "
                   '(e.g. "[0, 2]" or \'{"code": "99214", "problems": "moderate"}\').')
@click.option("--policy", type=click.Choice(["strict", "standard", "lenient"]), default=None,
              help="Scoring policy (default: the quiz's, else standard).")
@db_option
@reports_errors
def score_cmd(expected, answer, icd10_expected, icd10_answer, question_id, response_json,
              policy, db_path) -> None:
    """Grade an answer and print JSON: score, lines (expected, answered, match, problems,
    feedback) and by_category. An unreadable answer still prints JSON with its problems."""
    from trainer import grading

    if question_id and expected:
        raise click.UsageError("give either --question or --expected, not both")
    if not question_id and not expected:
        raise click.UsageError("give --expected LINES (or --question ID) and --answer")
    if question_id:
        bank = open_bank(db_path)
        try:
            question = bank.get_question(question_id)
        finally:
            bank.close()
        qtype = question.get("type", "case")
        if qtype == "case":
            if response_json is not None:
                raise click.UsageError("--response is for choice, em_level and audit questions; "
                                       "use --answer (and --icd10) for a case")
            response = {"codes": answer, "icd10": icd10_answer}
        else:
            if response_json is None:
                raise click.UsageError(f"question {question_id} is a {qtype} question: "
                                       "give the response with --response JSON")
            try:
                response = json.loads(response_json)
            except json.JSONDecodeError as exc:
                raise click.UsageError(f"--response is not valid JSON: {exc}") from None
        result = grading.grade(question, response, policy)
    else:
        try:
            result = grading.grade_case(expected, answer, icd10_expected=icd10_expected or (),
                                        icd10_answer=icd10_answer, policy=policy or "standard")
        except grading.GradingError as exc:
            raise click.UsageError(f"--expected: {exc}") from None
    _print_json(result.to_dict())


@click.command("em-level")
@click.option("--patient", type=click.Choice(["new", "established"]), required=True)
@click.option("--problems", default=None, help="minimal | low | moderate | high")
@click.option("--data", default=None, help="minimal | low (limited) | moderate | high (extensive)")
@click.option("--risk", default=None, help="minimal | low | moderate | high")
@click.option("--minutes", type=click.IntRange(0, 1440), default=None,
              help="Total practitioner time on the date of the encounter.")
@click.option("--payer", type=click.Choice(["cpt", "medicare"]), default="cpt",
              help="Prolonged time: 99417 (cpt) or G2212 (medicare).")
@click.option("--json", "as_json", is_flag=True, help='Print {"code": ..., "reason": ...} as JSON.')
@reports_errors
def em_level_cmd(patient, problems, data, risk, minutes, payer, as_json) -> None:
    """Level an office/outpatient visit by MDM (2 of 3 elements) or total time.

    Give --problems, --data and --risk, or --minutes, or both (the higher level wins).
    An established patient with neither gives 99211.
    """
    from trainer.em import EmError, em_level

    mdm = [problems, data, risk]
    if any(mdm) and not all(mdm):
        raise click.UsageError("give all three of --problems, --data and --risk (or use --minutes)")
    try:
        r = em_level(patient, problems, data, risk, minutes, payer)
    except EmError as exc:
        if "level" in str(exc) and "not one of" in str(exc):
            raise click.UsageError(str(exc)) from None
        raise
    if as_json:
        _print_json(r.to_dict())
        return
    click.echo(r.code + (f" + {r.prolonged_code} x{r.prolonged_units}" if r.prolonged_units else ""))
    click.echo(r.reason)


COMMANDS = [classify_cmd, score_cmd, em_level_cmd]
