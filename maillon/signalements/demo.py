"""Demo: problem reports in three communes of the demo's groupement (communes.demo, which runs
before: its app comes first in INSTALLED_APPS). The service is enabled for three of the communes
that have services, each gets the default categories, and ten fictional reports in all statuses
(three awaiting moderation, one refused), with the commune's answers and two photos."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

# (commune index among those with services, category, description, address, point, status path, moderation, days ago, photo)
REPORTS = [
    (0, "Voirie", "Un nid-de-poule profond s'est formé devant l'abribus, les vélos l'évitent en se déportant sur la chaussée.",
     "Route de Mauvezin, arrêt « La Bourdette »", (43.6412, 0.8921), ["in_progress"], "published", 12, True),
    (0, "Éclairage public", "Le lampadaire à l'angle de la place ne s'allume plus depuis une semaine, la place est très sombre le soir.",
     "Place de la Halle", None, ["in_progress", "resolved"], "published", 30, False),
    (0, "Propreté", "Des sacs d'ordures et un vieux matelas ont été déposés au pied des conteneurs de tri.",
     "Chemin du Lavoir", (43.6398, 0.8887), [], "pending", 1, True),
    (0, "Espaces verts", "La haie du square déborde sur le trottoir : les poussettes doivent passer sur la route.",
     "Square des Tilleuls", None, ["rejected"], "published", 45, False),
    (1, "Bâtiments communaux", "Une fuite au plafond des toilettes de la salle des fêtes, un seau a été posé.",
     "Salle des fêtes, rue de l'Église", None, ["in_progress"], "published", 6, False),
    (1, "Voirie", "Le panneau « Stop » du carrefour a été plié par un camion, il n'est plus visible.",
     "Carrefour de la D12 et du chemin de Lagarde", (43.7105, 0.5962), [], "published", 2, False),
    (1, "Autre", "Texte publicitaire sans rapport avec la commune.", "Partout", None, [], "rejected", 9, False),
    (2, "Éclairage public", "Trois lampadaires clignotent toute la nuit dans le lotissement.",
     "Lotissement du Moulin", (43.5521, 0.4418), ["in_progress", "resolved"], "published", 60, False),
    (2, "Propreté", "Les corbeilles du terrain de sport débordent depuis le tournoi de samedi.",
     "Stade municipal", None, [], "pending", 0, False),
    (2, "Voirie", "Le fossé est bouché au bout du chemin : l'eau passe sur la route à chaque orage.",
     "Chemin de Peyrecave", (43.5489, 0.4376), [], "pending", 3, False),
]
COMMENTS = {
    "in_progress": "Merci pour votre signalement. Les services techniques interviennent dans la semaine.",
    "resolved": "L'intervention a eu lieu : le problème est réglé. Merci de votre vigilance.",
    "rejected": "Ce point relève du propriétaire riverain : un courrier lui a été adressé par la mairie.",
}
CITIZENS = [("Mathilde", "Sarrabère"), ("Joël", "Castaing"), ("Inès", "Labarthe"), ("Rémi", "Duffaut")]


def _photo(colour: tuple[int, int, int]):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 250, 550, 420), fill=(60, 55, 50))
    out = io.BytesIO()
    image.save(out, "JPEG")
    out.seek(0)
    return Image.open(out)


def seed_signalements(context) -> None:
    from maillon.accounts.models import Membership
    from maillon.accounts.roles import Role
    from maillon.citizens.services import verified_citizen
    from maillon.communes import services as commune_services
    from maillon.communes.demo import GROUPEMENT_SLUG
    from maillon.communes.models import Commune, CommuneService

    from . import services
    from .models import Category, Report, ReportUpdate

    with_services = set(CommuneService.objects.values_list("organisation_id", flat=True))
    profiles = [p for p in Commune.objects.filter(groupement__slug=GROUPEMENT_SLUG).select_related("organisation")
                .order_by("organisation_id") if p.organisation_id in with_services]
    if len(profiles) < 3:
        return
    communes = [profiles[0].organisation, profiles[2].organisation, profiles[6].organisation if len(profiles) > 6 else profiles[-1].organisation]
    if Report.objects.filter(organisation__in=communes).exists():
        return
    for commune in communes:
        CommuneService.objects.get_or_create(organisation=commune, key="problem_reports")
        commune_services.forget(commune.pk)
        services.ensure_default_categories(commune)
    citizens = [verified_citizen(f"{first.lower()}.{last.lower()}@habitants.demo.maillon.localhost".replace("è", "e").replace("ë", "e"),
                                 given_name=first, family_name=last) for first, last in CITIZENS]
    staff = {}
    for commune in communes:
        membership = (Membership.objects.filter(organisation=commune, role_assignments__role__in=[Role.DIRECTOR, Role.ADMIN])
                      .select_related("user").order_by("pk").first())
        staff[commune.pk] = membership.user if membership else None
    now = timezone.now()
    for index, (which, category_name, text, address, point, path, moderation, days, photo) in enumerate(REPORTS):
        commune = communes[which]
        category = Category.objects.get(organisation=commune, name=category_name)
        report = Report(organisation=commune, category=category, description=text, address=address,
                        citizen=citizens[index % len(citizens)], moderation=moderation,
                        latitude=Decimal(str(point[0])) if point else None, longitude=Decimal(str(point[1])) if point else None)
        if photo:
            from django.core.files.base import ContentFile

            from maillon.core.images import reencode

            report.photo.save(f"demo-{index}.jpg", ContentFile(reencode(_photo((120, 130 + index * 8, 110)), services.PHOTO_SIZE)),
                              save=False)
        if moderation != "pending":
            report.moderated_at = now - timedelta(days=max(days - 1, 0))
            report.moderated_by = staff[commune.pk]
            if moderation == "rejected":
                report.moderation_note = "Sans rapport avec un problème dans la commune."
        report.save()
        sent = now - timedelta(days=days, hours=index)
        Report.objects.filter(pk=report.pk).update(created_at=sent)
        old = Report.Status.NEW
        for step, status in enumerate(path):
            update = ReportUpdate.objects.create(organisation=commune, report=report, old_status=old, status=status,
                                                 comment=COMMENTS[status], author=staff[commune.pk])
            ReportUpdate.objects.filter(pk=update.pk).update(created_at=sent + timedelta(days=1 + step * max(days // 3, 1)))
            old = status
        if path:
            Report.objects.filter(pk=report.pk).update(status=old)
