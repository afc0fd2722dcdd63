"""Demo data of the framework part: the starting framework of seed 004's two job profiles, owned by
Les Tilleuls and shared in the « Numérique et accès aux droits » space, so people of both demo
organisations take part: six participants (three per job profile), each with a coordinator of their
organisation, and one published edition. The logbook and publications seeders read it through
``demo_framework(context)``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

SPACE_SLUG = "numerique-acces-aux-droits"
ANIMATION, INNOVATION = "Chargé d'animation numérique", "Chargé d'innovation numérique"
# Arc-en-Ciel's two extra people of the project (username, first, last, job title).
ARC_PEOPLE = [
    ("arc.mediateur", "Yanis", "Boisjoli", "Médiateur numérique"),
    ("arc.numerique", "Maëlle", "Ventadour", "Chargée de projets numériques"),
]


def demo_framework(context):
    """The demo's framework (None before the seeder ran)."""
    from .models import Framework

    return Framework.objects.filter(organisation=context.main, name__startswith="Référentiel des métiers du numérique").first()


def _main_staff(context, count: int) -> list:
    """Les Tilleuls' animator and the first plain staff members of the generated people."""
    from maillon.accounts.models import Membership

    chosen = [context.people["animateur"]]
    generated = (Membership.objects.active().filter(organisation=context.main, user__username__in=list(context.people))
                 .exclude(user__username__contains="coordo").exclude(role_assignments__role__in=["director", "hr", "admin", "coordinator",
                                                                                                  "supervisor", "reception",
                                                                                                  "communication", "equipment_manager"])
                 .exclude(user=chosen[0]).select_related("user").order_by("pk"))
    chosen += [membership.user for membership in generated[:count - 1]]
    return chosen


def seed(context) -> None:
    from maillon.accounts.roles import Role as OrgRole
    from maillon.core.demo import _member, _person
    from maillon.spaces.models import Role as SpaceRole
    from maillon.spaces.models import Space, SpaceMember

    from . import framework as services
    from .models import Participant

    director = context.people["directrice"]
    arc_people = []
    for username, first, last, title in ARC_PEOPLE:
        user = _person(username, first, last)
        _member(user, context.second, "Secteur Jeunes et Adolescents", OrgRole.STAFF, title)
        context.people[username] = user
        arc_people.append(user)
    if demo_framework(context) is not None:
        return  # a demo loaded again keeps the framework people already changed

    space = Space.objects.filter(slug=SPACE_SLUG).first()
    framework = services.create_from_template(organisation=context.main, actor=director)
    framework.created_at = timezone.now() - timedelta(days=190)
    if space is not None:
        framework.space = space
        for user in arc_people:
            SpaceMember.objects.get_or_create(space=space, user=user, defaults={
                "organisation": context.second, "role": SpaceRole.CONTRIBUTOR, "added_by": context.people.get("fede.chargee", director)})
    framework.save(update_fields=["created_at", "space"])

    profiles = {profile.name: profile for profile in framework.profiles.all()}
    tilleuls = _main_staff(context, 3)
    arc = [context.people["arc.animatrice"], *arc_people]
    # Three per profile, across both organisations, each with a coordinator of their own organisation.
    placed = [(tilleuls[0], ANIMATION, "coordo.enfance"), (tilleuls[1], ANIMATION, "coordo.jeunes"),
              (tilleuls[2], INNOVATION, "coordo.jeunes"), (arc[0], ANIMATION, "arc.directeur"),
              (arc[1], INNOVATION, "arc.directeur"), (arc[2], INNOVATION, "arc.directeur")]
    for user, profile, coordinator in placed:
        if space is None and user in arc:
            continue  # without the space, Arc-en-Ciel's people cannot take part
        participant = services.save_participant(framework, user=user, profile=profiles[profile],
                                                coordinator=context.people[coordinator], actor=director)
        Participant.objects.filter(pk=participant.pk).update(joined_at=framework.created_at)
    edition = services.publish_edition(framework, actor=director, label="édition du semestre 1 2026")
    edition.published_at = timezone.now() - timedelta(days=150)
    edition.save(update_fields=["published_at"])
