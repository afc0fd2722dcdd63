"""Keep the search index and the editors' groups in step with Wagtail and the roles."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from maillon.accounts.models import Membership, RoleAssignment

from . import editors, services
from .models import MaillonPage, NewsPage


@receiver(page_published)
def on_publish(sender, instance, **kwargs):
    if isinstance(instance, MaillonPage):
        services.index_page(instance)
        if isinstance(instance, NewsPage) and instance.important:
            services.notify_important_news(instance)


@receiver(page_unpublished)
def on_unpublish(sender, instance, **kwargs):
    if isinstance(instance, MaillonPage):
        services.unindex_page(instance)


@receiver(post_delete)
def on_page_delete(sender, instance, **kwargs):
    if isinstance(instance, MaillonPage):
        services.unindex_page(instance)


def _sync(organisation_id):
    """In the same transaction: a role withdrawn takes the back office away at once."""
    from maillon.organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is not None:
        editors.sync_editors(organisation)


@receiver([post_save, post_delete], sender=RoleAssignment)
def on_role_change(sender, instance, **kwargs):
    if instance.role == "communication":
        membership = Membership.objects.filter(pk=instance.membership_id).only("organisation_id").first()
        if membership is not None:
            _sync(membership.organisation_id)


@receiver(post_save, sender=Membership)
def on_membership_change(sender, instance, **kwargs):
    _sync(instance.organisation_id)
