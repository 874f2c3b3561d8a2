"""The code catalog: every CPT, HCPCS Level II, ICD-10-CM code and modifier the app knows.

Qt-free. One table of codes (``catalog``) with a full-text index (``catalog_fts``), a
browse tree (``catalog_tree``), the NCCI procedure-to-procedure edits (``ncci_ptp``) and
medically unlikely edits (``mue``). The store applies :data:`MIGRATIONS` after its own and
then calls :func:`ensure_bundled`. The public API is documented in ``docs/catalog.md``.

Code numbers only: every summary here or in ``assets/catalog`` is our own wording, never
an official CPT descriptor. Official descriptors only enter a bank through
``cpt-trainer catalog import cpt FILE`` run by a licensed user on their own machine.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from trainer.paths import assets_dir

__all__ = [
    "MIGRATIONS",
    "SOURCE_BUNDLED",
    "SOURCE_LICENSED_CPT",
    "ensure_bundled",
    "open_catalog",
    "normalize_code",
    "code_key",
    "describe",
    "search",
    "lookup",
    "browse",
    "codes_under",
    "child_codes",
    "stats",
    "unknown_codes",
    "code_problems",
    "ncci_pairs",
    "mue_limit",
    "catalog_notes",
    "merge_codes",
]

MIGRATIONS = Migrations("catalog")

SOURCE_BUNDLED = "bundled summary"
SOURCE_LICENSED_CPT = "licensed CPT file"
SYSTEMS = ("cpt", "hcpcs", "icd10cm", "modifier")
SYSTEM_LABELS = {
    "cpt": "CPT",
    "hcpcs": "HCPCS Level II",
    "icd10cm": "ICD-10-CM",
    "modifier": "Modifier",
}
# Bump when the way bundled content is loaded changes (not for edits of the asset files:
# their digest already triggers a reload).
BUNDLE_FORMAT = 1

# Columns of a catalog row, in table order (``id`` excluded).
CODE_FIELDS = (
    "code", "key", "system", "category", "section", "subsection", "family",
    "summary", "keywords", "source", "status", "added", "effective", "terminated",
    "billable", "parent",
)
RESULT_FIELDS = (
    "code", "system", "category", "section", "subsection", "family", "summary",
    "source", "status", "added", "effective", "terminated", "billable", "parent",
)


# ----------------------------------------------------------------------------- schema

@MIGRATIONS()
def m001_catalog(db: sqlite_utils.Database) -> None:
    """Codes, their full-text index, the browse tree, NCCI/MUE tables and the import log."""
    db.execute(
        """
        CREATE TABLE catalog (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL,          -- as written: 99213, J1030, M17.11, 25, LT
            key TEXT NOT NULL,           -- upper case, no dot: the search and join key
            system TEXT NOT NULL,        -- cpt | hcpcs | icd10cm | modifier
            category TEXT,               -- CPT Category I/II/III, CPT PLA, HCPCS Level II, ...
            section TEXT,                -- E/M, Surgery, J, Chapter 13, ...
            subsection TEXT,             -- Integumentary, chapter name, ICD block, ...
            family TEXT,                 -- E/M family, ICD category, ...
            summary TEXT,                -- our words, CMS or CDC text, or a licensed descriptor
            keywords TEXT,               -- words of the section/chapter, searchable only
            source TEXT NOT NULL,        -- bundled summary | CMS HCPCS 2020 | ICD-10-CM ... | licensed CPT file
            status TEXT NOT NULL DEFAULT 'active',  -- active | terminated
            added TEXT,                  -- ISO dates when known
            effective TEXT,
            terminated TEXT,
            billable INTEGER,            -- 1 billable, 0 a heading (ICD-10-CM), NULL unknown
            parent TEXT                  -- ICD-10-CM: the code one level up
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX catalog_system_key ON catalog (system, key)")
    db.execute("CREATE INDEX catalog_key ON catalog (key)")
    db.execute("CREATE INDEX catalog_browse ON catalog (system, section, subsection, key)")
    db.execute("CREATE INDEX catalog_parent ON catalog (system, parent)")
    db.execute(
        """
        CREATE VIRTUAL TABLE catalog_fts USING fts5 (
            summary, keywords,
            content='catalog', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2',
            prefix='2 3'
        )
        """
    )
    db.executescript(
        """
        CREATE TRIGGER catalog_ai AFTER INSERT ON catalog BEGIN
          INSERT INTO catalog_fts (rowid, summary, keywords)
          VALUES (new.id, new.summary, new.keywords);
        END;
        CREATE TRIGGER catalog_ad AFTER DELETE ON catalog BEGIN
          INSERT INTO catalog_fts (catalog_fts, rowid, summary, keywords)
          VALUES ('delete', old.id, old.summary, old.keywords);
        END;
        CREATE TRIGGER catalog_au AFTER UPDATE OF summary, keywords ON catalog BEGIN
          INSERT INTO catalog_fts (catalog_fts, rowid, summary, keywords)
          VALUES ('delete', old.id, old.summary, old.keywords);
          INSERT INTO catalog_fts (rowid, summary, keywords)
          VALUES (new.id, new.summary, new.keywords);
        END;
        """
    )
    db.execute(
        """
        CREATE TABLE catalog_tree (
            id TEXT PRIMARY KEY,        -- cpt/surgery/integumentary, icd10cm/M15-M19, ...
            parent TEXT,                -- NULL for the four roots
            system TEXT NOT NULL,
            level TEXT NOT NULL,        -- root | section | subsection | family | chapter | block
            label TEXT NOT NULL,
            filter TEXT NOT NULL,       -- JSON: catalog column -> value for the codes under it
            sort INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL        -- bundled | ICD-10-CM ...
        )
        """
    )
    db.execute("CREATE INDEX catalog_tree_parent ON catalog_tree (parent, sort)")
    db.execute("CREATE TABLE catalog_meta (name TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        """
        CREATE TABLE catalog_imports (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            file TEXT,
            sha256 TEXT,
            source TEXT,
            imported_at TEXT NOT NULL,
            added INTEGER, updated INTEGER, terminated INTEGER, unchanged INTEGER
        )
        """
    )
    db.execute(
        """
        CREATE TABLE ncci_ptp (
            column1 TEXT NOT NULL,
            column2 TEXT NOT NULL,
            effective TEXT NOT NULL,
            deletion TEXT,
            modifier_indicator INTEGER NOT NULL,  -- 0 never, 1 allowed, 9 not applicable
            rationale TEXT,
            source TEXT,
            PRIMARY KEY (column1, column2, effective)
        )
        """
    )
    db.execute("CREATE INDEX ncci_ptp_column2 ON ncci_ptp (column2, column1)")
    db.execute(
        """
        CREATE TABLE mue (
            code TEXT NOT NULL,
            setting TEXT NOT NULL,      -- practitioner | outpatient hospital | DME supplier
            value INTEGER NOT NULL,
            indicator INTEGER NOT NULL, -- adjudication: 1 per line, 2 per day (policy), 3 per day (clinical)
            rationale TEXT,
            source TEXT,
            PRIMARY KEY (code, setting)
        )
        """
    )


@MIGRATIONS()
def m002_fts_vocabulary(db: sqlite_utils.Database) -> None:
    """The FTS vocabulary, used to find the very common words (searched whole, not as
    prefixes, so that a query stays fast)."""
    db.execute("CREATE VIRTUAL TABLE catalog_fts_vocab USING fts5vocab(catalog_fts, 'row')")


def open_catalog(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """Apply the catalog migrations and the bundled content to ``db``; return it.

    The store does this itself; use it for a bare database (tests, tools)."""
    MIGRATIONS.apply(db)
    ensure_bundled(db)
    return db


# ----------------------------------------------------------------------------- codes

_SPACE = re.compile(r"\s+")
_NOT_KEY = re.compile(r"[^0-9A-Z]")
_RE_ICD_DOTTED = re.compile(r"^[A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}$")


def normalize_code(code: Any) -> str:
    """A code as the catalog writes it: upper case, no spaces (``" j1030 "`` -> ``J1030``)."""
    if code is None:
        return ""
    return _SPACE.sub("", str(code)).upper()


def code_key(code: Any) -> str:
    """The search key of a code: upper case letters and digits only (``M17.11`` -> ``M1711``)."""
    return _NOT_KEY.sub("", normalize_code(code))


_FALLBACK_HCPCS_CHAPTERS: dict[str, str] = {}


def describe(code: str, kind: str | None = None) -> dict:
    """System, category, section, subsection, family and validity of ``code``.

    Uses ``trainer.codes.classify``; falls back to shape rules when that module is missing.
    ``kind``: None (guess), ``procedure``, ``icd10cm`` or ``modifier``.
    """
    c = normalize_code(code)
    try:
        from trainer.codes import classify
    except ImportError:  # pragma: no cover - codes.py is part of the app
        classify = None
    if classify is not None:
        info = classify(c, kind)
        return {
            "code": info.code, "valid": info.valid, "system": info.system,
            "category": info.category, "section": info.section,
            "subsection": info.subsection, "family": info.family,
            "reason": info.reason,
        }
    return _fallback_describe(c, kind)  # pragma: no cover


def _fallback_describe(c: str, kind: str | None) -> dict:  # pragma: no cover
    out = {"code": c, "valid": True, "system": None, "category": None, "section": None,
           "subsection": None, "family": None, "reason": None}
    if (kind in (None, "modifier")) and re.fullmatch(r"[0-9A-Z]{2}", c):
        out.update(system="modifier", category="CPT modifier" if c.isdigit() else "HCPCS modifier")
    elif re.fullmatch(r"\d{5}", c):
        out.update(system="cpt", category="CPT Category I")
    elif re.fullmatch(r"\d{4}[FTUM]", c):
        out.update(system="cpt", category={"F": "CPT Category II", "T": "CPT Category III",
                                           "U": "CPT PLA", "M": "CPT Category I"}[c[-1]])
    elif re.fullmatch(r"[A-Z]\d{4}", c) and kind != "icd10cm":
        out.update(system="hcpcs", category="HCPCS Level II", section=c[0])
    elif re.fullmatch(r"[A-Z]\d[0-9A-Z](\.?[0-9A-Z]{1,4})?", c):
        out.update(system="icd10cm", category="ICD-10-CM", family=c[:3])
    else:
        out.update(valid=False, reason=f"{c} is not a code this trainer knows")
    return out


def _keywords(system: str, category: str | None, section: str | None,
              subsection: str | None, family: str | None) -> str:
    """Section words a code is found by (``radiology``, ``integumentary``, ``drugs``...)."""
    words = []
    labels = _section_labels()
    if system == "cpt":
        if category and category != "CPT Category I":
            words.append(category)
        if section:
            words.append(labels.get(("cpt", section), section))
        if subsection:
            words.append(labels.get(("cpt", section, subsection), subsection))
        if family:
            words.append(family)
    elif system == "hcpcs":
        if subsection:
            words.append(subsection)
    elif system == "modifier":
        words.append(category or "modifier")
    else:
        for part in (section, subsection):
            if part:
                words.append(part)
    return " · ".join(w for w in words if w)


_SECTION_LABELS: dict | None = None


def _section_labels() -> dict:
    """(system, section[, subsection]) -> the display label from the bundled tree."""
    global _SECTION_LABELS
    if _SECTION_LABELS is None:
        labels: dict = {}
        try:
            tree = _load_yaml(_catalog_assets() / "cpt_tree.yaml")
        except Exception:  # noqa: BLE001 - labels are a nicety
            tree = {}
        for sec in tree.get("sections", []) or []:
            f = sec.get("filter", {})
            if "section" in f:
                labels[("cpt", f["section"])] = sec["label"]
            for sub in sec.get("children", []) or []:
                g = sub.get("filter", {})
                if "subsection" in g:
                    labels[("cpt", f.get("section"), g["subsection"])] = sub["label"]
        _SECTION_LABELS = labels
    return _SECTION_LABELS


def make_row(code: str, *, summary: str, source: str, kind: str | None = None,
             status: str = "active", added: str | None = None,
             effective: str | None = None, terminated: str | None = None,
             billable: int | None = 1, parent: str | None = None,
             system: str | None = None, category: str | None = None,
             section: str | None = None, subsection: str | None = None,
             family: str | None = None) -> dict:
    """A catalog row for a CPT, HCPCS or modifier code, classified by ``trainer.codes``."""
    c = normalize_code(code)
    info = describe(c, kind)
    system = system or info["system"] or ("modifier" if kind == "modifier" else None)
    if system is None:
        raise ValueError(f"{c}: not a code of any system")
    row = {
        "code": c,
        "key": code_key(c),
        "system": system,
        "category": category if category is not None else info["category"],
        "section": section if section is not None else info["section"],
        "subsection": subsection if subsection is not None else info["subsection"],
        "family": family if family is not None else info["family"],
        "summary": summary,
        "source": source,
        "status": status,
        "added": added,
        "effective": effective,
        "terminated": terminated,
        "billable": billable,
        "parent": parent,
    }
    row["keywords"] = _keywords(system, row["category"], row["section"],
                                row["subsection"], row["family"])
    return row


# ----------------------------------------------------------------------------- writing

Progress = Callable[[int, int], None] | None


class MergeCounts:
    """What a merge did: rows added, updated (changed), newly terminated, unchanged."""

    __slots__ = ("added", "updated", "terminated", "unchanged")

    def __init__(self) -> None:
        self.added = self.updated = self.terminated = self.unchanged = 0

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


def merge_codes(db: sqlite_utils.Database, rows: Iterable[dict], *,
                systems: Iterable[str] | None = None,
                keep: Callable[[dict, dict], dict | None] | None = None,
                terminate_missing: Callable[[dict], bool] | None = None,
                progress: Progress = None, progress_base: int = 0,
                progress_total: int | None = None) -> MergeCounts:
    """Insert or update catalog rows keyed by (system, key). Call inside ``db.atomic()``.

    ``keep(existing, new)`` may return the row to write instead of ``new`` (or None to
    leave the existing row alone). ``terminate_missing(existing)`` says whether an existing
    row absent from ``rows`` is marked terminated. Counts rows added, updated, newly
    terminated and unchanged.
    """
    rows = list(rows)
    systems = set(systems) if systems is not None else {r["system"] for r in rows}
    counts = MergeCounts()
    existing: dict[tuple[str, str], dict] = {}
    if systems:
        marks = ",".join("?" for _ in systems)
        cur = db.execute(
            f"SELECT id, {', '.join(CODE_FIELDS)} FROM catalog WHERE system IN ({marks})",
            list(systems),
        )
        names = [d[0] for d in cur.description]
        for values in cur:
            r = dict(zip(names, values))
            existing[(r["system"], r["key"])] = r
    inserts: list[tuple] = []
    updates: list[tuple] = []
    seen: set[tuple[str, str]] = set()
    total = progress_total if progress_total is not None else len(rows)
    step = max(1, len(rows) // 100)
    for i, new in enumerate(rows):
        k = (new["system"], new["key"])
        if k in seen:
            continue
        seen.add(k)
        old = existing.get(k)
        if old is None:
            inserts.append(tuple(new.get(f) for f in CODE_FIELDS))
            counts.added += 1
            if new.get("status") == "terminated":
                counts.terminated += 1
        else:
            if keep is not None:
                new = keep(old, new)
                if new is None:
                    counts.unchanged += 1
                    continue
            changed = [f for f in CODE_FIELDS if new.get(f, old[f]) != old[f]]
            if changed:
                updates.append(tuple(new.get(f, old[f]) for f in CODE_FIELDS) + (old["id"],))
                counts.updated += 1
                if new.get("status") == "terminated" and old["status"] != "terminated":
                    counts.terminated += 1
            else:
                counts.unchanged += 1
        if progress and i % step == 0:
            progress(progress_base + i, total)
    if terminate_missing is not None:
        for k, old in existing.items():
            if k not in seen and old["status"] != "terminated" and terminate_missing(old):
                row = dict(old, status="terminated")
                updates.append(tuple(row[f] for f in CODE_FIELDS) + (old["id"],))
                counts.terminated += 1
    cols = ", ".join(CODE_FIELDS)
    if inserts:
        insert_sql = f"INSERT INTO catalog ({cols}) VALUES ({', '.join('?' for _ in CODE_FIELDS)})"
        if len(inserts) < BULK_INSERT:
            db.conn.executemany(insert_sql, inserts)
        else:
            _bulk_insert(db, insert_sql, inserts)
    if updates:
        sets = ", ".join(f"{f} = ?" for f in CODE_FIELDS)
        db.conn.executemany(f"UPDATE catalog SET {sets} WHERE id = ?", updates)
    if inserts or updates:
        refresh_common_terms(db)
    if progress:
        progress(progress_base + len(rows), total)
    return counts


COMMON_TERM_DOCS = 200
MAX_COMPLETIONS = 16


def refresh_common_terms(db: sqlite_utils.Database) -> None:
    """Remember the search vocabulary (every indexed word and how many codes have it).

    Search uses it to turn a half-typed word into the few whole words it can complete to
    (fast) and to match the commonest words whole."""
    import uuid

    vocab = [[t, n] for t, n in db.execute(
        "SELECT term, doc FROM catalog_fts_vocab ORDER BY term")]
    set_meta(db, "vocabulary", json.dumps(vocab, separators=(",", ":")))
    set_meta(db, "search_generation", uuid.uuid4().hex)


class _Vocabulary:
    __slots__ = ("terms", "docs")

    def __init__(self, pairs: list) -> None:
        self.terms = [t for t, _ in pairs]
        self.docs = {t: n for t, n in pairs}

    def common(self, word: str) -> bool:
        return self.docs.get(word, 0) >= COMMON_TERM_DOCS

    def completions(self, prefix: str, most: int) -> list[str] | None:
        """Indexed words starting with ``prefix``; None when more than ``most``."""
        from bisect import bisect_left

        i = bisect_left(self.terms, prefix)
        out = []
        while i < len(self.terms) and self.terms[i].startswith(prefix):
            if len(out) == most:
                return None
            out.append(self.terms[i])
            i += 1
        return out


_VOCAB_CACHE: dict[int, tuple[str | None, _Vocabulary]] = {}
_EMPTY_VOCAB = _Vocabulary([])


def _vocabulary(db: sqlite_utils.Database) -> _Vocabulary:
    gen = get_meta(db, "search_generation")
    hit = _VOCAB_CACHE.get(id(db.conn))
    if hit is not None and hit[0] == gen:
        return hit[1]
    raw = get_meta(db, "vocabulary")
    vocab = _Vocabulary(json.loads(raw)) if raw else _EMPTY_VOCAB
    if len(_VOCAB_CACHE) > 16:
        _VOCAB_CACHE.clear()
    _VOCAB_CACHE[id(db.conn)] = (gen, vocab)
    return vocab


BULK_INSERT = 2000


def _bulk_insert(db: sqlite_utils.Database, insert_sql: str, inserts: list[tuple]) -> None:
    """Insert many rows and index them in one pass (3x faster than the per-row trigger).

    Runs inside the caller's transaction: the trigger is dropped and re-created in it, so
    a failure rolls everything back, trigger included."""
    trig = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'catalog_ai'").fetchone()
    before = db.execute("SELECT coalesce(max(id), 0) FROM catalog").fetchone()[0]
    if trig is not None:
        db.execute("DROP TRIGGER catalog_ai")
    db.conn.executemany(insert_sql, inserts)
    db.execute("INSERT INTO catalog_fts (rowid, summary, keywords)"
               " SELECT id, summary, keywords FROM catalog WHERE id > ?", [before])
    if trig is not None:
        db.execute(trig[0])


def set_tree_nodes(db: sqlite_utils.Database, nodes: Iterable[dict], *, origin: str,
                   replace_origin_prefix: str | None = None) -> None:
    """Write browse-tree nodes (inside a transaction); optionally drop older nodes first."""
    if replace_origin_prefix is not None:
        db.execute("DELETE FROM catalog_tree WHERE origin LIKE ?", [replace_origin_prefix + "%"])
    db.conn.executemany(
        "INSERT OR REPLACE INTO catalog_tree (id, parent, system, level, label, filter, sort, origin)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (n["id"], n.get("parent"), n["system"], n["level"], n["label"],
             json.dumps(n.get("filter", {}), sort_keys=True), n.get("sort", 0), origin)
            for n in nodes
        ],
    )


def record_import(db: sqlite_utils.Database, *, kind: str, file: str | None,
                  sha256: str | None, source: str | None, counts: dict) -> None:
    db["catalog_imports"].insert({
        "kind": kind, "file": file, "sha256": sha256, "source": source,
        "imported_at": date.today().isoformat(),
        **{k: counts.get(k, 0) for k in ("added", "updated", "terminated", "unchanged")},
    })


def get_meta(db: sqlite_utils.Database, name: str) -> str | None:
    row = db.execute("SELECT value FROM catalog_meta WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def set_meta(db: sqlite_utils.Database, name: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO catalog_meta (name, value) VALUES (?, ?)", [name, value])


# ----------------------------------------------------------------------------- bundled

def _catalog_assets() -> Path:
    return assets_dir() / "catalog"


def _load_yaml(path: Path) -> Any:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


_BUNDLE_FILES = ("cpt_tree.yaml", "hcpcs_chapters.yaml", "modifiers.yaml", "summaries.yaml")


def _bundle_digest() -> str:
    h = hashlib.sha256(f"format {BUNDLE_FORMAT}\n".encode())
    folder = _catalog_assets()
    for name in _BUNDLE_FILES:
        p = folder / name
        h.update(name.encode() + b"\0")
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def bundled_summaries() -> dict[str, str]:
    """Our own one-line summaries of CPT and HCPCS codes: code -> summary."""
    data = _load_yaml(_catalog_assets() / "summaries.yaml") or {}
    out: dict[str, str] = {}
    for group in ("cpt", "hcpcs"):
        for code, summary in (data.get(group) or {}).items():
            out[normalize_code(code)] = str(summary).strip()
    return out


def bundled_modifiers() -> list[dict]:
    """[{code, kind: cpt|hcpcs, summary}] from ``assets/catalog/modifiers.yaml``."""
    data = _load_yaml(_catalog_assets() / "modifiers.yaml") or {}
    out = []
    for kind in ("cpt", "hcpcs"):
        for code, summary in (data.get(kind) or {}).items():
            out.append({"code": normalize_code(code), "kind": kind, "summary": str(summary).strip()})
    return out


def _bundled_tree() -> list[dict]:
    nodes: list[dict] = [
        {"id": "cpt", "system": "cpt", "level": "root", "label": "CPT",
         "filter": {"system": "cpt"}, "sort": 0},
        {"id": "hcpcs", "system": "hcpcs", "level": "root", "label": "HCPCS Level II",
         "filter": {"system": "hcpcs"}, "sort": 1},
        {"id": "icd10cm", "system": "icd10cm", "level": "root", "label": "ICD-10-CM",
         "filter": {"system": "icd10cm"}, "sort": 2},
        {"id": "modifier", "system": "modifier", "level": "root", "label": "Modifiers",
         "filter": {"system": "modifier"}, "sort": 3},
    ]
    tree = _load_yaml(_catalog_assets() / "cpt_tree.yaml") or {}

    def walk(items, parent_id, parent_filter, level_names, depth):
        for i, item in enumerate(items or []):
            nid = f"{parent_id}/{item['id']}"
            flt = dict(parent_filter)
            flt.update(item.get("filter") or {})
            nodes.append({"id": nid, "parent": parent_id, "system": "cpt",
                          "level": level_names[min(depth, len(level_names) - 1)],
                          "label": item["label"], "filter": flt, "sort": i})
            walk(item.get("children"), nid, flt, level_names, depth + 1)

    walk(tree.get("sections"), "cpt", {"system": "cpt"}, ["section", "subsection", "family"], 0)
    chapters = _load_yaml(_catalog_assets() / "hcpcs_chapters.yaml") or {}
    for i, (letter, label) in enumerate((chapters.get("chapters") or {}).items()):
        nodes.append({"id": f"hcpcs/{letter}", "parent": "hcpcs", "system": "hcpcs",
                      "level": "chapter", "label": f"{letter} codes: {label}",
                      "filter": {"system": "hcpcs", "section": letter}, "sort": i})
    nodes.append({"id": "modifier/cpt", "parent": "modifier", "system": "modifier",
                  "level": "section", "label": "CPT modifiers",
                  "filter": {"system": "modifier", "category": "CPT modifier"}, "sort": 0})
    nodes.append({"id": "modifier/hcpcs", "parent": "modifier", "system": "modifier",
                  "level": "section", "label": "HCPCS modifiers",
                  "filter": {"system": "modifier", "category": "HCPCS modifier"}, "sort": 1})
    return nodes


def ensure_bundled(db: sqlite_utils.Database) -> bool:
    """Load the bundled tree, modifiers and code summaries into the catalog.

    Idempotent and fast when already loaded (one query compares a digest of the bundled
    files). Never overwrites a summary that came from an import (CMS, licensed CPT file).
    Returns True when it wrote something.
    """
    digest = _bundle_digest()
    try:
        if get_meta(db, "bundled_digest") == digest:
            return False
    except sqlite3.OperationalError:
        MIGRATIONS.apply(db)
    rows = []
    for code, summary in sorted(bundled_summaries().items()):
        rows.append(make_row(code, summary=summary, source=SOURCE_BUNDLED, kind="procedure"))
    for m in bundled_modifiers():
        rows.append(make_row(m["code"], summary=m["summary"], source=SOURCE_BUNDLED,
                             kind="modifier", system="modifier",
                             category="CPT modifier" if m["kind"] == "cpt" else "HCPCS modifier"))

    def keep(old: dict, new: dict) -> dict | None:
        if old["source"] != SOURCE_BUNDLED:
            return None  # an imported text wins over our summary
        return new

    with db.atomic():
        set_tree_nodes(db, _bundled_tree(), origin="bundled", replace_origin_prefix="bundled")
        merge_codes(db, rows, keep=keep)
        set_meta(db, "bundled_digest", digest)
    return True


# ----------------------------------------------------------------------------- search

_CODE_LIKE = re.compile(r"^[A-Za-z0-9]{1,7}(\.[A-Za-z0-9]{0,4})?$")
_WORD = re.compile(r"\w+")
MAX_QUERY_TOKENS = 12
TEXT_CANDIDATES = 500
STOPWORDS = frozenset("a an and the of or in on at to for by from".split())
MAX_TOKEN_CHARS = 40


def fts_query(text: str, vocab: "_Vocabulary | None" = None) -> str | None:
    """A safe FTS5 query for words typed by a person, or None when nothing is searchable.

    Every word is quoted (quotes, ``*``, ``AND``, ``NEAR``, brackets and emoji are never
    operators) and matched as a prefix, so ``inject`` finds ``injection``; small words
    (of, and, the...) are dropped when others remain. With the catalog's ``vocab``, a
    half-typed word becomes the whole words it completes to and a very common whole word
    is matched whole, which keeps every query fast.
    """
    words = _WORD.findall(text[:2000])
    words = [w.replace("_", " ").strip()[:MAX_TOKEN_CHARS] for w in words]
    words = [w for w in words if w][:MAX_QUERY_TOKENS]
    if not words:
        return None
    content = [w for w in words if w.lower() not in STOPWORDS]
    if content:
        words = content
    parts = []
    for w in words:
        quoted = '"' + w.replace('"', '""') + '"'
        low = w.lower()
        if len(w) < 2:
            parts.append(quoted)
            continue
        if vocab is not None and low.isascii():
            if vocab.common(low):
                parts.append(quoted)
                continue
            if len(low) > 3:
                options = vocab.completions(low, MAX_COMPLETIONS)
                if options is not None:
                    if not options:
                        parts.append(quoted)  # matches nothing, cheaply
                    elif len(options) == 1:
                        parts.append(f'"{options[0]}"')
                    else:
                        parts.append("(" + " OR ".join(f'"{o}"' for o in options) + ")")
                    continue
        parts.append(quoted + "*")
    return " AND ".join(parts)


def _row_dict(names: list[str], values: tuple, match: str) -> dict:
    d = dict(zip(names, values))
    d["match"] = match
    if d.get("billable") is not None:
        d["billable"] = bool(d["billable"])
    return d


_SELECT = "SELECT " + ", ".join(f"c.{f}" for f in RESULT_FIELDS) + " FROM catalog c"


def search(db: sqlite_utils.Database, query: str, *, limit: int = 20,
           systems: Iterable[str] | None = None) -> list[dict]:
    """Codes matching ``query``, best first; never raises for any string.

    Ranked: exact code (``99213``, ``m17.11``, ``M1711``, ``25``), then codes starting with
    it (``9921``, ``J10``), then words in any order in the summary or section
    (``knee injection``, ``radiology``), prefix-matched so a half-typed word works.
    Each result is a dict with the catalog fields plus ``match``: exact | prefix | text.
    ``status`` is ``terminated`` for terminated codes. ``systems`` limits the result to
    some of cpt, hcpcs, icd10cm, modifier.
    """
    if not isinstance(query, str):
        query = "" if query is None else str(query)
    q = query.strip()
    limit = max(0, int(limit))
    if not q or limit == 0:
        return []
    sys_list = [s for s in (systems or ()) if s in SYSTEMS]
    sys_sql = ""
    if sys_list:
        sys_sql = " AND c.system IN (" + ",".join("?" for _ in sys_list) + ")"
    names = list(RESULT_FIELDS)
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(cur, match):
        for values in cur:
            d = _row_dict(names, values, match)
            k = (d["system"], d["code"])
            if k not in seen:
                seen.add(k)
                out.append(d)

    if _CODE_LIKE.match(q):
        key = code_key(q)
        add(db.execute(f"{_SELECT} WHERE c.key = ?{sys_sql} ORDER BY c.system", [key, *sys_list]),
            "exact")
        if len(out) < limit:
            add(db.execute(
                f"{_SELECT} WHERE c.key > ? AND c.key < ?{sys_sql} ORDER BY c.key LIMIT ?",
                [key, key + "\U0010ffff", *sys_list, limit - len(out) + 1]), "prefix")
    if len(out) < limit:
        fq = fts_query(q, _vocabulary(db))
        if fq is not None:
            # Words in the summary first, then words anywhere (section, chapter); shorter
            # summaries (more specific) first. Only the first TEXT_CANDIDATES matches are
            # ranked, which keeps common words fast (no bm25: its word statistics need a
            # full scan of a common word's index).
            for match_expr in (f"summary : ({fq})", fq):
                if len(out) >= limit:
                    break
                try:
                    add(db.execute(
                        f"{_SELECT} JOIN (SELECT rowid AS rid FROM catalog_fts"
                        f" WHERE catalog_fts MATCH ? LIMIT ?) f ON f.rid = c.id"
                        f" WHERE 1{sys_sql} ORDER BY length(c.summary), c.key LIMIT ?",
                        [match_expr, TEXT_CANDIDATES, *sys_list, limit + len(out)]), "text")
                except sqlite3.OperationalError:  # pragma: no cover - fts_query is always valid
                    break
    return out[:limit]


def lookup(db: sqlite_utils.Database, code: str, system: str | None = None) -> dict | None:
    """The catalog row for ``code`` (any spelling: ``m1711``, ``M17.11``), or None.

    When a key exists in several systems (rare), ``system`` picks one; otherwise CPT and
    HCPCS come before ICD-10-CM and modifiers."""
    key = code_key(code)
    if not key:
        return None
    params: list = [key]
    sql = f"{_SELECT} WHERE c.key = ?"
    if system:
        sql += " AND c.system = ?"
        params.append(system)
    sql += (" ORDER BY CASE c.system WHEN 'cpt' THEN 0 WHEN 'hcpcs' THEN 1"
            " WHEN 'icd10cm' THEN 2 ELSE 3 END LIMIT 1")
    cur = db.execute(sql, params)
    values = cur.fetchone()
    if values is None:
        return None
    d = _row_dict(list(RESULT_FIELDS), values, "exact")
    del d["match"]
    return d


# ----------------------------------------------------------------------------- browse

_FILTER_COLUMNS = ("system", "category", "section", "subsection", "family")


def _node(db: sqlite_utils.Database, node_id: str) -> dict | None:
    row = db.execute(
        "SELECT id, parent, system, level, label, filter FROM catalog_tree WHERE id = ?",
        [node_id]).fetchone()
    if row is None:
        return None
    return dict(zip(("id", "parent", "system", "level", "label", "filter"), row))


def _filter_sql(flt: dict) -> tuple[str, list]:
    parts, params = [], []
    for col in _FILTER_COLUMNS:
        if col in flt:
            parts.append(f"{col} = ?")
            params.append(flt[col])
    return " AND ".join(parts) or "1", params


def browse(db: sqlite_utils.Database, parent: str | None = None, *,
           counts: bool = True) -> list[dict]:
    """The children of a browse-tree node (None: the four roots CPT, HCPCS Level II,
    ICD-10-CM, Modifiers), in display order.

    Each node: ``id``, ``parent``, ``system``, ``level`` (root, section, subsection,
    family, chapter, block), ``label``, ``has_children`` and, with ``counts``, ``count``
    (codes under it in the catalog). Pass a node's ``id`` to :func:`codes_under`.
    """
    if parent is None:
        cur = db.execute(
            "SELECT id, parent, system, level, label, filter FROM catalog_tree"
            " WHERE parent IS NULL ORDER BY sort, id")
    else:
        cur = db.execute(
            "SELECT id, parent, system, level, label, filter FROM catalog_tree"
            " WHERE parent = ? ORDER BY sort, id", [parent])
    nodes = [dict(zip(("id", "parent", "system", "level", "label", "filter"), r)) for r in cur]
    with_children = {
        r[0] for r in db.execute(
            "SELECT DISTINCT parent FROM catalog_tree WHERE parent IN (%s)"
            % ",".join("?" for _ in nodes), [n["id"] for n in nodes])
    } if nodes else set()
    for n in nodes:
        flt = json.loads(n.pop("filter"))
        n["has_children"] = n["id"] in with_children
        if counts:
            where, params = _filter_sql(flt)
            n["count"] = db.execute(f"SELECT count(*) FROM catalog WHERE {where}", params).fetchone()[0]
    return nodes


def codes_under(db: sqlite_utils.Database, node_id: str, *, limit: int = 500,
                offset: int = 0) -> list[dict]:
    """Codes in a browse-tree node, in code order (``limit``/``offset`` to page)."""
    node = _node(db, node_id)
    if node is None:
        return []
    where, params = _filter_sql(json.loads(node["filter"]))
    cur = db.execute(
        f"{_SELECT} WHERE {where.replace('system', 'c.system')} ORDER BY c.key LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)])
    return [_row_dict(list(RESULT_FIELDS), r, "browse") for r in cur]


def child_codes(db: sqlite_utils.Database, code: str) -> list[dict]:
    """ICD-10-CM codes one level below ``code`` (``M17`` -> ``M17.0`` ... ``M17.9``)."""
    row = lookup(db, code, "icd10cm")
    if row is None:
        return []
    cur = db.execute(f"{_SELECT} WHERE c.system = 'icd10cm' AND c.parent = ? ORDER BY c.key",
                     [row["code"]])
    return [_row_dict(list(RESULT_FIELDS), r, "browse") for r in cur]


def stats(db: sqlite_utils.Database) -> dict:
    """Counts by system and source, and the imports done, for a status line."""
    by_system = {s: 0 for s in SYSTEMS}
    for system, n in db.execute("SELECT system, count(*) FROM catalog GROUP BY system"):
        by_system[system] = n
    by_source = {src: n for src, n in db.execute(
        "SELECT source, count(*) FROM catalog GROUP BY source ORDER BY source")}
    return {
        "codes": sum(by_system.values()),
        "by_system": by_system,
        "by_source": by_source,
        "terminated": db.execute("SELECT count(*) FROM catalog WHERE status = 'terminated'").fetchone()[0],
        "ncci_ptp": db.execute("SELECT count(*) FROM ncci_ptp").fetchone()[0],
        "mue": db.execute("SELECT count(*) FROM mue").fetchone()[0],
    }


# ----------------------------------------------------------------------------- validation

def _complete_systems(db: sqlite_utils.Database) -> set[str]:
    """Systems whose whole code set is in the catalog, so a missing code is truly unknown."""
    out = {"cpt-modifier"}  # the bundled CPT modifier list is the whole list
    sources = {r[0] for r in db.execute("SELECT DISTINCT source FROM catalog")}
    if SOURCE_LICENSED_CPT in sources:
        out.add("cpt")
    if any(s.startswith("CMS HCPCS") for s in sources):
        out.update({"hcpcs", "hcpcs-modifier"})
    if any(s.startswith("ICD-10-CM") for s in sources):
        out.add("icd10cm")
    return out


def code_problems(db: sqlite_utils.Database, codes: Iterable[str], *,
                  kind: str | None = None) -> list[dict]:
    """Problems with codes: ``[{code, problem: invalid|unknown|terminated, message}]``.

    ``invalid``: not shaped like any code (or a deleted E/M code); ``unknown``: not in the
    catalog although its whole code set was imported (CMS HCPCS, ICD-10-CM, licensed CPT;
    CPT modifiers always); ``terminated``: in the catalog but terminated; ``heading``: an
    ICD-10-CM category that is not billable. Codes the catalog
    cannot judge (a CPT code before a licensed import) are not reported.
    """
    complete = None
    out: list[dict] = []
    seen: set[str] = set()
    for raw in codes:
        c = normalize_code(raw)
        if not c or c in seen:
            continue
        seen.add(c)
        info = describe(c, kind)
        system = info["system"]
        row = lookup(db, c, system) if system else lookup(db, c)
        if row is not None:
            if row["system"] == "icd10cm" and row.get("billable") is False:
                out.append({"code": row["code"], "problem": "heading",
                            "message": f"{row['code']} is a heading, not a billable code; "
                                       "choose a more specific code under it"})
            if row["status"] == "terminated":
                when = f" on {row['terminated']}" if row.get("terminated") else ""
                out.append({"code": row["code"], "problem": "terminated",
                            "message": f"{row['code']} was terminated{when} ({row['source']}); "
                                       "look up the code that replaces it"})
            continue
        if not info["valid"] and system != "icd10cm":
            out.append({"code": c, "problem": "invalid",
                        "message": info["reason"] or f"{c} is not a valid code"})
            continue
        if complete is None:
            complete = _complete_systems(db)
        group = system
        if system == "modifier":
            group = "cpt-modifier" if info["category"] == "CPT modifier" or c.isdigit() else "hcpcs-modifier"
        if group in complete:
            out.append({"code": c, "problem": "unknown",
                        "message": f"{c} is not in the {_group_label(group)} code set in this "
                                   "catalog; check the number"})
        elif not info["valid"]:
            out.append({"code": c, "problem": "invalid",
                        "message": info["reason"] or f"{c} is not a valid code"})
    return out


def _group_label(group: str) -> str:
    return {"cpt-modifier": "CPT modifier", "hcpcs-modifier": "HCPCS modifier",
            "cpt": "CPT", "hcpcs": "HCPCS Level II", "icd10cm": "ICD-10-CM"}.get(group, group)


def unknown_codes(db: sqlite_utils.Database, codes: Iterable[str], *,
                  kind: str | None = None) -> list[str]:
    """The codes among ``codes`` that are invalid or unknown to the catalog (see
    :func:`code_problems`), in the order given, for ``cpt-trainer validate`` warnings."""
    return [p["code"] for p in code_problems(db, codes, kind=kind)
            if p["problem"] in ("invalid", "unknown")]


# ----------------------------------------------------------------------------- NCCI / MUE

MODIFIER_INDICATOR_MEANING = {
    0: "no modifier can unbundle it",
    1: "a modifier (such as 59 or XE/XS/XP/XU) may unbundle it when the services were truly separate",
    9: "the edit does not apply",
}
MUE_INDICATOR_MEANING = {
    1: "per claim line",
    2: "per day (an absolute policy limit)",
    3: "per day (a clinical limit that can be appealed with records)",
}
# Modifiers CMS accepts to bypass a PTP edit whose indicator is 1.
NCCI_BYPASS_MODIFIERS = frozenset(
    "59 XE XS XP XU E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 LC LD LM RC RI LT RT "
    "TA T1 T2 T3 T4 T5 T6 T7 T8 T9 24 25 27 57 58 78 79 91".split()
)


def ncci_pairs(db: sqlite_utils.Database, codes: Iterable[str], *,
               as_of: str | None = None) -> list[dict]:
    """Active NCCI procedure-to-procedure edits among ``codes``.

    Each: ``column1`` (the code that is paid), ``column2`` (the code bundled into it),
    ``modifier_indicator`` (0, 1, 9), ``meaning`` (words for the indicator), ``effective``,
    ``deletion``, ``rationale``. An edit deleted on or before ``as_of`` (default today)
    is left out.
    """
    keys = sorted({normalize_code(c) for c in codes if c})
    if len(keys) < 2:
        return []
    as_of = as_of or date.today().isoformat()
    marks = ",".join("?" for _ in keys)
    cur = db.execute(
        f"SELECT column1, column2, modifier_indicator, effective, deletion, rationale"
        f" FROM ncci_ptp WHERE column1 IN ({marks}) AND column2 IN ({marks})"
        f" AND column1 <> column2 AND (deletion IS NULL OR deletion > ?)"
        f" ORDER BY column1, column2, effective DESC",
        [*keys, *keys, as_of])
    out, seen = [], set()
    for c1, c2, mi, eff, dele, why in cur:
        if (c1, c2) in seen:
            continue
        seen.add((c1, c2))
        out.append({"column1": c1, "column2": c2, "modifier_indicator": mi,
                    "meaning": MODIFIER_INDICATOR_MEANING.get(mi, "unknown indicator"),
                    "effective": eff, "deletion": dele, "rationale": why})
    return out


def mue_limit(db: sqlite_utils.Database, code: str, setting: str | None = None) -> dict | None:
    """The MUE for ``code``: ``{code, value, indicator, meaning, setting, rationale}``, or
    None when no MUE table with that code was imported. Practitioner values are preferred
    when several settings were imported and ``setting`` is not given."""
    c = normalize_code(code)
    sql = "SELECT code, value, indicator, setting, rationale FROM mue WHERE code = ?"
    params: list = [c]
    if setting:
        sql += " AND setting = ?"
        params.append(setting)
    sql += " ORDER BY CASE setting WHEN 'practitioner' THEN 0 ELSE 1 END, setting LIMIT 1"
    row = db.execute(sql, params).fetchone()
    if row is None:
        return None
    code_, value, ind, sett, why = row
    return {"code": code_, "value": value, "indicator": ind,
            "meaning": MUE_INDICATOR_MEANING.get(ind, "unknown indicator"),
            "setting": sett, "rationale": why}


def _line_parts(line: Any) -> tuple[str, list[str], int]:
    """(code, modifiers, units) from a dict, an object with attributes, or ``99213-25x2``."""
    if isinstance(line, str):
        text = line.strip().upper()
        units = 1
        m = re.search(r"\s*[X×*]\s*(\d+)\s*$", text)
        if m:
            units = int(m.group(1))
            text = text[: m.start()]
        parts = [p for p in re.split(r"[-\s,]+", text) if p]
        return (parts[0] if parts else ""), parts[1:], units
    if isinstance(line, dict):
        get = line.get
    else:
        def get(name, default=None):
            return getattr(line, name, default)
    code = normalize_code(get("code", ""))
    mods = [normalize_code(m) for m in (get("modifiers", None) or [])]
    try:
        units = int(get("units", 1) or 1)
    except (TypeError, ValueError):
        units = 1
    return code, mods, units


def catalog_notes(db: sqlite_utils.Database, answer_lines: Iterable[Any], *,
                  icd10: Iterable[str] = (), as_of: str | None = None) -> list[str]:
    """Sentences for grading feedback about the codes a learner entered.

    ``answer_lines``: dicts or objects with ``code``, ``modifiers``, ``units``, or strings
    written the way a coder types them (``"20610-RT"``, ``"J1030 x2"``). ``icd10``: the
    diagnosis codes entered. Notes cover unknown, invalid and terminated codes, NCCI
    bundled pairs (with what the modifier indicator allows, and whether a bypass modifier
    was used) and units above the MUE. Empty when there is nothing to say.
    """
    lines = [_line_parts(line) for line in answer_lines]
    notes: list[str] = []
    codes = [c for c, _, _ in lines if c]
    for p in code_problems(db, codes, kind="procedure"):
        notes.append(_sentence(p["message"]))
    mods = sorted({m for _, ms, _ in lines for m in ms})
    for p in code_problems(db, mods, kind="modifier"):
        notes.append(_sentence("Modifier " + p["message"]))
    for p in code_problems(db, list(icd10), kind="icd10cm"):
        notes.append(_sentence(p["message"]))
    mods_by_code: dict[str, set[str]] = {}
    units_by_code: dict[str, int] = {}
    for c, ms, u in lines:
        mods_by_code.setdefault(c, set()).update(ms)
        units_by_code[c] = units_by_code.get(c, 0) + u
    for pair in ncci_pairs(db, codes, as_of=as_of):
        c1, c2, mi = pair["column1"], pair["column2"], pair["modifier_indicator"]
        if mi == 9:
            continue
        used = sorted(mods_by_code.get(c2, set()) & NCCI_BYPASS_MODIFIERS)
        head = f"{c2} is bundled into {c1} (NCCI procedure-to-procedure edit)"
        if mi == 0:
            notes.append(f"{head}: no modifier can unbundle it, so {c2} is not reported with {c1}.")
        elif used:
            notes.append(f"{head}: modifier {', '.join(used)} on {c2} unbundles it, which is "
                         "right only when the two services were truly separate (another site, "
                         "session or lesion).")
        else:
            notes.append(f"{head}: a modifier such as 59 or XS may unbundle it, but only when the "
                         "two services were truly separate; otherwise report only " + c1 + ".")
    for c, ms, u in lines:
        limit = mue_limit(db, c) if c else None
        if limit is None:
            continue
        if limit["indicator"] == 1:
            if u > limit["value"]:
                notes.append(f"{c} has {u} units on one line, above its MUE of "
                             f"{limit['value']} per line; check the units (a line above it "
                             "is denied).")
        elif units_by_code.get(c, 0) > limit["value"]:
            total = units_by_code.pop(c)
            notes.append(f"{c} has {total} units in all, above its MUE of {limit['value']} "
                         f"{limit['meaning']}; check the units.")
    return notes


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


# ----------------------------------------------------------------------------- the bank's codes

_PROC_IN_TEXT = re.compile(r"(?<![0-9A-Za-z.])(\d{4}[0-9FTUM]|[A-V]\d{4})(?![0-9A-Za-z])")


def codes_in_quizzes(paths: Iterable[str | Path] | None = None) -> dict[str, set[str]]:
    """CPT and HCPCS codes the quiz files use -> the files using them.

    Looks at answer lines and alternatives, E/M keys, audit claim lines and corrections,
    and codes written in multiple-choice options. Default: the bundled ``quizzes/*.yaml``.
    Files that do not load are skipped (``cpt-trainer validate`` reports them).
    """
    from trainer import parse, quizfile
    from trainer.errors import TrainerError
    from trainer.paths import quizzes_dir

    if paths is None:
        paths = sorted(quizzes_dir().glob("*.yaml"))
    out: dict[str, set[str]] = {}

    def add(code: str, where: str) -> None:
        c = normalize_code(code)
        if c and describe(c, "procedure")["system"] in ("cpt", "hcpcs"):
            out.setdefault(c, set()).add(where)

    for path in paths:
        name = Path(path).name
        try:
            quiz = quizfile.load_quiz(path)
        except TrainerError:
            continue
        for q in quiz.questions:
            if q["type"] == "case":
                ans = q.get("answer") or {}
                for line in ans.get("lines", []):
                    add(line["code"], name)
                for alt in ans.get("alternatives", []):
                    for line in alt:
                        add(line["code"], name)
            elif q["type"] == "em_level":
                add((q.get("key") or {}).get("code", ""), name)
            elif q["type"] == "audit":
                for c in q.get("claim", []):
                    for text in (c.get("line"), c.get("correction")):
                        if text and text.strip():
                            for pl in parse.parse_answer(text).lines:
                                add(pl.code, name)
            elif q["type"] == "choice":
                for o in q.get("options", []):
                    for m in _PROC_IN_TEXT.finditer(o.get("text", "")):
                        if describe(m.group(1), "procedure")["valid"]:
                            add(m.group(1), name)
    return out
