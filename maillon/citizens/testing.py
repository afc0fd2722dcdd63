"""Test helpers: sign a Django test client in as a citizen (what the e-mail link does)."""

from __future__ import annotations

from .identity import METHOD_KEY, SESSION_KEY


def login_citizen(client, citizen, method: str = "email") -> None:
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session[METHOD_KEY] = method
    session.save()


_counter = iter(range(1, 10_000))


def make_commune(slug: str, services=("citizen_procedures", "participation", "problem_reports"), *, groupement=None,
                 name: str | None = None):
    """A commune of a groupement (created when not given) with ``services`` enabled, directly in
    the database (no invitation, no audit): what public pages need in a test. Returns the
    commune's Organisation; ``groupement`` is reachable as ``organisation.commune_profile.groupement``."""
    from maillon.communes import services as commune_services
    from maillon.communes.demo import _siret
    from maillon.communes.models import Commune, CommuneService
    from maillon.organisations.models import Organisation

    n = next(_counter)
    if groupement is None:
        groupement = Organisation.objects.create(name=f"Syndicat {slug}", slug=f"syndicat-{slug}",
                                                 kind=Organisation.Kind.GROUPEMENT)
    organisation = Organisation.objects.create(name=name or slug.replace("-", " ").title(), slug=slug,
                                               kind=Organisation.Kind.COMMUNE)
    Commune.objects.create(organisation=organisation, groupement=groupement, insee_code=f"32{n:03d}",
                           siret=_siret(900 + n), population=500, mayor_name="Maire Essai",
                           secretary_email=f"mairie-{slug}@exemple.test")
    for key in services:
        CommuneService.objects.create(organisation=organisation, key=key)
    commune_services.forget(organisation.pk)
    return organisation
