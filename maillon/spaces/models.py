"""Spaces: working groups whose members come from several organisations (seed 000).

The one place where data crosses tenants. The rule (DESIGN.md, « Tenancy »): a space's content is
visible to its members, whatever their organisation, and to nobody else. Who is a member:

- a person added to the space (``SpaceMember``: their role there);
- every active member of an organisation that accepted the space's invitation (``SpaceOrganisation``);
- when the space is open to its federation, every active member of that federation's
  organisations, as readers.

``Space.objects.visible_to(user)`` and ``policies.role_in(space, user)`` read exactly that.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Federation, Organisation


class Role(models.TextChoices):
    """A person's role in a space, from most to least: hosts run it, contributors write."""

    HOST = "host", _("Host")
    CONTRIBUTOR = "contributor", _("Contributor")
    READER = "reader", _("Reader")


RANK = {Role.HOST: 3, Role.CONTRIBUTOR: 2, Role.READER: 1}


def _active_organisations(user):
    from maillon.accounts.models import Membership

    return Membership.objects.active().filter(user=user, organisation__is_active=True).values("organisation")


class SpaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The spaces ``user`` is a member of (any of the three ways); archived ones included."""
        if user is None or not user.is_authenticated:
            return self.none()
        organisations = _active_organisations(user)
        direct = SpaceMember.objects.filter(space=OuterRef("pk"), user=user)
        through_organisation = SpaceOrganisation.objects.filter(
            space=OuterRef("pk"), organisation__in=organisations, accepted_at__isnull=False)
        through_federation = Organisation.federations.through.objects.filter(
            federation=OuterRef("federation"), organisation__in=organisations)
        return self.filter(Exists(direct) | Exists(through_organisation)
                           | (Q(visibility=Space.Visibility.FEDERATION) & Exists(through_federation)))

    def active(self):
        return self.filter(archived_at__isnull=True)

    def with_role(self, user):
        """``visible_to(user)`` with what gives each space's role to ``user`` read in the same
        query (``role_of(space)`` reads it): a page or the API needs no other query for it."""
        if user is None or not user.is_authenticated:
            return self.none()
        organisations = _active_organisations(user)
        best_first = Case(When(role=Role.HOST, then=Value(0)), When(role=Role.CONTRIBUTOR, then=Value(1)), default=Value(2),
                          output_field=IntegerField())
        direct = SpaceMember.objects.filter(space=OuterRef("pk"), user=user).values("role")[:1]
        through_organisation = (SpaceOrganisation.objects.filter(space=OuterRef("pk"), organisation__in=organisations, accepted_at__isnull=False)
                                .order_by(best_first).values("role")[:1])
        through_federation = Organisation.federations.through.objects.filter(federation=OuterRef("federation"), organisation__in=organisations)
        return self.visible_to(user).annotate(direct_role=Subquery(direct), organisation_role=Subquery(through_organisation),
                                              in_federation=Exists(through_federation))


def role_of(space) -> str | None:
    """The role read by ``Space.objects.with_role(user)``: the highest of the three ways in."""
    found = [role for role in (getattr(space, "direct_role", None), getattr(space, "organisation_role", None)) if role]
    if not found and space.visibility == Space.Visibility.FEDERATION and space.federation_id and getattr(space, "in_federation", False):
        found.append(Role.READER)
    return max(found, key=lambda role: RANK[role]) if found else None


def members_of(space) -> models.QuerySet:
    """Every active person who is a member of ``space``, whichever of the three ways, as a query
    of users (one query when read; no row of anyone else)."""
    from django.contrib.auth import get_user_model

    from maillon.accounts.models import Membership

    active = Membership.objects.active().filter(user=OuterRef("pk"), organisation__is_active=True)
    condition = Exists(SpaceMember.objects.filter(space=space, user=OuterRef("pk"))) | Exists(active.filter(
        organisation__space_invitations__space=space, organisation__space_invitations__accepted_at__isnull=False))
    if space.visibility == Space.Visibility.FEDERATION and space.federation_id:
        condition |= Exists(active.filter(organisation__federations=space.federation_id))
    return get_user_model().objects.filter(condition, is_active=True)


class Space(models.Model):
    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("Working group")
        NETWORK = "network", _("Thematic network")
        PROJECT = "project", _("Project")

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Members only")
        FEDERATION = "federation", _("Every member of the federation (as readers)")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    theme = models.CharField(_("theme"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKING_GROUP)
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="owned_spaces",
                                     verbose_name=_("owner organisation"))
    federation = models.ForeignKey(Federation, on_delete=models.SET_NULL, null=True, blank=True, related_name="spaces",
                                   verbose_name=_("federation"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)


def unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "espace"
    slug, n = base, 2
    while Space.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class SpaceMember(models.Model):
    """A person added to a space. ``organisation``: the one they come from (None: an invited
    person with no organisation on this instance)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="space_member_unique")]
        indexes = [models.Index(fields=["user", "space"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class SpaceOrganisation(models.Model):
    """A whole organisation invited into a space: once its director or admin accepts, every
    active member of it is a member of the space with ``role``."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="organisations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="space_invitations")
    role = models.CharField(_("role"), max_length=20, choices=[(Role.CONTRIBUTOR, Role.CONTRIBUTOR.label), (Role.READER, Role.READER.label)],
                            default=Role.READER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "organisation"], name="space_organisation_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str):
        return self.pending().filter(token_hash=_hash(token or "")).select_related("space").first()


class Invitation(models.Model):
    """An e-mail invitation of someone who has no account here yet. Only the token's hash is kept."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return self.email

    @classmethod
    def new_token(cls) -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash(token)
from .models_feed import *  # noqa
