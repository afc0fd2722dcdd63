"""Demo: two mailings sent, with their statuses — the federation office's mailing to the directors
and coordinators of the federation's organisations, and the Tilleuls' monthly
newsletter (one address bounced, one unsubscribed from the newsletter). Runs after the spaces demo."""

from __future__ import annotations

from django.utils import timezone, translation


def seed_mailings(context) -> None:
    from maillon.accounts.models import Membership
    from maillon.accounts.roles import Role
    from maillon.organisations.models import Organisation

    from . import segments, services
    from .models import Category, Mailing, Recipient, Unsubscription

    if Mailing.objects.filter(organisation=context.main, kind=Mailing.Kind.NEWSLETTER).exists():
        return
    with translation.override("fr"):
        office = Organisation.objects.filter(slug="federation-val-fleuri").first()
        director = context.people.get("fede.directrice")
        if office is not None and director is not None:
            scope = segments.scope_for(Membership.objects.with_roles().get(organisation=office, user=director))
            category, _created = Category.objects.get_or_create(organisation=office, name="Réseau et formations")
            criteria = {"roles": [Role.DIRECTOR, Role.COORDINATOR]}
            mailing = services.save_draft(scope, subject="Formation inter-centres : l'accueil numérique le 15 janvier", body=(
                "<p>Bonjour,</p><p>La fédération organise une journée de formation sur <strong>l'accompagnement aux démarches "
                "en ligne</strong>, ouverte aux directions et aux coordinations des centres.</p><ul><li>15 janvier, 9 h 30 – 16 h</li>"
                "<li>Maison des associations, Val-Fleuri</li></ul><p>Inscriptions auprès de la fédération avant le 5 janvier.</p>"),
                category=category, criteria=criteria)
            _send_now(scope, mailing, services)
        directrice = context.people["directrice"]
        scope = segments.scope_for(Membership.objects.with_roles().get(organisation=context.main, user=directrice))
        newsletter = services.compose_newsletter(scope, month=timezone.localdate().replace(day=1) - timezone.timedelta(days=1))
        leaving = context.people.get("animateur")
        if leaving is not None and leaving.email:
            Unsubscription.objects.get_or_create(category=newsletter.category, email=leaving.email.lower())
        _send_now(scope, newsletter, services)
        bounced = Recipient.objects.filter(mailing=newsletter, status=Recipient.Status.SENT).order_by("-pk").first()
        if bounced is not None:
            Recipient.objects.filter(pk=bounced.pk).update(status=Recipient.Status.BOUNCED, sent_at=None,
                                                           error="550 5.1.1 Adresse inconnue (démonstration)")


def _send_now(scope, mailing, services) -> None:
    """Queued as the page does, then delivered here rather than by the worker (the demo's mails
    land in the development outbox)."""
    services.queue(scope, mailing)
    services.deliver(mailing.pk, per_second=0)
