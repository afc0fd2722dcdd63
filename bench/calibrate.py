"""How fast is this machine today, next to the one issue 14's budgets were set on?

``.venv/bin/python bench/calibrate.py`` (``--commit 485c95a --runs 200``)

Issue 14 set its CPU budgets (dashboard ≤ 10 ms, other pages ≤ 15 ms) on a machine where the code
of its start (commit 485c95a) served the dashboard in a median of **36 ms** (``bench/run.py``).
The machine this runs on changes from day to day (the same instructions took 1.7 to 2 times longer
on 7 December 2026 than on the 6th). This script runs that commit's own ``bench/run.py`` (a
throw-away demo instance: migrate, collectstatic, demo) and then this checkout's, back to back, and
prints both dashboard medians, the machine's factor (old median / 36 ms) and the budgets scaled by
it: the figures of ``bench/pages.py`` on this machine compare with those. The old tree is taken
with ``git archive`` into a temporary directory; this checkout's virtual environment runs both.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISSUE_BASELINE_MS = 36.0
BUDGETS_MS = {"dashboard": 10.0, "other pages": 15.0}


def dashboard_median(tree: Path, runs: int) -> float:
    done = subprocess.run([sys.executable, "bench/run.py", "--runs", str(runs)], cwd=tree,  # noqa: S603 - our own bench
                          capture_output=True, text=True, timeout=1800)
    found = re.search(r"^dashboard\s.*?([\d.]+)ms\s+[\d.]+ms\s*$", done.stdout, re.M)
    if found is None:
        raise SystemExit(f"no dashboard line from {tree}/bench/run.py:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return float(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default="485c95a", help="the code of the issue's start")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="maillon-calibrate-") as old:
        archive = subprocess.run(["git", "archive", args.commit], cwd=ROOT, capture_output=True, check=True)  # noqa: S603, S607
        subprocess.run(["tar", "-x", "-C", old], input=archive.stdout, check=True)  # noqa: S603, S607
        old_ms = dashboard_median(Path(old), args.runs)
    new_ms = dashboard_median(ROOT, args.runs)
    factor = old_ms / ISSUE_BASELINE_MS
    result = {"old_commit": args.commit, "old_dashboard_ms": old_ms, "new_dashboard_ms": new_ms, "issue_baseline_ms": ISSUE_BASELINE_MS,
              "machine_factor": round(factor, 2), "speedup": round(old_ms / new_ms, 2),
              "scaled_budgets_ms": {k: round(v * factor, 1) for k, v in BUDGETS_MS.items()}}
    print(f"dashboard, 1x demo, bench/run.py median: {args.commit} {old_ms:.1f} ms (the issue measured {ISSUE_BASELINE_MS:.0f} ms), "
          f"this checkout {new_ms:.1f} ms: {old_ms / new_ms:.1f} times faster")
    print(f"this machine today: ×{factor:.2f} the issue's; budgets here: dashboard ≤ {10 * factor:.1f} ms, other pages ≤ {15 * factor:.1f} ms")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibrate.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
