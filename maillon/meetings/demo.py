"""Demo: a monthly COORDO series at Les Tilleuls with written minutes and tasks carried over,
and a team meeting to come. Fictional people and content; dates follow today."""

from __future__ import annotations

from datetime import datetime, time, timedelta


def seed_meetings(context) -> None:
    from django.utils import timezone

    from maillon.accounts.models import Membership
    from maillon.agenda.models import Resource
    from maillon.agenda.recurrence import PARIS

    from . import services
    from .models import Meeting, Minutes

    org = context.main
    if Meeting.objects.for_organisation(org).exists():
        return

    def member(username):
        return Membership.objects.with_roles().select_related("organisation", "user").get(organisation=org, user=context.people[username])

    types = {t.name: t for t in services.meeting_types(org)}
    room = Resource.objects.for_organisation(org).filter(name="Cyber Espace").first()
    directrice = member("directrice")
    team = [member(u) for u in ("coordo.enfance", "coordo.jeunes", "encadrant", "accueil")]
    today = timezone.localdate()
    # The first Thursday of each month: two past, one to come.
    firsts = []
    month = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    for _i in range(3):
        d = month + timedelta(days=(3 - month.weekday()) % 7)
        firsts.append(d)
        month = (month + timedelta(days=32)).replace(day=1)
    series = None
    meetings = []
    for number, day in enumerate(firsts, start=1):
        start = datetime.combine(day, time(14, 0), tzinfo=PARIS)
        meeting = services.create_meeting(
            directrice, title=f"COORDO n° {number}", meeting_type=types["COORDO"], start=start, end=start + timedelta(hours=2),
            people=team, room=room, objective="Coordonner les secteurs et suivre les projets transversaux.",
            agenda_text="Tour des secteurs\nFête de quartier\nDossier CAF\nQuestions diverses",
            series=series, new_series=series is None, send_email=False, allow_past=True,
        )
        series = meeting.series
        meetings.append(meeting)
    first, second, _third = meetings
    ids = {m.pk for m in team} | {directrice.pk}
    coordo, jeunes = team[0], team[1]
    services.save_minutes(directrice, first.minutes, {
        "s1": "Enfance : 42 enfants inscrits au périscolaire du mercredi.\nJeunes : reprise du Point Information Jeunesse.",
        "s2": "Fête de quartier : réunion de préparation le 12 juin à 18h avec les habitants.",
        "s3": "Le budget de la fête est validé (1 200 €).",
        "s4": "Aucune.",
    }, 1, ids)
    services.add_task(directrice, first, assignee=coordo, description="Contacter la ferme pédagogique pour la sortie d'été",
                      due=firsts[1], participant_ids=ids)
    done = services.add_task(directrice, first, assignee=jeunes, description="Mettre à jour les affiches du PIJ", participant_ids=ids)
    services.complete_task(jeunes, done)
    services.publish_minutes(directrice, Minutes.objects.get(meeting=first))
    services.save_minutes(coordo, second.minutes, {
        "s1": "Enfance : sortie à la ferme confirmée, le minibus est réservé.",
        "s2": "Dossier CAF à déposer dans 15 jours ; point d'étape jeudi prochain à 9h30.",
    }, 1, ids)
    services.add_task(directrice, second, assignee=jeunes, description="Rassembler les bilans chiffrés pour le dossier CAF",
                      due=firsts[2], participant_ids=ids)
