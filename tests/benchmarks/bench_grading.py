"""How fast is grading? Prints answer lines graded per second (target: >= 50,000).

    .venv/bin/python tests/benchmarks/bench_grading.py [--seconds 3]

A mix of realistic answers (exact, partial, family, missing, extra lines, typed the way
learners type) graded with grade_case, the whole path: parsing, classification, pairing,
feedback and by-category totals. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trainer.grading import grade_case  # noqa: E402

CASES = [
    ("99213-25, 20610-RT", ["20610 rt, 99214", "99213-25, 20610-RT", "99213 25; 20610-LT", "99213"]),
    ("99214-25, 11042, 97597 x2", ["99214 25, 11042, 97597 x2", "99215, 11042, 97597", "11042-59, 97597 (2)"]),
    ("12002, 12032-59, J1030 x2", ["12004, 12032-59, J1030 ×2", "12002; 12032; J1030 2 units; 99213"]),
    ("97110 x3, 97140 x2, 97530", ["97110 (3), 97140 (2), 97530", "97110 x2\n97140 x2\n97535", "97110-gp x3"]),
    ("43239, 43235", ["43239, 43235", "43239", "43239-59, 43235, 43236"]),
]


def workload(n: int, seed: int = 7):
    rnd = random.Random(seed)
    jobs = []
    for _ in range(n):
        expected, answers = rnd.choice(CASES)
        jobs.append((expected, rnd.choice(answers)))
    return jobs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    jobs = workload(2000)
    # Count answer lines once (as the parser sees them).
    from trainer.parse import parse_answer

    line_counts = [len(parse_answer(a).lines) + len(parse_answer(a).problems) for _e, a in jobs]
    for e, a in jobs[:50]:          # warm the caches the way a running app has them
        grade_case(e, a)

    # Each expected key is parsed once per question in a real session; grade from parsed
    # keys too, and separately from raw strings.
    from trainer.parse import parse_answer as pa
    parsed_keys = {e: pa(e).lines for e, _ in CASES}

    from trainer.parse import _parse_cached

    modes = (("keys pre-parsed (as from the bank)", True, False),
             ("keys as raw strings", False, False),
             ("worst case: fragment cache cleared before every answer", False, True))
    for label, use_parsed, cold in modes:
        lines = cases = 0
        t0 = time.perf_counter()
        deadline = t0 + args.seconds
        while time.perf_counter() < deadline:
            for (e, a), n in zip(jobs, line_counts):
                if cold:
                    _parse_cached.cache_clear()
                grade_case(parsed_keys[e] if use_parsed else e, a)
                lines += n
                cases += 1
        dt = time.perf_counter() - t0
        print(f"{label}: {cases} answers, {lines} answer lines in {dt:.2f} s: "
              f"{lines / dt:,.0f} lines/s, {cases / dt:,.0f} answers/s, "
              f"{1e6 * dt / cases:.1f} us per answer")
    print(f"Python {platform.python_version()} on {platform.machine()} ({platform.processor() or 'cpu'})")


if __name__ == "__main__":
    main()
