"""`cpt-trainer catalog ...`: import code sets, search and browse the code catalog.

Thin over trainer.catalog and trainer.importers; TrainerError becomes a message on
stderr and exit status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from trainer.cli_common import db_option, open_bank, reports_errors


def _open(db_path: Path | None):
    return open_bank(db_path, seed=False)


@click.group("catalog")
def catalog_group() -> None:
    """The code catalog: search codes, browse sections, import code sets and edits."""


@catalog_group.command("import")
@click.argument("kind", type=click.Choice(["hcpcs", "icd10cm", "cpt", "ncci-ptp", "mue"],
                                          case_sensitive=False))
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@db_option
@reports_errors
def import_cmd(kind: str, file: Path | None, as_json: bool, quiet: bool, db_path: Path | None) -> None:
    """Import a code set or CMS edit table into the catalog.

    \b
    KIND is one of:
      hcpcs     the CMS Alpha-Numeric HCPCS zip, or its fixed-width .txt
      icd10cm   the whole ICD-10-CM code set from the bundled package (no FILE)
      cpt       a CPT file you are licensed for: code + descriptor with a header row
      ncci-ptp  CMS NCCI procedure-to-procedure edits (CSV, text or XLSX)
      mue       CMS medically unlikely edits (CSV, text or XLSX)

    An import is all or nothing, and importing the same file twice changes nothing.
    """
    from trainer.importers import needs_file, run_import

    kind = kind.lower()
    if needs_file(kind) and file is None:
        raise click.UsageError(f"the {kind} import needs a FILE")
    show = not quiet and not as_json and sys.stderr.isatty()
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"importing {kind}", file=sys.stderr)
            bar.__enter__()
        bar.length = total
        bar.update(done - bar.pos)

    with _open(db_path) as bank:
        try:
            summary = run_import(bank.db, kind, file, progress=progress)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        click.echo(summary.message)


@catalog_group.command("search")
@click.argument("queries", nargs=-1, required=True)
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Most results per query.")
@click.option("--system", "systems", multiple=True,
              type=click.Choice(["cpt", "hcpcs", "icd10cm", "modifier"]),
              help="Only codes of this system (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per query.")
@db_option
@reports_errors
def search_cmd(queries: tuple[str, ...], limit: int, systems: tuple[str, ...], as_json: bool,
               db_path: Path | None) -> None:
    """Search the catalog by code, code prefix or words; each QUERY in turn.

    \b
    Examples:
      cpt-trainer catalog search 99213 9921 "knee injection" J10 "M17.1"
    """
    from trainer import catalog

    out = []
    with _open(db_path) as bank:
        for q in queries:
            out.append({"query": q,
                        "results": catalog.search(bank.db, q, limit=limit, systems=systems or None)})
    if as_json:
        click.echo(json.dumps(out if len(out) > 1 else out[0], indent=2, ensure_ascii=False))
        return
    for block in out:
        click.echo(f"== {block['query']}  ({len(block['results'])} found)")
        for r in block["results"]:
            click.echo(format_row(r))
        if not block["results"]:
            click.echo("   nothing found")


def format_row(r: dict) -> str:
    badge = {"cpt": "CPT", "hcpcs": "HCPCS", "icd10cm": "ICD", "modifier": "MOD"}.get(r["system"], "?")
    where = r.get("section") or ""
    if r.get("subsection") and r["system"] == "cpt":
        where = r["subsection"] if where == "Surgery" else f"{where}/{r['subsection']}"
    if len(where) > 22:
        where = where[:21] + "…"
    status = "" if r.get("status") == "active" else (
        f"  [terminated {r['terminated']}]" if r.get("terminated") else "  [terminated]")
    if r.get("billable") is False and r["system"] == "icd10cm":
        status += "  [heading]"
    return f"   {r['code']:<9} {badge:<5} {where:<22} {r.get('summary') or ''}{status}"


@catalog_group.command("show")
@click.argument("codes", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@db_option
@reports_errors
def show_cmd(codes: tuple[str, ...], as_json: bool, db_path: Path | None) -> None:
    """Show the catalog entry of each CODE, with its NCCI and MUE facts when imported."""
    from trainer import catalog

    found = []
    missing = 0
    with _open(db_path) as bank:
        for c in codes:
            row = catalog.lookup(bank.db, c)
            if row is not None:
                row["mue"] = catalog.mue_limit(bank.db, row["code"])
            found.append({"query": c, "entry": row})
            missing += row is None
        notes = catalog.code_problems(bank.db, codes)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        for f in found:
            r = f["entry"]
            if r is None:
                click.echo(f"{f['query']}: not in the catalog")
                continue
            click.echo(format_row(r).strip())
            click.echo(f"   source: {r['source']}; status: {r['status']}"
                       + (f" since {r['terminated']}" if r.get("terminated") else ""))
            if r.get("mue"):
                m = r["mue"]
                click.echo(f"   MUE: {m['value']} {m['meaning']} ({m['setting']})")
        for n in notes:
            click.echo(f"note: {n['message']}")
    if missing:
        sys.exit(1)


@catalog_group.command("browse")
@click.argument("node", required=False)
@db_option
@reports_errors
def browse_cmd(node: str | None, db_path: Path | None) -> None:
    """List the sections under NODE (none: the top), then the codes directly in it."""
    from trainer import catalog

    with _open(db_path) as bank:
        children = catalog.browse(bank.db, node)
        codes = catalog.codes_under(bank.db, node, limit=50) if node else []
    for c in children:
        more = " +" if c["has_children"] else ""
        click.echo(f"{c['id']:<34} {c['count']:>7,}  {c['label']}{more}")
    if codes:
        click.echo("")
        for r in codes:
            click.echo(format_row(r))


@catalog_group.command("stats")
@click.option("--json", "as_json", is_flag=True)
@db_option
@reports_errors
def stats_cmd(as_json: bool, db_path: Path | None) -> None:
    """Count the catalog's codes by system and source, and the NCCI/MUE rows."""
    from trainer import catalog

    with _open(db_path) as bank:
        s = catalog.stats(bank.db)
    if as_json:
        click.echo(json.dumps(s, indent=2))
        return
    click.echo(f"{s['codes']:,} codes ({s['terminated']:,} terminated)")
    for k, v in s["by_system"].items():
        click.echo(f"  {k:<10} {v:>8,}")
    click.echo("by source:")
    for k, v in s["by_source"].items():
        click.echo(f"  {k:<28} {v:>8,}")
    click.echo(f"NCCI PTP edits: {s['ncci_ptp']:,}; MUE codes: {s['mue']:,}")


COMMANDS = [catalog_group]
