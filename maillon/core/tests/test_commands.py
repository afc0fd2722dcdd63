"""The platform's commands answer --help (their help text is translated)."""

import pytest
from django.core.management import ManagementUtility


@pytest.mark.parametrize("command", ["audit", "jobs", "worker", "serve", "totp"])
def test_help_works_and_is_in_french(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["maillon", command, "--help"]).execute()
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: maillon {command}" in out
    assert any(word in out for word in ("tâches", "journal", "serveur", "TOTP"))
