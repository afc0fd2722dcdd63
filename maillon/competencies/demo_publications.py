"""Demo data of the publications part: the last two bimonthly collective narratives compiled from the
demo logbooks' shared entries, and the framework publication of the latest half-year presenting the
published edition, all published by the director (through the service: audited, the group notified;
a demo loaded again adds nothing)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone


def _previous_bimonthly(day):
    """The last two-month period that ended before ``day``: (year, number)."""
    number = (day.month + 1) // 2 - 1
    return (day.year, number) if number >= 1 else (day.year - 1, 6)


def seed(context) -> None:
    from . import publications as services
    from .demo_framework import demo_framework
    from .models import Edition, Publication

    framework = demo_framework(context)
    director = context.people.get("directrice")
    if framework is None or director is None or Publication.objects.filter(framework=framework).exists():
        return
    year, number = _previous_bimonthly(timezone.localdate())
    periods = []
    for _index in range(2):
        periods.append(("narrative", year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 6)
    if Edition.objects.filter(framework=framework).exists():
        today = timezone.localdate()
        half = 1 if today.month <= 6 else 2
        periods.append(("framework", today.year, half))
    for kind, year, number in reversed(periods):
        start, end = services.period_for(kind, year, number)
        publication = services.prepare(framework, kind, start, end, user=director)
        if kind == "narrative":
            publication.body += "\n" + "Merci à toutes et à tous pour ces deux mois d’ateliers et d’accompagnements partagés."
            publication.save(update_fields=["body"])
        services.publish(publication, user=director)
        published_at = min(timezone.now(), timezone.make_aware(datetime.combine(end + timedelta(days=5), time(10))))
        Publication.objects.filter(pk=publication.pk).update(published_at=published_at)
