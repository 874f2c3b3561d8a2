"""Catalog importers: CMS HCPCS, ICD-10-CM (from the bundled package), a licensed CPT
file, and the CMS NCCI procedure-to-procedure edits and medically unlikely edits.

Every importer reads and checks the whole input before it writes, then writes in one
transaction: a bad file raises :class:`~trainer.errors.ImportFileError` with
``FILE:LINE: what is wrong; what to do`` and leaves the catalog as it was. Importing the
same file twice changes nothing the second time. Progress goes to ``progress(done,
total)``; raising :class:`ImportCancelled` from it stops the import and rolls it back.

Use :func:`run_import` (or the CLI ``cpt-trainer catalog import KIND FILE``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from trainer.errors import ImportFileError, TrainerError

__all__ = ["ImportSummary", "ImportCancelled", "KINDS", "run_import", "needs_file"]

ProgressFn = Callable[[int, int], None] | None


class ImportCancelled(TrainerError):
    """Raised from a progress callback to stop an import; nothing is written."""

    def __init__(self, message: str = "import cancelled; the catalog was not changed"):
        super().__init__(message)


@dataclass
class ImportSummary:
    """What an import did. ``str(summary)`` is a sentence for people."""

    kind: str
    source: str
    file: str | None = None
    read: int = 0
    added: int = 0
    updated: int = 0
    terminated: int = 0
    unchanged: int = 0
    what: str = "codes"
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.terminated)

    @property
    def message(self) -> str:
        where = f" from {Path(self.file).name}" if self.file else ""
        head = f"{self.source}{where}: {self.read:,} {self.what} read"
        if not self.changed:
            text = f"{head}; the catalog already had all of them, nothing changed."
        else:
            parts = [f"{self.added:,} added", f"{self.updated:,} updated",
                     f"{self.terminated:,} marked terminated", f"{self.unchanged:,} unchanged"]
            text = f"{head}; " + ", ".join(parts) + "."
        if self.notes:
            text += " " + " ".join(self.notes)
        return text

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source, "file": self.file,
                "read": self.read, "added": self.added, "updated": self.updated,
                "terminated": self.terminated, "unchanged": self.unchanged,
                "message": self.message}


class Ticker:
    """Throttled progress: at most ~200 calls per import, always a final (total, total)."""

    def __init__(self, progress: ProgressFn, total: int):
        self.progress = progress
        self.total = max(1, int(total))
        self.step = max(1, self.total // 200)
        self._last = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.progress is None:
            return
        if total is not None:
            self.total = max(1, int(total))
            self.step = max(1, self.total // 200)
        done = min(int(done), self.total)
        if done == self.total or done - self._last >= self.step:
            self._last = done
            self.progress(done, self.total)

    def done(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def file_error(path: str | Path, line: int | None, message: str) -> ImportFileError:
    name = Path(path).name if path else "input"
    return ImportFileError(f"{name}:{line}: {message}" if line else f"{name}: {message}")


KINDS = ("hcpcs", "icd10cm", "cpt", "ncci-ptp", "mue")


def needs_file(kind: str) -> bool:
    return kind != "icd10cm"


def run_import(db: sqlite_utils.Database, kind: str, path: str | Path | None = None, *,
               progress: ProgressFn = None) -> ImportSummary:
    """Import ``path`` as ``kind`` (hcpcs, icd10cm, cpt, ncci-ptp, mue) into the catalog."""
    from trainer import catalog

    catalog.MIGRATIONS.apply(db)
    kind = (kind or "").strip().lower().replace("_", "-")
    if kind not in KINDS:
        raise TrainerError(f'unknown import kind "{kind}"; use one of: {", ".join(KINDS)}')
    if needs_file(kind):
        if path is None:
            raise TrainerError(f"the {kind} import needs a FILE to read")
        p = Path(path)
        if not p.exists():
            raise ImportFileError(f"{p}: no such file; check the path")
        if p.is_dir():
            raise ImportFileError(f"{p}: is a folder; give the file inside it")
    if kind == "hcpcs":
        from trainer.importers.hcpcs import import_hcpcs as fn
    elif kind == "icd10cm":
        from trainer.importers.icd10cm import import_icd10cm

        return import_icd10cm(db, progress=progress)
    elif kind == "cpt":
        from trainer.importers.cpt import import_cpt as fn
    elif kind == "ncci-ptp":
        from trainer.importers.ncci import import_ncci_ptp as fn
    else:
        from trainer.importers.ncci import import_mue as fn
    return fn(db, Path(path), progress=progress)
