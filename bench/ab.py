"""A/B CPU per page (issue 14): two source trees measured alternately on one instance.

``.venv/bin/python bench/ab.py --old /tmp/maillon-old --data-dir /tmp/maillon-scale-10 --pages dashboard``

On a machine shared with other work, the CPU time of a request drifts with the load (other
processes evict the caches and share the cores), so two runs minutes apart do not compare. Here
one process per tree (``--old DIR``, e.g. ``git archive <commit> | tar -x -C DIR``; ``--new`` is
this checkout) measures the same pages of ``bench/pages.py`` on the same data directory (one
built by ``bench/scale.py``), round after round, old then new then old…: ``--rounds`` × ``--runs``
requests per page and tree with ``bench/pages.py``'s ``measure`` (process CPU time, median). It
prints, per page, the median of the rounds' CPU medians of each tree, the change, and the load
average at the start and the end; writes ``bench/results/ab.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(args) -> int:
    """In one tree's process: read page names on stdin, answer each with one JSON line."""
    sys.path.insert(0, str(Path(args.tree) / "bench"))
    from run import setup_django  # the tree's own bench/run.py and bench/pages.py

    setup_django(args.data_dir)
    import pages

    from maillon.organisations.models import Organisation

    return answer_measures(pages, Organisation.objects.get(slug=args.org), args.runs)


def answer_measures(pages, org, runs: int) -> int:
    """Read page names on stdin, one a line, and answer each with ``pages.measure`` of that page as
    one JSON line on stdout (``pages``: a tree's bench/pages.py; also bench/scale.py's children)."""
    known = {name: (pages.fill(path, org), user) for name, path, user in pages.PAGES}
    print("ready", flush=True)
    for line in sys.stdin:
        name = line.strip()
        path, user = known[name]
        print(json.dumps(pages.measure(name, path, user, runs)), flush=True)
    return 0


def compare(args) -> int:
    trees = {"old": str(Path(args.old).resolve()), "new": str(Path(args.new).resolve())}
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    children = {
        label: subprocess.Popen(  # noqa: S603 - this script
            [sys.executable, __file__, "child", "--tree", tree, "--data-dir", args.data_dir, "--runs", str(args.runs), "--org", args.org],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=tree)
        for label, tree in trees.items()
    }
    for label, process in children.items():
        line = process.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"the {label} tree's process did not start ({line!r})")
    names = args.pages.split(",")
    load_start = os.getloadavg()
    rows: dict[str, dict[str, list[dict]]] = {label: {n: [] for n in names} for label in trees}
    for number in range(args.rounds):
        order = list(children.items()) if number % 2 == 0 else list(children.items())[::-1]
        for name in names:
            for label, process in order:
                process.stdin.write(name + "\n")
                process.stdin.flush()
                rows[label][name].append(json.loads(process.stdout.readline()))
        print(f"round {number + 1}/{args.rounds}, load average {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    for process in children.values():
        process.stdin.close()
        process.wait()
    load_end = os.getloadavg()
    result = {"old": trees["old"], "new": trees["new"], "data_dir": args.data_dir, "rounds": args.rounds, "runs": args.runs,
              "load_average_start": load_start, "load_average_end": load_end, "pages": {}}
    print(f"\nCPU median ms per request ({args.rounds} alternating rounds of {args.runs} requests; "
          f"load average {load_start[0]:.1f} → {load_end[0]:.1f})\n")
    print(f"{'page':<15}{'old':>8}{'new':>8}{'change':>9}{'q old':>7}{'q new':>7}   rounds old | new")
    for name in names:
        old = [r["cpu_median_ms"] for r in rows["old"][name]]
        new = [r["cpu_median_ms"] for r in rows["new"][name]]
        o, n = statistics.median(old), statistics.median(new)
        print(f"{name:<15}{o:>8.2f}{n:>8.2f}{(n - o) / o * 100:>+8.0f}%{rows['old'][name][-1]['queries']:>7}{rows['new'][name][-1]['queries']:>7}   "
              f"{' '.join(f'{x:.1f}' for x in old)} | {' '.join(f'{x:.1f}' for x in new)}")
        result["pages"][name] = {"old_cpu_ms": o, "new_cpu_ms": n, "old_rounds": old, "new_rounds": new,
                                 "old_queries": rows["old"][name][-1]["queries"], "new_queries": rows["new"][name][-1]["queries"]}
    results = HERE / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / args.output).write_text(json.dumps(result, indent=2))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("child")
    one.add_argument("--tree", required=True)
    one.add_argument("--data-dir", required=True)
    one.add_argument("--runs", type=int, default=20)
    one.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--old", help="the other source tree (e.g. git archive HEAD | tar -x -C DIR)")
    parser.add_argument("--new", default=str(HERE.parent), help="default: this checkout")
    parser.add_argument("--data-dir", help="an instance built by bench/scale.py")
    parser.add_argument("--pages", default="dashboard")
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--output", default="ab.json")
    args = parser.parse_args()
    if args.command == "child":
        return child(args)
    if not args.old or not args.data_dir:
        parser.error("--old and --data-dir are needed")
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
