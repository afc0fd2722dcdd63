"""Directory writes: audited and kept in the search index."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from maillon.audit.services import record
from maillon.content import search

from . import policies
from .models import Contact, Facilitator, Link, Partner

KINDS = {Partner: "partner", Contact: "contact", Facilitator: "facilitator", Link: "link"}


def search_url(instance) -> str:
    slug = instance.organisation.slug
    if isinstance(instance, Partner):
        return instance.get_absolute_url()
    if isinstance(instance, Contact):
        return reverse("directory:partner", kwargs={"org": slug, "pk": instance.partner_id}) + f"#contact-{instance.pk}"
    if isinstance(instance, Facilitator):
        return reverse("directory:facilitators", kwargs={"org": slug}) + f"#animateur-{instance.pk}"
    return instance.url


def index(instance) -> None:
    if isinstance(instance, Partner):
        text, summary = f"{instance.description} {instance.tags} {instance.address}", instance.get_kind_display()
    elif isinstance(instance, Contact):
        text, summary = f"{instance.function} {instance.tags} {instance.partner.name}", f"{instance.function} · {instance.partner.name}".strip(" ·")
    elif isinstance(instance, Facilitator):
        text, summary = f"{instance.skills} {instance.last_mission}", instance.skills
    else:
        text, summary = f"{instance.notes} {instance.get_level_display()}", instance.get_kind_display()
    search.index(instance.organisation, KINDS[type(instance)], instance.pk, title=str(instance), url=search_url(instance), text=text, summary=summary)


@transaction.atomic
def save(request, instance, *, created: bool):
    if not policies.can_edit_directory(request.membership):
        raise PermissionDenied
    instance.organisation = request.organisation
    if isinstance(instance, Contact) and instance.partner.organisation_id != request.organisation.pk:
        raise PermissionDenied
    instance.save()
    kind = KINDS[type(instance)]
    record(f"directory.{kind}.{'create' if created else 'update'}", actor=request.user, organisation=request.organisation, target=instance, request=request)
    index(instance)
    return instance


@transaction.atomic
def delete(request, instance) -> None:
    if not policies.can_edit_directory(request.membership) or instance.organisation_id != request.organisation.pk:
        raise PermissionDenied
    kind = KINDS[type(instance)]
    record(f"directory.{kind}.delete", actor=request.user, organisation=request.organisation, target=instance, request=request)
    if isinstance(instance, Partner):
        for contact_id in instance.contacts.values_list("pk", flat=True):
            search.unindex(instance.organisation_id, "contact", contact_id)
    search.unindex(instance.organisation_id, kind, instance.pk)
    instance.delete()
