"""Instructions per request (issue 14): callgrind's count, which the machine's load does not change.

``.venv/bin/python bench/instructions.py --data-dir /tmp/maillon-scale-10 --pages dashboard,staff``

CPU time drifts with the load of a shared machine; the number of instructions a request executes
does not (the same code on the same data: within a fraction of a percent). Each source tree
(``--trees``, this checkout by default; e.g. ``--trees /tmp/maillon-old,.`` to compare) runs in a
Python process under ``valgrind --tool=callgrind --instr-atstart=no``: the process starts and
warms each page (first visit, then two requests) at valgrind's lighter speed, and only the
``--runs`` measured requests are instrumented (``callgrind_control -i on``/``off``) and dumped
per page. It prints the instructions per request (Ir, millions) of each page and tree, and writes
``bench/results/instructions.json``. About a minute per tree and page at 10 runs: valgrind runs
the instrumented part 50 to 100 times slower. Needs ``valgrind`` (Debian's package).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(args) -> int:
    """Under valgrind, in one tree: for each page named on stdin, warm it, say « ready », wait for
    « go », run the measured requests, say « done »."""
    sys.path.insert(0, str(Path(args.tree) / "bench"))
    from run import setup_django

    setup_django(args.data_dir)
    import pages

    from maillon.organisations.models import Organisation

    org = Organisation.objects.get(slug=args.org)
    known = {name: (pages.fill(path, org), user) for name, path, user in pages.PAGES}
    print("started", flush=True)
    for line in sys.stdin:
        path, user = known[line.strip()]
        client = pages.client_for(user)
        for _ in range(3):
            response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        print("ready", flush=True)
        sys.stdin.readline()  # « go »
        for _ in range(args.runs):
            client.get(path)
        print("done", flush=True)
    return 0


def control(*arguments: str) -> None:
    subprocess.run(["callgrind_control", *arguments], check=True, capture_output=True)  # noqa: S603, S607 - valgrind's tool


def totals(out_dir: Path, pid: int) -> list[int]:
    """Ir of each dump of the process, in the order they were made (callgrind.out.<pid>.<n>)."""
    found = []
    for path in out_dir.glob(f"callgrind.out.{pid}.*"):
        number = int(path.name.rsplit(".", 1)[1])
        text = path.read_text(errors="replace")
        match = re.search(r"^totals:\s+(\d+)", text, re.M)  # (« summary: » is 0 in a dump)
        found.append((number, int(match.group(1)) if match else 0))
    return [ir for _, ir in sorted(found)]


def measure_tree(tree: str, args, out_dir: Path) -> dict[str, float]:
    # The page-view counter's writer thread would run inside the measured requests (every 5 s, and
    # valgrind makes them last seconds): it waits for the process's end instead.
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "MAILLON_STATS_FLUSH_SECONDS": "86400", "MAILLON_STATS_BATCH_SIZE": "1000000"}
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out_dir}/callgrind.out.%p",
               sys.executable, __file__, "child", "--tree", tree, "--data-dir", args.data_dir, "--runs", str(args.runs),
               "--org", args.org]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,  # noqa: S603
                               text=True, env=env, cwd=tree)
    if process.stdout.readline().strip() != "started":
        raise SystemExit(f"{tree}: the process under valgrind did not start")
    pid = str(process.pid)
    names = args.pages.split(",")
    for name in names:
        process.stdin.write(name + "\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "ready"
        control("-i", "on", pid)
        process.stdin.write("go\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "done"
        control("-i", "off", pid)
        control("-d", name, pid)
        print(f"  {Path(tree).name or tree}: {name} measured", file=sys.stderr, flush=True)
    process.stdin.close()
    process.wait()
    counts = totals(out_dir, process.pid)[:len(names)]
    return {name: ir / args.runs / 1e6 for name, ir in zip(names, counts, strict=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("child")
    one.add_argument("--tree", required=True)
    one.add_argument("--data-dir", required=True)
    one.add_argument("--runs", type=int, default=10)
    one.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--trees", default=str(HERE.parent), help="comma-separated source trees (default: this checkout)")
    parser.add_argument("--data-dir", help="an instance built by bench/scale.py")
    parser.add_argument("--pages", default="dashboard")
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--output", default="instructions.json")
    args = parser.parse_args()
    if args.command == "child":
        return child(args)
    if not args.data_dir:
        parser.error("--data-dir is needed")
    trees = [str(Path(t).resolve()) for t in args.trees.split(",")]
    result = {"data_dir": args.data_dir, "runs": args.runs, "trees": {}}
    for tree in trees:
        with tempfile.TemporaryDirectory(prefix="maillon-callgrind-") as out_dir:
            result["trees"][tree] = measure_tree(tree, args, Path(out_dir))
    names = args.pages.split(",")
    print(f"\nInstructions per request (millions, callgrind Ir, {args.runs} requests per page)\n")
    print(f"{'page':<15}" + "".join(f"{Path(t).name[:14]:>16}" for t in trees) + ("      change" if len(trees) == 2 else ""))
    for name in names:
        values = [result["trees"][t][name] for t in trees]
        change = f"{(values[1] - values[0]) / values[0] * 100:>+11.1f}%" if len(values) == 2 else ""
        print(f"{name:<15}" + "".join(f"{v:>16.2f}" for v in values) + change)
    results = HERE / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / args.output).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
