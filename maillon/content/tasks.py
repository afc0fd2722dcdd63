"""Periodic work of the content app."""

from django_tasks import task


@task()
def publish_scheduled() -> None:
    """Publish the pages and news whose scheduled date has come, unpublish expired ones
    (Wagtail's ``publish_scheduled``; the page_published signal indexes and notifies)."""
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
