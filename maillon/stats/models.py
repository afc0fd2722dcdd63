"""Usage statistics, anonymous by construction (issue 16, seed 001: « le nombre de visites, le
profil de l'utilisateur, l'heure de passage, le détail des pages consultées et les pages les plus
visitées »).

- ``PageView``: one row per page view, kept ``STATS_RAW_DAYS`` days. It holds the route name (never
  the URL), the role profile (never the person), the date, hour and weekday in Europe/Paris, the
  device class and ``visitor``: a keyed hash of the session key with a key that changes every
  day, so a session is recognised within one day and never across days.
- ``DailyStat``: the daily aggregates the page reads, kept ``STATS_KEEP_MONTHS`` months.
- ``OptOut``: a person who asked not to be counted (a preference, not a statistic: it is the one
  table of the app with a user id, and it is never joined to the two others).

No IP address, no user id, no cookie of our own in ``PageView`` and ``DailyStat``
(tests/test_privacy.py inspects their columns).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import TenantModel, TenantQuerySet


class Device(models.TextChoices):
    PHONE = "phone", _("Phone")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Computer")


class PageView(TenantModel):
    """A raw page view, waiting for the daily aggregation."""

    date = models.DateField(_("date"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text="0 = Monday")
    route = models.CharField(_("page"), max_length=120)
    role = models.CharField(_("role profile"), max_length=20)
    device = models.CharField(_("device"), max_length=10, choices=Device.choices)
    visitor = models.CharField(_("visit key"), max_length=16, help_text="keyed hash of the session, the key changes every day")

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("page view")
        verbose_name_plural = _("page views")
        indexes = [models.Index(fields=["date"], name="stats_pageview_date")]


class DailyStatQuerySet(TenantQuerySet):
    def between(self, first, last):
        return self.filter(date__gte=first, date__lte=last)


class DailyStat(TenantModel):
    """Views and visits of one day, for one page, role profile, hour and device class."""

    date = models.DateField(_("date"))
    route = models.CharField(_("page"), max_length=120)
    role = models.CharField(_("role profile"), max_length=20)
    hour = models.PositiveSmallIntegerField(_("hour"))
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    device = models.CharField(_("device"), max_length=10, choices=Device.choices)
    views = models.PositiveIntegerField(_("views"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)

    objects = DailyStatQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        constraints = [models.UniqueConstraint(fields=["organisation", "date", "route", "role", "hour", "device"], name="stats_daily_one_row")]
        indexes = [models.Index(fields=["organisation", "date"], name="stats_daily_org_date"),
                   models.Index(fields=["organisation", "route", "date"], name="stats_daily_org_route")]


class OptOut(models.Model):
    """« Ne pas compter mes visites » (account settings). Checked when the buffer is written, so
    the request path reads nothing."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("statistics opt-out")
        verbose_name_plural = _("statistics opt-outs")

    def __str__(self) -> str:
        return f"opt-out #{self.pk}"
