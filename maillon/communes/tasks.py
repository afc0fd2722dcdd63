from django_tasks import task


@task()
def end_expired_support() -> int:
    """Close the support accesses whose time is over, for the people who do not come back (the
    ones who do are stopped at their next request: ``access.check_request``)."""
    from .services import end_expired

    return end_expired()
