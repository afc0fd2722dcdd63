"""Demo: a reception agent's day at Les Tilleuls (login ``accueil``): phone messages read,
handled and unread, and visitor notices for three sectors. Invented names and numbers only."""

from __future__ import annotations

from datetime import timedelta

MESSAGES = [
    # (minutes ago, recipient, caller, number, text, urgency, action, state)
    (250, "coordo.enfance", "Mme Pivoine Lagarrigue", "06 11 22 33 44",
     "Maman de Jules (CM1) : il ne pourra pas venir au centre mercredi, rendez-vous chez l'orthophoniste.", "normal", "for_info", "handled"),
    (190, "directrice", "M. Barnabé Quillon (mairie)", "01 23 45 67 89",
     "Au sujet de la convention de mise à disposition de la salle polyvalente : merci de le rappeler avant vendredi.", "normal", "call_back", "read"),
    (140, "coordo.jeunes", "Mme Ysaline Corberand", "+33 7 12 34 56 78",
     "Souhaite inscrire sa fille au séjour ski de février, demande s'il reste des places.", "normal", "call_back", "delivered"),
    (75, "animateur", "Pharmacie des Glycines", "", "Le carton de trousses de secours commandé est prêt, à retirer avant 19 h.",
     "normal", "will_call_back", "read"),
    (35, "rh", "Cabinet comptable Orvanne", "04 72 00 11 22",
     "Question sur les heures complémentaires de novembre : rappeler dès que possible.", "urgent", "call_back", "sent"),
    (12, "coordo.enfance", "M. Achille Fontvieille", "06 98 76 54 32",
     "Papa de Léna : sa fille a de la fièvre, il viendra la chercher vers 16 h 30.", "urgent", "will_call_back", "sent"),
]

NOTICES = [
    # (minutes ago, sector, visitor, waiting, text, read)
    (210, "Secteur Enfance", "Mme Clothilde Marjolaine", False, "Est passée déposer le dossier d'inscription de son fils.", True),
    (95, "Secteur Jeunes et Adolescents", "Lisandro, 15 ans", True, "Veut des informations sur l'aide aux devoirs.", True),
    (20, "Secteur Adultes et Familles", "", True, "Une personne attend pour l'atelier cuisine de 14 h.", False),
]


def seed_reception(context) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from maillon.accounts.models import Membership
    from maillon.organisations.models import Sector

    from . import services
    from .models import NoticeRecipient, PhoneMessage, VisitorNotice

    org = context.main
    if PhoneMessage.objects.for_organisation(org).exists() or "accueil" not in context.people:
        return
    members = {m.user.username: m for m in Membership.objects.for_organisation(org).with_roles().select_related("user", "organisation")}
    agent = members["accueil"]
    now = timezone.now()
    settings = services.settings_for(org)
    for minutes, username, caller, number, text, urgency, action, state in MESSAGES:
        if username not in members:
            continue
        message = services.send_message(agent, recipient=members[username], caller_name=caller, caller_number=number, text=text,
                                        urgency=urgency, action=action)
        sent = now - timedelta(minutes=minutes)
        changes = {"created_at": sent}
        if state in ("delivered", "read", "handled"):
            changes["delivered_at"] = sent + timedelta(minutes=1)
        if state in ("read", "handled"):
            changes["read_at"] = sent + timedelta(minutes=6)
        if state == "handled":
            changes.update(handled_at=sent + timedelta(minutes=40), handled_note="Rappelée : c'est noté dans le planning.")
        due = sent + services.email_delay(settings, urgency == "urgent")
        if "read_at" not in changes and due <= now:
            changes["email_sent_at"] = due  # the e-mail fallback already went
        PhoneMessage.objects.filter(pk=message.pk).update(**changes)
    sectors = {s.name: s for s in Sector.objects.for_organisation(org)}
    for minutes, sector_name, visitor, waiting, text, read in NOTICES:
        if sector_name not in sectors:
            continue
        try:
            notice = services.send_notice(agent, sector=sectors[sector_name], visitor_name=visitor, waiting=waiting, text=text)
        except ValidationError:  # nobody in that sector in this demo
            continue
        sent = now - timedelta(minutes=minutes)
        VisitorNotice.objects.filter(pk=notice.pk).update(created_at=sent)
        if read:
            first = NoticeRecipient.objects.filter(notice=notice).order_by("pk").values_list("pk", flat=True)[:1]
            NoticeRecipient.objects.filter(pk__in=list(first)).update(delivered_at=sent + timedelta(minutes=1),
                                                                      read_at=sent + timedelta(minutes=3))
