"""The test base every app uses (see docs/adding-a-domain-app.md).

``people`` gives, in one organisation ``org`` with its default sectors:
  owner        staff in « Secteur Enfance » (the person acting)
  colleague    staff in the same sector
  other_sector staff in « Secteur Jeunes et Adolescents »
  outsider     staff of another organisation ``other_org``
and ``people.with_role(role, sector=None)`` makes a member holding that role.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import factory
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.accounts.models import Membership, RoleAssignment, User
from maillon.accounts.roles import SECTOR_ROLES, Role
from maillon.organisations.models import Organisation, Sector
from maillon.organisations.services import create_organisation

TEST_PASSWORD = "Test-Password-2026!"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Centre social {n}")
    slug = factory.Sequence(lambda n: f"centre-{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_organisation(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.test")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def sector(organisation: Organisation, name: str) -> Sector:
    return Sector.objects.for_organisation(organisation).get(name=name)


def make_member(organisation: Organisation, *roles: str, sector_name: str | None = "Secteur Enfance", user: User | None = None, **user_fields) -> User:
    """A user who is an active member of ``organisation`` with the given roles (staff always)."""
    user = user or UserFactory(**user_fields)
    home = sector(organisation, sector_name) if sector_name else None
    membership = Membership.objects.create(user=user, organisation=organisation, sector=home)
    RoleAssignment.objects.create(membership=membership, role=Role.STAFF)
    for role in roles:
        if role == Role.STAFF:
            continue
        RoleAssignment.objects.create(membership=membership, role=role, sector=home if role in SECTOR_ROLES else None)
    return user


@dataclass
class People:
    org: Organisation
    other_org: Organisation
    owner: User
    colleague: User
    other_sector: User
    outsider: User

    def with_role(self, role: str, sector_name: str | None = "Secteur Enfance", organisation: Organisation | None = None) -> User:
        user = make_member(organisation or self.org, role, sector_name=sector_name)
        if role in {"hr", "director", "admin"}:
            give_totp(user)
        return user


def give_totp(user: User) -> None:
    """Privileged roles must have MFA; tests give them a TOTP authenticator."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, "JBSWY3DPEHPK3PXP")


def build_people() -> People:
    org = OrganisationFactory(name="Centre social des Essais", slug="essais")
    other_org = OrganisationFactory(name="Autre centre", slug="autre")
    return People(
        org=org,
        other_org=other_org,
        owner=make_member(org, sector_name="Secteur Enfance", username="proprietaire"),
        colleague=make_member(org, sector_name="Secteur Enfance", username="collegue"),
        other_sector=make_member(org, sector_name="Secteur Jeunes et Adolescents", username="autresecteur"),
        outsider=make_member(other_org, sector_name="Secteur Enfance", username="exterieur"),
    )


def allauth_login(client, user) -> None:
    """``client.force_login(user)`` as if through allauth's login (MFA passed): sessions opened
    any other way are closed by ``AllauthSessionMiddleware``. For the benches and tools; in
    pytest, ``force_login`` itself does it (maillon/conftest.py)."""
    from maillon.accounts.sessions import mark_opened_by_allauth

    client.force_login(user)
    session = client.session
    mark_opened_by_allauth(session, user)
    session.save()


def signed_in(user):
    """A test client of ``user`` who typed the password for a signature less than five minutes
    ago: the next signatures need no password (accounts/signing.py)."""
    from django.test import Client

    from maillon.accounts import signing

    client = Client()
    client.force_login(user)
    session = client.session
    session[signing.SESSION_KEY] = [user.pk, signing.time.time()]
    session.save()
    return client


class QueryCounter(CaptureQueriesContext):
    """``with QueryCounter() as q: …; assert len(q) <= 12``"""

    def __init__(self):
        super().__init__(connection)


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF made by fpdf2 with core fonts: inflate each content stream and
    join the literal strings of its text operators."""
    text = []
    # The stream's own bytes may end with \r or \n: take everything up to ``endstream`` and let
    # zlib leave the line break as unused data (a regex eating a final \r made it fail, 1 in 256).
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            data = zlib.decompressobj().decompress(raw)
        except zlib.error:
            data = raw
        for literal in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", data, re.S):
            literal = re.sub(rb"\\([()\\])", rb"\1", literal)
            text.append(literal.decode("windows-1252"))
    return "\n".join(text)


def only_jobs(monkeypatch, *names: str) -> None:
    """Leave only these periodic jobs registered, so a test that runs the due jobs runs its own
    (not tonight's backup or any other app's job)."""
    from maillon.core import periodic

    monkeypatch.setattr(periodic, "JOBS", {name: periodic.JOBS[name] for name in names})
