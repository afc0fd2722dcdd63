"""Pages of team plannings and closures; the funding-deadline reminders job."""

from datetime import date, timedelta

import pytest

from maillon.accounts.roles import Role
from maillon.agenda import plannings, services, tasks
from maillon.agenda.models import Closure, Event, Planning, Shift
from maillon.notifications.models import Notification
from maillon.testing import QueryCounter

from .helpers import at, membership, room, sector_planning


@pytest.fixture
def planning(people):
    return sector_planning(people, "Vacances d'été", date(2030, 7, 8), date(2030, 7, 12))


def url(planning, suffix=""):
    return f"/{planning.organisation.slug}/agenda/plannings/{planning.pk}/{suffix}"


def test_it_adds_shifts_shows_conflicts_live_and_publishes(people, planning, login):
    client = login(planning.coordo)
    owner = membership(people.owner, people.org)
    data = {"title": "Accueil matin", "day": "2030-07-08", "start_time": "09:00", "end_time": "12:00", "supervisors_needed": 2,
            "qualification": "", "children_under_6": 0, "children_from_6": 10, "people": [owner.pk]}
    assert client.post(url(planning), data).status_code == 302
    page = client.get(url(planning)).content.decode()
    assert "« Accueil matin » (lundi 8 juillet 09:00–12:00) : 2 adultes nécessaires, 1 prévus." in page
    assert "1 problème à résoudre avant de publier" in page
    response = client.post(url(planning, "publier/"), follow=True)
    assert "Résolvez le problème signalé avant de publier." in response.content.decode()
    client.post(f"/{people.org.slug}/agenda/creneaux/{Shift.objects.get().pk}/equipe/",
                {"people": [owner.pk, membership(people.colleague, people.org).pk]})
    assert "Aucun conflit" in client.get(url(planning)).content.decode()
    response = client.post(url(planning, "publier/"), follow=True)
    assert "Planning publié : 2 personnes prévenues" in response.content.decode()
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED


def test_it_answers_bad_shift_input_in_french_on_the_field(people, planning, login):
    client = login(planning.coordo)
    data = {"title": "Veillée", "day": "2030-08-01", "start_time": "20:00", "end_time": "23:00", "supervisors_needed": 1,
            "qualification": "", "children_under_6": 0, "children_from_6": 0}
    page = client.post(url(planning), data).content.decode()
    assert "Le créneau doit commencer dans la période du planning." in page
    assert not Shift.objects.exists()


def test_it_keeps_drafts_from_staff_and_writes_from_everyone_but_the_team_coordinator(people, planning, login):
    staff = login(people.owner)
    assert staff.get(url(planning)).status_code == 404  # a draft is not shown to staff
    assert "Aucun planning d'équipe" in staff.get(f"/{people.org.slug}/agenda/plannings/").content.decode()
    other_coordo = login(people.with_role(Role.COORDINATOR, sector_name="Secteur Jeunes et Adolescents"))
    assert other_coordo.post(url(planning), {"title": "x"}).status_code == 403
    assert other_coordo.post(url(planning, "publier/")).status_code == 403
    outsider = login(people.outsider)
    assert outsider.get(url(planning)).status_code == 404


def test_it_lists_plannings_in_a_fixed_number_of_queries(people, planning, login):
    client = login(planning.coordo)
    me = membership(planning.coordo, people.org)
    plannings.add_shift(me, planning, title="Accueil", start=at(2030, 7, 8, 9), end=at(2030, 7, 8, 12), people=[me])
    client.get(url(planning))  # warm the per-process caches
    with QueryCounter() as few:
        client.get(url(planning))
    for day in range(8, 13):
        plannings.add_shift(me, planning, title="Après-midi", start=at(2030, 7, day, 14), end=at(2030, 7, day, 17),
                            people=[membership(people.owner, people.org), membership(people.colleague, people.org)])
    with QueryCounter() as many:
        assert client.get(url(planning)).status_code == 200
    assert len(many) == len(few) <= 20
    with QueryCounter() as listing:
        client.get(f"/{people.org.slug}/agenda/plannings/")
    assert len(listing) <= 12


def test_it_lets_reception_close_a_room_and_only_the_director_the_organisation(people, login):
    salle = room(people.org)
    reception = login(people.with_role(Role.RECEPTION))
    page = f"/{people.org.slug}/ressources/fermetures/"
    response = reception.post(page, {"resource": salle.pk, "first_day": "2030-08-01", "last_day": "2030-08-15", "reason": "Travaux"}, follow=True)
    assert "Fermeture enregistrée" in response.content.decode()
    response = reception.post(page, {"resource": "", "first_day": "2030-08-01", "last_day": "2030-08-15", "reason": "Congés"})
    assert Closure.objects.count() == 1
    response = reception.post(page, {"resource": salle.pk, "first_day": "2030-08-15", "last_day": "2030-08-01", "reason": "x"})
    assert "Le dernier jour doit être le premier jour ou après." in response.content.decode()
    assert login(people.owner).get(page).status_code == 403
    assert login(people.outsider).post(f"{page}{Closure.objects.get().pk}/supprimer/").status_code == 404
    director = login(people.with_role(Role.DIRECTOR))
    director.post(page, {"resource": "", "first_day": "2030-12-24", "last_day": "2030-12-31", "reason": "Fêtes de fin d'année"})
    assert Closure.objects.filter(resource__isnull=True).count() == 1


def test_it_reminds_the_director_thirty_and_seven_days_before_a_funding_deadline(people):
    director = people.with_role(Role.DIRECTOR)
    me = membership(director, people.org)
    services.create_event(me, title="Dossier CAF", kind=Event.Kind.FUNDING, start=at(2030, 9, 30, 9), end=at(2030, 9, 30, 10))
    services.create_event(me, title="Bilan FEDER", kind=Event.Kind.FUNDING, start=at(2030, 9, 30, 9), end=at(2030, 9, 30, 10),
                          reminder_days=[14])
    other = people.with_role(Role.DIRECTOR, organisation=people.outsider.memberships.get().organisation)
    deadline = date(2030, 9, 30)
    sent = {d: tasks.funding_reminders(deadline - timedelta(days=d)) for d in (31, 30, 14, 8, 7, 1)}
    assert sent == {31: 0, 30: 1, 14: 1, 8: 0, 7: 1, 1: 0}
    titles = list(Notification.objects.filter(recipient=director).values_list("title", flat=True))
    assert "Échéance de financement dans 30 jours : Dossier CAF" in titles
    assert "Échéance de financement dans 14 jours : Bilan FEDER" in titles
    assert not Notification.objects.filter(recipient=other).exists()
