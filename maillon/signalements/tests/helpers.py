"""Shared fixtures of the problem reports' tests."""

from __future__ import annotations

import io

from PIL import Image

from maillon.accounts.roles import Role
from maillon.citizens.models import Moderation
from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import make_commune
from maillon.signalements import services
from maillon.signalements.models import Report
from maillon.testing import make_member


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF holds a GPS position (43°38'N 0°35'E), a camera and a comment."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "Fabricant Essai"  # Make
    exif[0x0110] = "Téléphone 3000"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (43.0, 38.0, 12.5), 3: "E", 4: (0.0, 35.0, 2.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


class World:
    """Two communes of one groupement with the service; their staff; two citizens."""

    def __init__(self):
        self.commune = make_commune("sainte-essai", services=("problem_reports",))
        groupement = self.commune.commune_profile.groupement
        self.other = make_commune("autre-essai", services=("problem_reports",), groupement=groupement)
        self.staff = make_member(self.commune, Role.COORDINATOR, sector_name=None, username="agent.essai")
        self.director = make_member(self.commune, Role.DIRECTOR, sector_name=None, username="maire.essai")
        self.plain = make_member(self.commune, Role.STAFF, sector_name=None, username="employe.essai")
        self.other_staff = make_member(self.other, Role.COORDINATOR, sector_name=None, username="maire.autre")
        self.citizen = verified_citizen("habitante@exemple.test", given_name="Odile", family_name="Peyrot")
        self.neighbour = verified_citizen("voisin@exemple.test", given_name="Marc", family_name="Lafitte")
        self.categories = services.categories(self.commune)
        self.other_categories = services.categories(self.other)

    def report(self, *, commune=None, citizen=None, published=True, address="12 rue des Écoles", photo=False, **fields) -> Report:
        commune = commune or self.commune
        cats = self.categories if commune == self.commune else self.other_categories
        image = None
        if photo:
            image = Image.open(io.BytesIO(jpeg_with_gps()))
        report = services.create_report(commune, citizen or self.citizen, category=fields.pop("category", cats[0]),
                                        description=fields.pop("description", "Un nid-de-poule devant l'école."),
                                        address=address, image=image, **fields)
        if published:
            Report.objects.filter(pk=report.pk).update(moderation=Moderation.PUBLISHED)
            report.moderation = Moderation.PUBLISHED
        return report
