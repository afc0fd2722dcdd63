"""The skills directory (« plateforme de compétences techniques », issue 17): a taxonomy of
domains and skills, for one federation or for the whole instance, and the skills people declare.

Who finds whom is in ``policies.py``: a person is found by the people who share at least one
space with them and by their colleagues, never when they chose to be hidden.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Federation


class Domain(models.Model):
    """A group of skills. ``federation`` None: the whole instance's taxonomy."""

    name = models.CharField(_("name"), max_length=120)
    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, null=True, blank=True, related_name="skill_domains",
                                   verbose_name=_("federation"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("skill domain")
        verbose_name_plural = _("skill domains")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="skills", verbose_name=_("domain"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["domain", "name"], name="expertise_skill_unique_name")]

    def __str__(self) -> str:
        return self.name


class Level(models.IntegerChoices):
    """From least to most: the order is the number (search sorts the most expert first)."""

    NOTIONS = 1, _("Basic knowledge")
    PRACTICE = 2, _("Regular practice")
    EXPERT = 3, _("Expert")


class Declaration(models.Model):
    """« I know this »: a person's skill, its level, a short note and whether they may be contacted about it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_declarations")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("skill"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.PRACTICE)
    note = models.CharField(_("short note"), max_length=280, blank=True)
    contactable = models.BooleanField(_("I accept to be contacted about it"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("declared skill")
        verbose_name_plural = _("declared skills")
        constraints = [models.UniqueConstraint(fields=["user", "skill"], name="expertise_declaration_unique")]
        indexes = [models.Index(fields=["skill", "level"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.skill}"

    @property
    def level_class(self) -> str:
        """The pill's colour class: expert green, practice amber, notions grey."""
        return LEVEL_CLASSES[self.level]


LEVEL_CLASSES = {Level.EXPERT: "status-ok", Level.PRACTICE: "status-wait", Level.NOTIONS: "status-off"}


class Profile(models.Model):
    """A person's choice about the directory. ``hidden``: nobody else finds them, whatever they declared."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expertise_profile")
    hidden = models.BooleanField(_("hide me from the skills directory"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.user)
