import pytest


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    """Each audit test has its own checkpoint file (never the shared test data directory's)."""
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")
    return tmp_path / "audit-checkpoints.jsonl"
