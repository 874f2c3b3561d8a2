"""The `cpt-trainer` command: with no subcommand it opens the app; subcommands are the CLI.

Thin over the core: parse arguments, call the library, print. TrainerError becomes a
message and exit status 1; usage errors exit 2 (click's own).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from trainer.cli_common import chosen_db, db_option, open_bank, reports_errors
from trainer.errors import QuizFileError, TrainerError

@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.version_option(package_name="cpt-trainer")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None) -> None:
    """CPT Trainer: learn medical coding by coding real-looking cases.

    With no command, opens the app. Commands validate, import and export quiz files,
    show bank statistics, classify codes, grade answers and search the code catalog.
    """
    if ctx.invoked_subcommand is None:
        from trainer.ui.app import main as gui_main

        argv = ["--db", str(db_path)] if db_path else []
        sys.exit(gui_main(argv))


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat catalog warnings (unknown or terminated codes) as problems.")
@db_option
def validate_cmd(paths: tuple[Path, ...], strict: bool, db_path: Path | None) -> None:
    """Check quiz files; print every problem as FILE:LINE: message.

    Codes are also checked against the code catalog (the bank's, when the bank exists, with
    whatever code sets were imported into it; else the bundled one): unknown, terminated or
    non-billable codes are warnings, or problems with --strict.
    Exit status 0 when every file is valid, 1 when problems were found.
    """
    from trainer import quizfile

    bad = 0
    db = None
    for path in paths:
        try:
            text = quizfile.read_text(path)
            quiz = quizfile.parse_quiz(text, str(path))
        except QuizFileError as exc:
            bad += 1
            for p in exc.problems:
                click.echo(str(p), err=True)
            continue
        if db is None:
            db = _catalog_db(db_path)
        warnings = quizfile.catalog_warnings(quiz, db, text)
        for w in warnings:
            click.echo(str(w), err=True)
        if strict and warnings:
            bad += 1
            continue
        click.echo(f"{path}: ok, quiz \"{quiz.id}\" with {len(quiz.questions)} questions"
                   + (f" ({len(warnings)} warning(s))" if warnings else ""))
    if bad:
        click.echo(f"{bad} of {len(paths)} file(s) have problems; nothing was changed.", err=True)
        sys.exit(1)


def _catalog_db(db_path: Path | None):
    """The catalog to check codes against: the chosen bank's if it exists, else the bundled one."""
    import sqlite_utils

    from trainer import catalog
    from trainer.paths import default_db_path

    path = chosen_db(db_path) or default_db_path()
    if path.exists():
        try:
            return open_bank(path, seed=False).db
        except TrainerError:
            pass
    return catalog.open_catalog(sqlite_utils.Database(memory=True))


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@reports_errors
def import_cmd(paths: tuple[Path, ...], db_path: Path | None) -> None:
    """Import quiz files into the bank (re-importing updates questions by id).

    Every file is checked first; if any has a problem, nothing is imported.
    """
    from trainer import quizfile

    quizzes, problems = [], []
    for path in paths:
        try:
            quizzes.append(quizfile.load_quiz(path))
        except QuizFileError as exc:
            problems.extend(exc.problems)
    if problems:
        for p in problems:
            click.echo(str(p), err=True)
        click.echo("Nothing was imported; fix the problems above and try again.", err=True)
        sys.exit(1)
    with open_bank(db_path) as bank:
        for quiz in quizzes:
            c = bank.import_quiz(quiz)
            click.echo(
                f'{quiz.source}: quiz "{quiz.id}": {c["added"]} added, {c["updated"]} updated, '
                f'{c["unchanged"]} unchanged, {c["retired"]} retired'
            )


@cli.command("export")
@click.argument("quiz_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The YAML file to write ('-' for standard output).")
@db_option
@reports_errors
def export_cmd(quiz_id: str, output: Path, db_path: Path | None) -> None:
    """Write quiz QUIZ_ID as a quiz file that imports back to the same content."""
    with open_bank(db_path) as bank:
        text = bank.export_quiz(quiz_id)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TrainerError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f'wrote quiz "{quiz_id}" to {output}')


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@db_option
@reports_errors
def stats_cmd(as_json: bool, db_path: Path | None) -> None:
    """Count the bank's questions by type, category and difficulty."""
    with open_bank(db_path) as bank:
        s = bank.stats()
    if as_json:
        click.echo(json.dumps(s, indent=2))
        return
    click.echo(format_stats(s))


@cli.command("reports")
@click.option("--all", "include_resolved", is_flag=True, help="Include reports already marked resolved.")
@click.option("--resolve", "resolve_ids", type=int, multiple=True, metavar="ID",
              help="Mark report ID resolved (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@reports_errors
def reports_cmd(include_resolved: bool, resolve_ids: tuple[int, ...], as_json: bool, db_path: Path | None) -> None:
    """Questions learners reported from the app ("Report this question"), for the instructor."""
    with open_bank(db_path) as bank:
        for rid in resolve_ids:
            bank.resolve_report(rid)
            click.echo(f"report {rid} marked resolved")
        if resolve_ids and not as_json:
            return
        rows = bank.reports(include_resolved)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No open reports.")
        return
    for r in rows:
        state = " (resolved)" if r["resolved"] else ""
        click.echo(f"#{r['id']} {r['created_at'][:16].replace('T', ' ')}  {r['question_id']} "
                   f"({r['quiz_id'] or 'unknown quiz'}) by {r['learner'] or 'unknown'}{state}")
        click.echo(f"    {r['comment'] or '(no comment)'}")


def format_stats(s: dict) -> str:
    names = {1: "1 (easy)", 2: "2 (medium)", 3: "3 (hard)"}
    out = [f"{s['quizzes']} quizzes, {s['questions']} questions", ""]

    def table(title: str, rows: dict, label=str) -> None:
        total = sum(rows.values()) or 1
        out.append(f"| {title} | questions | share |")
        out.append("|---|---:|---:|")
        for k, v in rows.items():
            out.append(f"| {label(k)} | {v} | {100 * v / total:.0f}% |")
        out.append("")

    table("type", s["by_type"])
    table("case questions by section", s["case_by_section"])
    table("main category (first tag)", s["by_main_category"])
    table("difficulty", s["by_difficulty"], lambda k: names.get(k, str(k)))
    table("tag (a question may have several)", s["by_category"])
    return "\n".join(out)


# Commands that live beside their core modules.
_COMMAND_MODULES = ("trainer.cli_grading", "trainer.cli_catalog")
for _name in _COMMAND_MODULES:
    try:
        _mod = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # still being written
        if _exc.name != _name:
            raise
        continue
    for _cmd in _mod.COMMANDS:
        cli.add_command(_cmd)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="cpt-trainer")
