"""Writes on organisations: creation with default sectors, theme changes."""

from __future__ import annotations

from django.db import transaction

from maillon.audit.services import record

from .models import DEFAULT_SECTORS, Organisation, Sector


@transaction.atomic
def create_organisation(*, name: str, slug: str, kind: str = Organisation.Kind.SOCIAL_CENTRE, actor=None, **fields) -> Organisation:
    """Create an organisation with the default sectors of seed 001 §3.5."""
    organisation = Organisation(name=name, slug=slug, kind=kind, **fields)
    organisation.full_clean()
    organisation.save()
    Sector.objects.bulk_create(
        Sector(organisation=organisation, name=sector, position=index) for index, sector in enumerate(DEFAULT_SECTORS)
    )
    record("organisation.create", actor=actor, organisation=organisation, target=organisation, data={"name": name})
    return organisation


@transaction.atomic
def update_settings(form, *, actor, request=None) -> Organisation:
    """Save a validated OrganisationSettingsForm and audit which fields changed."""
    organisation = form.save()
    record(
        "organisation.settings", actor=actor, organisation=organisation, target=organisation,
        data={"changed": sorted(form.changed_data)}, request=request,
    )
    return organisation
