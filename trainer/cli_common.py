"""What every `cpt-trainer` subcommand shares: the --db option, opening the bank, errors."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from trainer.errors import TrainerError
from trainer.paths import ENV_DB

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The question bank file (default: ${ENV_DB}, else bank.sqlite in your data folder).",
)


def reports_errors(func):
    """Turn TrainerError into a plain message on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except TrainerError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper


def chosen_db(db_path: Path | None) -> Path | None:
    """The bank named on the subcommand, else on the command itself (`cpt-trainer --db X stats`)."""
    if db_path is None:
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            db_path = ctx.find_root().params.get("db_path")
    return db_path


def open_bank(db_path: Path | None, *, seed: bool = True):
    from trainer.store import Bank

    return Bank.open(chosen_db(db_path), seed=seed)
