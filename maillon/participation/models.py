"""Citizen participation of a commune (issue 19): consultations and the idea box.

- ``Consultation``: a question with options (one choice) or a free answer, open between two dates
  (Europe/Paris); one answer per citizen identity (``Citizen.identity_key``, a unique constraint,
  so it holds when two answers arrive at once). Its results show once it is closed: at once
  (``results_auto``) or when the staff publish them.
- ``Answer``: a citizen's answer; a free answer is ``Moderated`` (shown publicly only once a
  staff member publishes it); an option answer is counted, never shown, and born published.
- ``Idea``: a citizen's proposal (``Moderated``), with a status and the staff's public answer.
- ``IdeaSupport``: one per identity and idea.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.citizens.models import Citizen, Moderated, Moderation
from maillon.organisations.models import TenantModel, TenantQuerySet

MAX_TITLE = 200
MAX_QUESTION = 2000
MAX_OPTION = 200
MAX_OPTIONS = 12


class ConsultationQuerySet(TenantQuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class Consultation(TenantModel):
    class Kind(models.TextChoices):
        OPTIONS = "options", _("Options (one choice)")
        FREE = "free", _("Free answer")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=MAX_TITLE)
    question = models.TextField(_("question"), max_length=MAX_QUESTION)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.OPTIONS)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results_auto = models.BooleanField(_("publish the results as soon as it closes"), default=True)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "closes_at"], name="participation_consult_closes")]
        constraints = [models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                              name="participation_consultation_closes_after_opening")]

    def __str__(self) -> str:
        return self.title

    def state_at(self, moment=None) -> str:
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return self.State.UPCOMING
        if moment < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED

    @property
    def state(self) -> str:
        return self.state_at()

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def results_visible(self) -> bool:
        """Whether anyone may see the results publicly: closed, and published (automatically or by the staff)."""
        return self.is_closed and (self.results_auto or self.results_published_at is not None)

    @property
    def state_class(self) -> str:
        return {self.State.OPEN: "status-ok", self.State.UPCOMING: "status-wait"}.get(self.state, "status-off")

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class Option(TenantModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options",
                                     verbose_name=_("consultation"))
    label = models.CharField(_("option"), max_length=MAX_OPTION)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class Answer(TenantModel, Moderated):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers",
                                     verbose_name=_("consultation"))
    citizen = models.ForeignKey(Citizen, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("citizen"))
    # What « one answer per person » counts; kept when the citizen is erased.
    identity_key = models.CharField(_("identity"), max_length=300)
    option = models.ForeignKey(Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers",
                               verbose_name=_("option"))
    text = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["consultation", "identity_key"],
                                               name="participation_one_answer_per_identity")]

    def __str__(self) -> str:
        return str(self.option) if self.option_id else (self.text[:60] or "…")


class Idea(TenantModel, Moderated):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        STUDIED = "studied", _("Under study")
        ACCEPTED = "accepted", _("Accepted")
        DONE = "done", _("Carried out")
        DECLINED = "declined", _("Not accepted")

    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("description"))
    citizen = models.ForeignKey(Citizen, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("citizen"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    answer = models.TextField(_("the commune's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "moderation", "created_at"], name="participation_idea_public")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.moderation == Moderation.PUBLISHED


class IdeaSupport(TenantModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports", verbose_name=_("idea"))
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="+", verbose_name=_("citizen"))
    identity_key = models.CharField(_("identity"), max_length=300)
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support of an idea")
        verbose_name_plural = _("supports of ideas")
        constraints = [models.UniqueConstraint(fields=["idea", "identity_key"], name="participation_one_support_per_identity")]

    def __str__(self) -> str:
        return f"{self.idea} · {self.identity_key}"
