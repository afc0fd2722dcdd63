"""Demo: a year of four event series across the two demo spaces (twelve meetings of the
federation's office, from eight months ago to four months ahead), with registrations from both
demo organisations and the State service, published minutes for the past meetings but one
(« late » on the yearly plan), a coming session that is full with a waiting list.
Fictional people and content."""

from __future__ import annotations

from datetime import timedelta

# (space slug, series title, meeting type, places, month offsets from today, agenda)
SERIES = [
    ("numerique-acces-aux-droits", "Réunion annuelle avec les services de l'État", "COPIL", 30, (-8, -3, 3),
     "Bilan des permanences numériques\nIndicateurs d'accès aux droits\nCalendrier commun"),
    ("numerique-acces-aux-droits", "Atelier outils numériques", "Réunion d'équipe", 12, (-6, -1, 1),
     "Démonstration d'un outil\nRetours des centres\nBesoins de formation"),
    ("reseau-parentalite", "Rencontre du réseau parentalité", "COORDO", 40, (-7, -2, 2),
     "Tour des centres\nAteliers parents-enfants\nRessources partagées"),
    ("reseau-parentalite", "Formation « Parler avec les ados »", "Réunion d'équipe", 6, (-5, -4, 0),
     "Apports théoriques\nÉtudes de cas\nOutils pour les ateliers"),
]
LATE = ("Atelier outils numériques", -1)  # held last month, minutes not published yet


def seed_space_events(context) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from maillon.accounts.models import Membership
    from maillon.agenda.models import Resource
    from maillon.meetings import services as meetings
    from maillon.meetings import services_minutes
    from maillon.meetings.demo import _free_slot
    from maillon.spaces.models import Space

    from . import services
    from .models import Registration, SpaceEvent

    spaces = {s.slug: s for s in Space.objects.filter(slug__in={row[0] for row in SERIES}).select_related("organisation")}
    if len(spaces) < 2 or SpaceEvent.objects.filter(space__in=spaces.values()).exists():
        return
    office = next(iter(spaces.values())).organisation
    chargee = Membership.objects.with_roles().select_related("organisation", "user").get(
        organisation=office, user=context.people["fede.chargee"])
    room = Resource.objects.for_organisation(office).filter(kind=Resource.Kind.ROOM).first() or Resource.objects.create(
        organisation=office, kind=Resource.Kind.ROOM, category=Resource.Category.MEETING_ROOM, name="Salle Agora", capacity=40,
        location="3 place de la Halle, 1er étage", wheelchair_accessible=True)
    types = {t.name: t for t in meetings.meeting_types(office)}
    users = get_user_model().objects
    attendees = {
        "numerique-acces-aux-droits": ["fede.directrice", "directrice", "coordo.enfance", "arc.directeur", "arc.animatrice",
                                       "ddets.referente", "consultante"],
        "reseau-parentalite": ["coordo.jeunes", "arc.animatrice", "fede.directrice", "coordo.enfance", "directrice",
                               "arc.directeur", "accueil", "rh"],
    }
    today = timezone.localdate()
    now = timezone.now()
    for slug, title, type_name, places, offsets, agenda in SERIES:
        space, series = spaces[slug], None
        people = [u for u in (users.filter(username=name).first() for name in attendees[slug]) if u is not None]
        for number, months in enumerate(offsets, start=1):
            day = today + timedelta(days=30 * months + (10 if months == 0 else 0))
            found = _free_slot(office, day, [chargee], [room])
            if found is None:
                continue
            start, end, booked = found
            event = services.create_event(
                space, chargee, capacity=places, title=f"{title} n° {number}", meeting_type=types.get(type_name) or next(iter(types.values())),
                start=start, end=end, room=booked, agenda_text=agenda, series=series, new_series=series is None, allow_past=True,
                objective="Partager les pratiques entre centres et avec les partenaires.")
            if series is None:  # the meetings app names a new series after its first meeting
                series = event.meeting.series
                type(series).objects.filter(pk=series.pk).update(title=title)
            if start > now:  # registrations through the service: places, then the waiting list
                for user in people:
                    services.register(event, user)
                continue
            Registration.objects.bulk_create([
                Registration(event=event, user=user, organisation_id=services.organisation_of(space, user), status=Registration.Status.REGISTERED,
                             queued_at=start - timedelta(days=10 - i), arrived_at=start + timedelta(minutes=i) if i % 4 else None,
                             arrived_by=chargee.user if i % 4 else None)
                for i, user in enumerate(people[:places])])
            if (title, months) == LATE:
                continue
            minutes = event.meeting.minutes
            texts = {s["key"]: "" for s in minutes.sections}
            keys = list(texts)
            texts[keys[0]] = f"{len(people[:places])} participant·es. Tour de table des centres et des partenaires."
            if len(keys) > 1:
                texts[keys[1]] = "<p>Les outils présentés sont <b>retenus</b> pour l'an prochain ; une fiche pratique sera partagée dans l'espace.</p>"
            services_minutes.save_minutes(chargee, minutes, texts, minutes.version, {chargee.pk})
            minutes.refresh_from_db()
            services_minutes.publish_minutes(chargee, minutes)
