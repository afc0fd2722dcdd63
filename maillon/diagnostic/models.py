"""Needs diagnostics, recommendation rules and security self-checks of a commune.

Every diagnostic and every self-check is kept: a new one is a new row, so the history of a
commune's scores is the list of its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Organisation


class OrganisationQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class Diagnostic(models.Model):
    """A commune's answers to the questionnaire on a date (a draft until completed)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="diagnostics", verbose_name=_("commune"))
    version = models.CharField(_("questionnaire version"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    scores = models.JSONField(_("scores by area"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("needs diagnostic")
        verbose_name_plural = _("needs diagnostics")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "-completed_at"])]
        constraints = [
            # One draft at a time per commune: « start a diagnostic » resumes it.
            models.UniqueConstraint(fields=["organisation"], condition=models.Q(status="draft"), name="diagnostic_one_draft"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.created_at:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Rule(models.Model):
    """« If area X scores below N, or question Q was answered V, recommend S »: S is a service of
    the catalogue (``communes.catalogue``) or a training module (``training.MODULES``). The rules
    belong to the organisation that edits them (the groupement, or the commune itself when it is
    in none); an organisation without rules uses the shipped defaults (``rules.DEFAULTS``)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        TRAINING = "training", _("Training module")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="diagnostic_rules",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("recommends"), max_length=10, choices=Kind.choices)
    target = models.CharField(_("service or module"), max_length=40)
    area = models.CharField(_("area"), max_length=20, blank=True)
    below = models.PositiveSmallIntegerField(_("score below"), null=True, blank=True)
    question = models.CharField(_("question"), max_length=40, blank=True)
    value = models.CharField(_("answer"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation rule")
        verbose_name_plural = _("recommendation rules")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.kind}:{self.target}"


class SelfCheck(models.Model):
    """The security practices a commune had in place on a date, and their score."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="security_checks",
                                     verbose_name=_("commune"))
    done = models.JSONField(_("practices in place"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("score"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("filled in by"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("security self-check")
        verbose_name_plural = _("security self-checks")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"{self.organisation} {self.score}"
