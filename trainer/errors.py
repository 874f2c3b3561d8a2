"""One family of errors whose messages a learner or instructor can act on.

The CLI prints ``str(error)`` and exits 1; the UI shows it in a dialog. Never a traceback.
"""

from __future__ import annotations


class TrainerError(Exception):
    """Base of every error the app reports to a person."""


class BankError(TrainerError):
    """The question bank file cannot be opened, upgraded or written."""


class BankTooNewError(BankError):
    """The bank was written by a newer version of CPT Trainer."""


class NotFoundError(TrainerError):
    """A quiz, question, learner or session that does not exist."""


class Problem:
    """One problem found in an input file: where it is and what is wrong."""

    __slots__ = ("path", "line", "message")

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"


class QuizFileError(TrainerError):
    """A quiz file has one or more problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ImportFileError(TrainerError):
    """A catalog or interchange file could not be imported; nothing was written."""
