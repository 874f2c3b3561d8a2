"""Where the app keeps its files, and where the bundled data is."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "CPT Trainer"
APP_AUTHOR = "CPT Trainer"
ENV_DB = "CPT_TRAINER_DB"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    """The bank used when neither --db nor CPT_TRAINER_DB names one."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "bank.sqlite"


def _bundled(name: str) -> Path:
    """A bundled folder: inside the installed package (trainer/<name>, as a wheel maps it),
    else the source tree's top-level folder (an editable install or a checkout)."""
    here = Path(__file__).resolve().parent
    inside = here / name
    if inside.is_dir():
        return inside
    return here.parent / name


def quizzes_dir() -> Path:
    return _bundled("quizzes")


def assets_dir() -> Path:
    return _bundled("assets")
