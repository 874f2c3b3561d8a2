"""Catalog search benchmark: p50/p95/max per query kind on a catalog of >= 100,000 codes.

    .venv/bin/python tests/benchmarks/bench_search.py [--db PATH] [--rounds N]

Builds (or reuses, with --db pointing at an existing file) a catalog with the whole
ICD-10-CM code set from the bundled package, HCPCS Level II from the CMS 2020 zip in
../shared/data/hcpcs/ when present (synthetic HCPCS-shaped rows otherwise), the bundled
CPT summaries, and synthetic rows if needed to reach 100,000. Then runs a fixed query mix
(seeded, the same every run) through trainer.catalog.search and prints the figures.
Target: p95 <= 2 ms per query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import sqlite_utils  # noqa: E402

from trainer import catalog  # noqa: E402
from trainer.importers import run_import  # noqa: E402

SHARED_ZIP = REPO.parent / "shared" / "data" / "hcpcs" / "HCPC2020_ANWEB.zip"
TARGET = 100_000

HOSTILE = ['"', "*", "AND", "(", "NEAR", "knee AND", "OR NOT", '"unbalanced', "NEAR(a b)",
           "\U0001F600", "x" * 10_000, "-", "^", "col:knee", "a*b*", "'; drop table catalog;--",
           "   ", "E/M", "99213-25", "M17.11 knee"]
WORDS = ["knee", "injection", "fracture", "diabetes", "unspecified", "left", "right",
         "ankle", "pain", "office visit", "knee injection", "osteoarthritis knee",
         "chest x-ray", "wound", "catheter", "ambulance", "wheelchair", "insulin",
         "pressure ulcer", "sepsis", "heart failure", "radiology", "drugs", "orthotic",
         "encounter", "screening", "acute", "chronic kidney", "pregnancy", "fall"]


def build(db: sqlite_utils.Database) -> str:
    catalog.open_catalog(db)
    notes = []
    if db.execute("SELECT count(*) FROM catalog WHERE system='icd10cm'").fetchone()[0] == 0:
        t = time.perf_counter()
        s = run_import(db, "icd10cm")
        notes.append(f"ICD-10-CM import {time.perf_counter() - t:.1f} s: {s.read:,} codes")
    if db.execute("SELECT count(*) FROM catalog WHERE source LIKE 'CMS HCPCS%'").fetchone()[0] == 0:
        if SHARED_ZIP.exists():
            t = time.perf_counter()
            s = run_import(db, "hcpcs", SHARED_ZIP)
            notes.append(f"HCPCS import {time.perf_counter() - t:.1f} s: {s.read:,} records")
        else:
            notes.append("CMS zip absent: synthetic HCPCS rows")
            _synthetic(db, "hcpcs", 7000)
    n = db.execute("SELECT count(*) FROM catalog").fetchone()[0]
    if n < TARGET:
        _synthetic(db, "cpt", TARGET - n)
        notes.append(f"{TARGET - n:,} synthetic CPT-shaped rows")
    return "; ".join(notes)


def _synthetic(db, system: str, count: int) -> None:
    rnd = random.Random(7)
    vocab = ("repair removal biopsy injection imaging drug device supply visit test "
             "therapy graft catheter dressing splint implant screening panel").split()
    rows = []
    for i in range(count):
        code = f"{'ABCEGHJKLQ'[i % 10]}{i:04d}" if system == "hcpcs" else f"{10000 + i:05d}"
        rows.append(catalog.make_row(code, summary=" ".join(rnd.sample(vocab, 4)),
                                     source="synthetic", kind="procedure"))
    with db.atomic():
        catalog.merge_codes(db, rows)


def query_mix(db) -> list[tuple[str, str]]:
    rnd = random.Random(2026)
    codes = [r[0] for r in db.execute("SELECT code FROM catalog ORDER BY id")]
    sample = rnd.sample(codes, 300)
    mix = []
    for c in sample[:150]:
        mix.append(("code exact", c))
    for c in sample[150:300]:
        k = catalog.code_key(c)
        mix.append(("code prefix", k[: rnd.choice((2, 3, 4))]))
    for w in WORDS:
        mix.append(("words", w))
    for w in WORDS:  # as you type: every prefix of the last word
        for i in range(1, len(w) + 1):
            mix.append(("as you type", w[:i]))
    summaries = [r[0] for r in db.execute(
        "SELECT summary FROM catalog WHERE summary IS NOT NULL ORDER BY id")]
    for s in rnd.sample(summaries, 100):
        words = s.split()
        mix.append(("words from summaries", " ".join(rnd.sample(words, min(len(words), rnd.choice((1, 2, 3)))))))
    for h in HOSTILE:
        mix.append(("hostile", h))
    return mix


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="catalog file to build or reuse (default: a temporary file)")
    ap.add_argument("--rounds", type=int, default=5, help="times the whole mix runs (default 5)")
    ap.add_argument("--limit", type=int, default=20)
    args = ap.parse_args(argv)
    tmp = None
    if args.db:
        path = Path(args.db)
    else:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.sqlite"
    db = sqlite_utils.Database(path)
    db.enable_wal()
    t = time.perf_counter()
    notes = build(db)
    n = db.execute("SELECT count(*) FROM catalog").fetchone()[0]
    print(f"catalog: {n:,} codes ({notes}; ready in {time.perf_counter() - t:.1f} s)")
    by_system = dict(db.execute("SELECT system, count(*) FROM catalog GROUP BY system").fetchall())
    print("by system:", ", ".join(f"{k} {v:,}" for k, v in sorted(by_system.items())))
    mix = query_mix(db)
    for _kind, q in mix:  # warm the page cache and statement cache
        catalog.search(db, q, limit=args.limit)
    times: dict[str, list[float]] = {}
    slowest: list[tuple[float, str, str]] = []
    for _ in range(args.rounds):
        for kind, q in mix:
            t0 = time.perf_counter()
            catalog.search(db, q, limit=args.limit)
            dt = (time.perf_counter() - t0) * 1000
            times.setdefault(kind, []).append(dt)
            slowest.append((dt, kind, q))
    print(f"{len(mix)} queries x {args.rounds} rounds, limit {args.limit}, times in ms")
    print(f"{'kind':<22}{'n':>6}{'p50':>8}{'p95':>8}{'max':>8}")
    every = []
    for kind, ts in times.items():
        every += ts
        print(f"{kind:<22}{len(ts):>6}{_pct(ts, 50):>8.3f}{_pct(ts, 95):>8.3f}{max(ts):>8.3f}")
    print(f"{'ALL':<22}{len(every):>6}{_pct(every, 50):>8.3f}{_pct(every, 95):>8.3f}{max(every):>8.3f}")
    slowest.sort(reverse=True)
    print("slowest:", "; ".join(f"{q[:24]!r} ({k}) {dt:.2f}" for dt, k, q in slowest[:5]))
    p95 = _pct(every, 95)
    print(f"target p95 <= 2 ms: {'met' if p95 <= 2 else 'NOT met'} ({p95:.3f} ms)")
    db.close()
    if tmp:
        tmp.cleanup()
    return 0


def _pct(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


if __name__ == "__main__":
    raise SystemExit(main())
