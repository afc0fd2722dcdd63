""".ci/audit.py: what pip-audit's report means for CI (a vulnerability fails it; advisory data
that cannot be reached is said plainly, never passed off as « no known vulnerability »)."""

import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("ci_audit", Path(__file__).resolve().parents[3] / ".ci" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

DJANGO = {"name": "django", "version": "5.2.1", "vulns": []}
SKIPPED = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.1)"}


def test_a_known_vulnerability_fails_with_its_fixed_versions():
    report = {"dependencies": [{**DJANGO, "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": ["CVE-2025-1"]}]},
                               {"name": "nh3", "version": "0.2", "vulns": []}]}
    code, lines = audit.verdict("requirements.lock", report)
    assert code == audit.VULNERABLE
    assert "django 5.2.1: PYSEC-2025-1 (CVE-2025-1), fixed in 5.2.2" in "\n".join(lines)


def test_every_package_skipped_is_not_audited_never_clean():
    code, lines = audit.verdict("requirements.lock", {"dependencies": [SKIPPED, {**SKIPPED, "name": "nh3"}]})
    assert code == audit.NOT_AUDITED
    assert "NOT AUDITED" in lines[0] and "No known vulnerabilities found" in lines[0]


def test_pip_audit_failing_to_reach_the_service_is_not_audited():
    code, lines = audit.verdict("requirements.lock", None, "Traceback…\nrequests.exceptions.ConnectionError: api.osv.dev")
    assert code == audit.NOT_AUDITED and "api.osv.dev" in lines[0]


def test_a_clean_audit_names_what_was_not_checked():
    code, lines = audit.verdict("requirements.lock", {"dependencies": [DJANGO, {**SKIPPED, "name": "local-pkg"}]})
    assert code == audit.OK
    assert "1 locked packages audited" in lines[0] and "local-pkg" in lines[1]


@pytest.mark.parametrize(("codes", "required", "expected"), [
    ([audit.OK, audit.OK], "", 0),
    ([audit.NOT_AUDITED, audit.OK], "", 0),
    ([audit.NOT_AUDITED, audit.NOT_AUDITED], "1", audit.NOT_AUDITED),
    ([audit.VULNERABLE, audit.NOT_AUDITED], "", audit.VULNERABLE),
    ([audit.NOT_AUDITED, audit.VULNERABLE], "1", audit.VULNERABLE),
])
def test_the_exit_code_of_a_run(monkeypatch, capsys, codes, required, expected):
    answers = iter(codes)
    monkeypatch.setattr(audit, "audit", lambda lock: (next(answers), [lock]))
    monkeypatch.setenv("MAILLON_AUDIT_REQUIRED", required)
    assert audit.main([]) == expected
