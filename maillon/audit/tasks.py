"""The audit log's periodic work: the daily signed checkpoint of the chain head."""

from django_tasks import task


@task()
def write_checkpoint() -> int:
    """Sign the chain head and write it to the log output and the checkpoint file (see
    checkpoints.py). Returns the entry count it anchors."""
    from .checkpoints import write_checkpoint as write

    return write()["count"]
