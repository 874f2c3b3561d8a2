"""Import the whole ICD-10-CM code set from the bundled ``simple-icd-10-cm`` package.

No file is needed: the package carries the CDC release (its data file names the release,
e.g. April 2026) and works offline. Every category and subcategory becomes a catalog row
(``billable`` is 1 for codes with no children), chapters and blocks become browse-tree
nodes. Codes that an earlier ICD-10-CM import added and this release no longer has are
kept and marked terminated.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from trainer import catalog
from trainer.importers import ImportSummary, ProgressFn, Ticker


def release_name() -> str:
    """The release the installed package carries, e.g. ``April 2026``."""
    import simple_icd_10_cm

    folder = Path(simple_icd_10_cm.__file__).parent / "data"
    for p in sorted(folder.glob("code-list-*.txt")):
        m = re.match(r"code-list-([A-Za-z]+)-(\d{4})", p.name)
        if m:
            return f"{m.group(1)} {m.group(2)}"
    try:
        from importlib.metadata import version

        return f"package {version('simple_icd_10_cm')}"
    except Exception:  # noqa: BLE001
        return "package"




def build_icd10cm(progress: ProgressFn = None) -> tuple[list[dict], list[dict], str]:
    """(catalog rows, tree nodes, source name) for the whole code set."""
    import simple_icd_10_cm as cm

    source = f"ICD-10-CM {release_name()}"
    everything = cm.get_all_codes(True)
    total = len(everything)
    tick = Ticker(progress, total * 2)
    rows: list[dict] = []
    nodes: list[dict] = []
    done = 0

    chapters = [c for c in everything if cm.is_chapter(c)]
    for ci, chapter in enumerate(chapters):
        ch_desc = cm.get_description(chapter)
        ch_id = f"icd10cm/{chapter}"
        section = f"Chapter {chapter}"
        nodes.append({"id": ch_id, "parent": "icd10cm", "system": "icd10cm",
                      "level": "chapter", "label": f"Chapter {chapter}: {ch_desc}",
                      "filter": {"system": "icd10cm", "section": section}, "sort": ci})
        done += 1
        # Depth-first: blocks (possibly nested) then categories and their subcategories.
        stack = [(child, ch_id, None, None, None) for child in reversed(cm.get_children(chapter))]
        sort_in: dict[str, int] = {}
        while stack:
            item, parent_node, block, category, parent_code = stack.pop()
            done += 1
            if done % 1000 == 0:
                tick(done)
            if cm.is_block(item):
                if not cm.get_children(item):
                    continue  # an empty heading block such as M00-M25
                desc = cm.get_description(item)
                node_id = f"icd10cm/{item}"
                n = sort_in.get(parent_node, 0)
                sort_in[parent_node] = n + 1
                nodes.append({"id": node_id, "parent": parent_node, "system": "icd10cm",
                              "level": "block", "label": f"{item} {desc}",
                              "filter": {"system": "icd10cm", "section": section,
                                         "subsection": item}, "sort": n})
                for child in reversed(cm.get_children(item)):
                    stack.append((child, node_id, item, None, None))
                continue
            children = cm.get_children(item)
            desc = cm.get_description(item)
            cat = category or item
            family = item[:3]
            rows.append({
                "code": item,
                "key": catalog.code_key(item),
                "system": "icd10cm",
                "category": "ICD-10-CM",
                "section": section,
                "subsection": block,
                "family": family,
                "summary": desc,
                "keywords": f"{ch_desc} · {cm.get_description(block) if block else ''}",
                "source": source,
                "status": "active",
                "added": None,
                "effective": None,
                "terminated": None,
                "billable": 0 if children else 1,
                "parent": parent_code,
            })
            for child in reversed(children):
                stack.append((child, parent_node, block, cat, item))
    tick(total)
    return rows, nodes, source


def import_icd10cm(db: sqlite_utils.Database, *, progress: ProgressFn = None) -> ImportSummary:
    """Load every ICD-10-CM code from the package into the catalog; returns what it did."""
    outer = Ticker(progress, 200)

    def build_progress(done: int, total: int) -> None:
        outer(done * 100 // max(1, total), 200)

    rows, nodes, source = build_icd10cm(build_progress)

    def merge_progress(done: int, total: int) -> None:
        outer(100 + done * 100 // max(1, total), 200)

    def gone(old: dict) -> bool:
        return (old["source"] or "").startswith("ICD-10-CM")

    with db.atomic():
        catalog.set_tree_nodes(db, nodes, origin=source, replace_origin_prefix="ICD-10-CM")
        counts = catalog.merge_codes(db, rows, systems={"icd10cm"}, terminate_missing=gone,
                                     progress=merge_progress)
        summary = ImportSummary("icd10cm", source, None, read=len(rows), **counts.as_dict())
        if summary.changed:
            catalog.record_import(db, kind="icd10cm", file=None, sha256=None, source=source,
                                  counts=counts.as_dict())
    billable = sum(r["billable"] for r in rows)
    summary.notes.append(f"{billable:,} of them are billable; the others are headings.")
    outer.done()
    return summary
