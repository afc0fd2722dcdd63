"""Demo: a monthly COORDO series at Les Tilleuls with written minutes and tasks carried over,
and a team meeting to come. Fictional people and content; dates follow today."""

from __future__ import annotations

from datetime import datetime, time, timedelta


def _free_slot(org, day, people, rooms):
    """The first slot near ``day`` (that weekday or the next working days; 14:00, 10:00, then
    16:30) where the people and one of the rooms are free for the agenda's conflict engine
    (bookings, leave, closures, planning shifts)."""
    from maillon.agenda import conflicts
    from maillon.agenda.recurrence import PARIS

    user_ids = [m.user_id for m in people]
    for shift in range(0, 14):
        candidate = day + timedelta(days=shift)
        if candidate.weekday() >= 5:
            continue
        for hour, minute in ((14, 0), (10, 0), (16, 30)):
            start = datetime.combine(candidate, time(hour, minute), tzinfo=PARIS)
            end = start + timedelta(hours=2)
            if conflicts.check(org, [(start, end)], [], user_ids):
                continue
            for room in rooms:
                if not conflicts.check(org, [(start, end)], [room], []):
                    return start, end, room
            if not rooms:
                return start, end, None
    return None


def seed_meetings(context) -> None:
    from django.utils import timezone

    from maillon.accounts.models import Membership
    from maillon.agenda import conflicts
    from maillon.agenda.models import Resource

    from . import services, services_minutes
    from .models import Meeting, Minutes

    org = context.main
    if Meeting.objects.for_organisation(org).exists():
        return

    def member(username):
        return Membership.objects.with_roles().select_related("organisation", "user").get(organisation=org, user=context.people[username])

    types = {t.name: t for t in services.meeting_types(org)}
    room_names = ["Cyber Espace", "Bureau partagé Le Tilleul", "Salle de réunion Le Chêne"]
    by_name = {r.name: r for r in Resource.objects.for_organisation(org).filter(name__in=room_names)}
    rooms = [by_name[n] for n in room_names if n in by_name]
    directrice = member("directrice")
    # The coordinators' meeting: the supervisor « encadrant » stays out of it, he works on the
    # holiday-club planning seeded by the agenda (its shifts must stay publishable).
    team = [member(u) for u in ("coordo.enfance", "coordo.jeunes", "accueil")]
    today = timezone.localdate()

    def first_thursday(day):
        day = day.replace(day=1)
        return day + timedelta(days=(3 - day.weekday()) % 7)

    # The first Thursday of the two months before, and the next one to come.
    this_month = today.replace(day=1)
    two_before = (this_month - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    firsts = [first_thursday(two_before), first_thursday(this_month - timedelta(days=1))]
    coming = first_thursday(this_month)
    firsts.append(coming if coming > today else first_thursday(this_month + timedelta(days=32)))
    series = None
    meetings = []
    projector = Resource.objects.for_organisation(org).filter(kind=Resource.Kind.EQUIPMENT, category=Resource.Category.PROJECTOR,
                                                              is_active=True).order_by("name").first()
    for number, day in enumerate(firsts, start=1):
        slot = _free_slot(org, day, [directrice, *team], rooms)
        if slot is None:  # a demo with everyone busy for two weeks: leave the meetings out
            return
        start, end, room = slot
        # the meeting to come shows the projector for the CAF file, when it is free then
        equipment = [projector] if number == 3 and projector and not conflicts.check(org, [(start, end)], [projector], []) else []
        meeting = services.create_meeting(
            directrice, title=f"COORDO n° {number}", meeting_type=types["COORDO"], start=start, end=end,
            people=team, room=room, equipment=equipment, objective="Coordonner les secteurs et suivre les projets transversaux.",
            agenda_text="Tour des secteurs\nFête de quartier\nDossier CAF\nQuestions diverses",
            series=series, new_series=series is None, send_email=False, allow_past=True,
        )
        series = meeting.series
        meetings.append(meeting)
    first, second, third = meetings
    ids = {m.pk for m in team} | {directrice.pk}
    coordo, jeunes = team[0], team[1]
    services_minutes.save_minutes(directrice, first.minutes, {
        "s1": "Enfance : 42 enfants inscrits au périscolaire du mercredi.\nJeunes : reprise du Point Information Jeunesse.",
        "s2": "Fête de quartier : réunion de préparation le 12 juin à 18h avec les habitants.",
        "s3": "Le budget de la fête est validé (1 200 €).",
        "s4": "Aucune.",
    }, 1, ids)
    services_minutes.add_task(directrice, first, assignee=coordo, description="Contacter la ferme pédagogique pour la sortie d'été",
                      due=timezone.localtime(second.start).date(), participant_ids=ids)
    done = services_minutes.add_task(directrice, first, assignee=jeunes, description="Mettre à jour les affiches du PIJ", participant_ids=ids)
    services_minutes.complete_task(jeunes, done)
    services_minutes.add_outcome(directrice, first.minutes, item=1, kind="information", participant_ids=ids,
                         text="42 enfants inscrits au périscolaire du mercredi, 12 jeunes au PIJ.")
    services_minutes.add_outcome(directrice, first.minutes, item=2, kind="decision", participant_ids=ids,
                         text="Le budget de la fête de quartier est fixé à 1 200 €.")
    attendance = {p.pk: "excused" if p.membership_id == jeunes.pk else "present" for p in first.participants.all()}
    services_minutes.record_attendance(directrice, Minutes.objects.get(meeting=first), attendance, ids)
    services_minutes.publish_minutes(directrice, Minutes.objects.get(meeting=first))
    services_minutes.save_minutes(coordo, second.minutes, {
        "s1": "Enfance : sortie à la ferme confirmée, le minibus est réservé.",
        "s2": "Dossier CAF à déposer dans 15 jours ; point d'étape jeudi prochain à 9h30.",
    }, 1, ids)
    services_minutes.add_outcome(directrice, second.minutes, item=3, kind="task", assignee=jeunes, participant_ids=ids,
                         text="Rassembler les bilans chiffrés pour le dossier CAF", due=timezone.localtime(third.start).date())
    services_minutes.ask_contributions(directrice, Minutes.objects.get(meeting=second), [jeunes.pk])
