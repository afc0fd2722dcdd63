"""Known vulnerabilities in the locked packages: pip-audit on requirements.lock and
requirements-dev.lock (hashes required, nothing installed), against PyPI's advisory data.

Exit 1 when a locked release has a known vulnerability (listed with its fixed versions), so CI
fails. When the advisory data cannot be reached, pip-audit itself says « No known
vulnerabilities found » with every package skipped; this script says plainly that nothing was
audited and why, and exits 0 (CI does not fail for a service it cannot reach: its result would
depend on the network, not on the code), or 3 with MAILLON_AUDIT_REQUIRED=1 (a machine that
must audit). A vulnerability that does not apply is listed in .ci/pip-audit-ignore.txt with its
reason (« ID  # why »).

Run: .venv/bin/python .ci/audit.py [LOCK...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock")
IGNORE_FILE = Path(__file__).with_name("pip-audit-ignore.txt")
OK, VULNERABLE, NOT_AUDITED = 0, 1, 3


def ignored() -> list[str]:
    if not IGNORE_FILE.exists():
        return []
    return [line.split("#", 1)[0].strip() for line in IGNORE_FILE.read_text().splitlines() if line.split("#", 1)[0].strip()]


def verdict(lock: str, report: dict | None, error: str = "") -> tuple[int, list[str]]:
    """What pip-audit's JSON report of ``lock`` means: (OK | VULNERABLE | NOT_AUDITED, lines)."""
    if report is None:
        last = (error.strip().splitlines() or ["no output"])[-1]
        return NOT_AUDITED, [f"{lock}: NOT AUDITED, pip-audit could not reach the advisory data ({last[:300]})"]
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if vulnerable:
        lines = [f"{lock}: KNOWN VULNERABILITIES in {len(vulnerable)} of {len(dependencies)} locked packages:"]
        for d in vulnerable:
            for v in d["vulns"]:
                fixed = ", ".join(v.get("fix_versions") or []) or "no fixed release yet"
                aliases = f" ({', '.join(v['aliases'])})" if v.get("aliases") else ""
                lines.append(f"  {d['name']} {d.get('version', '?')}: {v['id']}{aliases}, fixed in {fixed}")
        lines.append("  Update the package in pyproject.toml and regenerate both locks (README), or list the ID "
                     "with the reason in .ci/pip-audit-ignore.txt if it does not apply.")
        return VULNERABLE, lines
    if dependencies and not audited:
        first = skipped[0]["skip_reason"]
        return NOT_AUDITED, [
            f"{lock}: NOT AUDITED, none of the {len(dependencies)} locked packages could be checked. pip-audit's "
            f"advisory source did not answer for any release (first: « {first} »): PyPI's per-release JSON API "
            "(/pypi/NAME/VERSION/json) is not reachable from here, e.g. behind a package mirror that serves only "
            "the index. pip-audit alone would print « No known vulnerabilities found »: that would be false."]
    lines = [f"{lock}: {audited} locked packages audited, no known vulnerability."]
    if skipped:
        lines.append(f"  {len(skipped)} not audited: " + ", ".join(f"{d['name']} ({d['skip_reason']})" for d in skipped))
    return OK, lines


def audit(lock: str) -> tuple[int, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(ROOT / lock), "--require-hashes", "--disable-pip",
                   "--progress-spinner", "off", "--format", "json", "--output", str(output), "--timeout", "20",
                   "--cache-dir", str(Path(folder) / "cache")]
        for vuln in ignored():
            command += ["--ignore-vuln", vuln]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)  # noqa: S603
        except subprocess.TimeoutExpired:
            return verdict(lock, None, "pip-audit took more than 10 minutes")
        try:
            report = json.loads(output.read_text())
        except (OSError, ValueError):
            return verdict(lock, None, result.stderr or result.stdout)
    return verdict(lock, report)


def main(locks: list[str]) -> int:
    codes = set()
    for lock in locks or LOCKS:
        code, lines = audit(lock)
        print("\n".join(lines), file=sys.stderr if code else sys.stdout)
        codes.add(code)
    if VULNERABLE in codes:
        return VULNERABLE
    if NOT_AUDITED in codes:
        if os.environ.get("MAILLON_AUDIT_REQUIRED") == "1":
            return NOT_AUDITED
        print("pip-audit: the locks were NOT checked for known vulnerabilities on this machine (see above); "
              "CI goes on. Run .ci/audit.py where PyPI's JSON API or OSV answers, or set MAILLON_AUDIT_REQUIRED=1 "
              "to make this a failure.", file=sys.stderr)
    return OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
