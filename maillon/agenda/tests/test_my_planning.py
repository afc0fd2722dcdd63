"""« Mon planning » (list filter, dashboard panel, personal iCal feed) lists what the person is on,
not the shifts a coordinator published for others (issue 13, item 14)."""

from datetime import date, timedelta

from django.utils import timezone

from maillon.accounts.roles import Role
from maillon.agenda import plannings, services
from maillon.organisations.models import Sector

from .helpers import membership


def feed_of(client):
    page = client.post("/essais/agenda/abonnement/", {"action": "create"}).content.decode()
    token = page.split("/agenda/flux/")[1].split(".ics")[0]
    return client.get(f"/agenda/flux/{token}.ics").content.decode()


def test_a_coordinator_does_not_see_the_shifts_he_published_for_others(people, login):
    coordo = people.with_role(Role.COORDINATOR)
    me = membership(coordo, people.org)
    ana, bruno = membership(people.owner, people.org), membership(people.colleague, people.org)
    tomorrow = timezone.localdate() + timedelta(days=1)
    sector = Sector.objects.get(organisation=people.org, name="Secteur Enfance")
    planning = plannings.create_planning(me, title="Vacances", sector=sector, start_date=tomorrow, end_date=tomorrow + timedelta(days=3))
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    plannings.add_shift(me, planning, title="Accueil Ana", start=start, end=start + timedelta(hours=3), people=[ana])
    plannings.add_shift(me, planning, title="Accueil Bruno", start=start + timedelta(days=1), end=start + timedelta(days=1, hours=3), people=[bruno])
    plannings.publish(me, planning)
    services.create_event(me, title="Réunion d'équipe", start=start + timedelta(hours=5), end=start + timedelta(hours=6))
    day = f"date={date.isoformat(tomorrow)}"

    coordinator = login(coordo)
    mine = coordinator.get(f"/essais/agenda/?moi=1&{day}").content.decode()
    assert "Réunion d&#x27;équipe" in mine and "Accueil Ana" not in mine and "Accueil Bruno" not in mine
    panel = coordinator.get("/essais/tableau-de-bord/").content.decode()
    assert "Réunion d&#x27;équipe" in panel and "Accueil Ana" not in panel
    feed = feed_of(coordinator)
    assert "Réunion d'équipe" in feed and "Accueil Ana" not in feed and "Accueil Bruno" not in feed
    # The whole agenda still shows the published shifts to the coordinator.
    assert "Accueil Ana" in coordinator.get(f"/essais/agenda/?{day}").content.decode()

    for user, own, other in ((people.owner, "Accueil Ana", "Accueil Bruno"), (people.colleague, "Accueil Bruno", "Accueil Ana")):
        client = login(user)
        listed = client.get(f"/essais/agenda/?moi=1&{day}").content.decode()
        assert own in listed and other not in listed
        feed = feed_of(client)
        assert own in feed and other not in feed
