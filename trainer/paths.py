"""Where the app keeps its files, and where the bundled data is."""

from __future__ import annotations

import os
from importlib import resources
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
    """A bundled folder: the installed package data, or the source tree's top-level folder."""
    try:
        res = resources.files(f"trainer.{name}")
        path = Path(str(res))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / name


def quizzes_dir() -> Path:
    return _bundled("quizzes")


def assets_dir() -> Path:
    return _bundled("assets")
