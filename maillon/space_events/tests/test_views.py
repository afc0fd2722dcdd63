"""The pages: the access matrix across organisations (non-member 404, guessed ids of another
space 404, contributors refused the hosts' pages), creating and linking events, registering
through the page, the reception list and its attendance sheet, the published minutes shown to
members of other organisations, the yearly plan, flat query counts."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from maillon.meetings import services as meetings
from maillon.meetings import services_minutes
from maillon.meetings.models import Meeting
from maillon.space_events import services
from maillon.space_events.models import Registration, SpaceEvent
from maillon.spaces import services as spaces
from maillon.testing import QueryCounter, pdf_text

from .conftest import slot

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, event=None, space=None, **kwargs):
    space = space or event.space
    if event is not None:
        kwargs["pk"] = event.pk
    return reverse(f"space_events:{name}", kwargs={"space": space.slug, **kwargs})


def test_it_shows_a_member_of_another_organisation_the_event_and_lets_them_register(world, login):
    event = world.event(capacity=1, objective="Faire le point sur l'accès aux droits", agenda_text="Bilan\nPerspectives")
    client = login(world.people.owner)
    page = text(client.get(url("index", space=world.space)))
    assert "Réunion annuelle" in page and "0 places prises sur 1" in page
    page = text(client.get(url("detail", event)))
    assert "Faire le point sur l'accès aux droits" in page and "Perspectives" in page and "S'inscrire" in page
    assert "Autre centre" in page
    response = client.post(url("register", event), follow=True)
    assert "Vous êtes inscrit·e." in text(response)
    assert Registration.objects.get(event=event, user=world.people.owner).status == "registered"
    # the intranet's meeting page stays closed to them
    assert client.get(f"/{world.people.other_org.slug}/reunions/{event.meeting.pk}/").status_code == 404
    other = world.members(1)[0]
    response = login(other).post(url("register", event), follow=True)
    assert "vous êtes sur la liste d'attente" in text(response)
    response = login(world.people.owner).post(url("cancel", event), follow=True)
    assert "Votre inscription est annulée." in text(response)
    assert Registration.objects.get(event=event, user=other).status == "registered"


@pytest.mark.parametrize("name", ["index", "detail", "register", "cancel", "reception", "sheet", "new", "link", "capacity"])
def test_it_answers_404_to_someone_outside_the_space(world, login, name):
    event = world.event()
    client = login(world.stranger)
    target = url(name, space=world.space) if name in ("index", "new", "link") else url(name, event)
    response = client.post(target) if name in ("register", "cancel", "capacity") else client.get(target)
    assert response.status_code == 404


def test_it_answers_404_to_an_event_of_another_space_under_this_space(world, login, people):
    other_space = spaces.create_space(membership=world.host_membership, name="Autre groupe")
    elsewhere = world.event(space=other_space, title="Ailleurs", days=11)
    client = login(world.people.owner)  # a member of world.space, not of the other one
    for name in ("detail", "register", "cancel"):
        target = reverse(f"space_events:{name}", kwargs={"space": world.space.slug, "pk": elsewhere.pk})
        response = client.post(target) if name != "detail" else client.get(target)
        assert response.status_code == 404, name
    assert client.get(url("detail", elsewhere)).status_code == 404
    assert client.get(reverse("space_events:detail", kwargs={"space": world.space.slug, "pk": 99999})).status_code == 404
    host = login(world.host)
    response = host.post(url("arrived", world.event(title="Ici", days=12), rpk=99999), {"arrived": "1"})
    assert response.status_code == 404
    response = host.post(url("cancel", world.event(title="Là", days=13)), {"registration": "abc"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["reception", "sheet", "new", "link"])
def test_it_refuses_the_hosts_pages_to_a_contributor(world, login, name):
    event = world.event()
    target = url(name, space=world.space) if name in ("new", "link") else url(name, event)
    assert login(world.people.owner).get(target).status_code == 403


def test_it_tells_a_host_of_another_organisation_that_events_belong_to_the_owner(world, login):
    from maillon.spaces.models import SpaceMember

    SpaceMember.objects.filter(space=world.space, user=world.people.owner).update(role="host")
    response = login(world.people.owner).get(url("new", space=world.space))
    assert response.status_code == 403
    assert "seul·e un·e animateur·rice qui en est membre peut en créer" in text(response)


def test_a_host_creates_an_event_booked_in_the_owner_organisation(world, login):
    client = login(world.host)
    meeting_type = meetings.meeting_types(world.people.other_org)[2]
    page = text(client.get(url("new", space=world.space)))
    team = meetings.meeting_types(world.people.other_org)[1]
    assert f'<option value="{team.pk}" selected>Réunion d\'équipe</option>' in page
    start, end = slot(20)
    response = client.post(url("new", space=world.space), {
        "title": "Réunion annuelle n° 1", "meeting_type": meeting_type.pk, "new_series": "on", "day": start.date().isoformat(),
        "start_time": "14:00", "end_time": "16:00", "capacity": "25", "objective": "", "agenda": "Bilan"})
    event = SpaceEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", event)
    assert event.capacity == 25 and event.meeting.organisation == world.people.other_org
    assert event.meeting.series.title == "Réunion annuelle n° 1" and event.meeting.event_id
    response = client.post(url("new", space=world.space), {
        "title": "x", "meeting_type": meeting_type.pk, "day": start.date().isoformat(), "start_time": "16:00", "end_time": "14:00",
        "capacity": "0"})
    page = text(response)
    assert response.status_code == 200 and "La fin doit être après le début." in page
    assert SpaceEvent.objects.count() == 1


def test_a_host_opens_an_existing_meeting_once(world, login):
    start, end = slot(15)
    meeting = meetings.create_meeting(world.host_membership, title="COPIL numérique", meeting_type=meetings.meeting_types(world.people.other_org)[2],
                                      start=start, end=end, send_email=False)
    client = login(world.host)
    assert "COPIL numérique" in text(client.get(url("link", space=world.space)))
    response = client.post(url("link", space=world.space), {"meeting": meeting.pk, "capacity": "10"})
    assert response.status_code == 302
    assert SpaceEvent.objects.get().meeting == meeting
    # not offered again; a guessed id of it or of another organisation's meeting is refused
    response = client.post(url("link", space=world.space), {"meeting": meeting.pk, "capacity": "10"})
    assert response.status_code == 200 and SpaceEvent.objects.count() == 1
    theirs = meetings.create_meeting(world.people.with_role("director", sector_name=None).memberships.with_roles().get(),
                                     title="Interne", meeting_type=meetings.meeting_types(world.people.org)[1], start=start, end=end,
                                     send_email=False)
    response = client.post(url("link", space=world.space), {"meeting": theirs.pk, "capacity": "10"})
    assert response.status_code == 200 and not SpaceEvent.objects.filter(meeting=theirs).exists()


def test_the_reception_list_groups_people_by_organisation_and_ticks_arrivals(world, login):
    event = world.event(capacity=5)
    services.register(event, world.people.owner)
    third = world.members(2)
    for user in third:
        services.register(event, user)
    client = login(world.host)
    page = text(client.get(url("reception", event)))
    assert page.index("Essais") < page.index("Troisième centre") and "0 arrivé·e·s sur 3 inscrit·e·s" in page
    registration = Registration.objects.get(event=event, user=world.people.owner)
    response = client.post(url("arrived", event, rpk=registration.pk), {"arrived": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#r{registration.pk}")
    registration.refresh_from_db()
    assert registration.arrived_at and registration.arrived_by == world.host
    assert "1 arrivé·e·s sur 3 inscrit·e·s" in text(client.get(url("reception", event)))
    response = client.get(url("sheet", event))
    assert response["Content-Type"] == "application/pdf"
    sheet = pdf_text(response.content)
    assert "margement" in sheet and world.people.owner.get_full_name() in sheet and "Troisième centre" in sheet


def test_members_of_other_organisations_read_the_published_minutes_on_the_events_page(world, login):
    event = world.event(days=-2, capacity=5)
    minutes = event.meeting.minutes
    services_minutes.save_minutes(world.host_membership, minutes, {"s1": "<p>Le projet avance <script>x</script><b>bien</b>.</p>"},
                                  minutes.version, {world.host_membership.pk})
    client = login(world.people.owner)
    page = text(client.get(url("detail", event)))
    assert "Le compte-rendu n'est pas encore publié." in page
    services_minutes.publish_minutes(world.host_membership, Meeting.objects.get(pk=event.meeting.pk).minutes)
    page = text(client.get(url("detail", event)))
    assert "Le projet avance <b>bien</b>." in page and "<script>x" not in page
    assert "Ouvrir le compte-rendu dans l" not in page  # no door to the owner's intranet
    assert "Ouvrir le compte-rendu dans l" in text(client_of(world.host).get(url("detail", event)))


def test_the_yearly_plan_shows_done_late_and_planned_meetings_of_my_spaces_only(world, login):
    from django.utils import timezone

    done = world.event(days=-20, title="Faite")
    services_minutes.publish_minutes(world.host_membership, done.meeting.minutes)
    world.event(days=-10, title="En retard")
    world.event(days=5, title="À venir")
    other_space = spaces.create_space(membership=world.host_membership, name="Groupe fermé")
    world.event(space=other_space, title="Secrète", days=6)
    year = timezone.localdate().year
    client = login(world.people.owner)
    page = text(client.get(reverse("space_events:plan", kwargs={"year": year})))
    counted = [t for t in ("Faite", "En retard", "À venir") if timezone.localdate().replace(month=1, day=1) <= timezone.localdate()]
    assert all(t in page for t in counted) and "Secrète" not in page
    assert client.get(reverse("space_events:plan", kwargs={"year": 1990})).status_code == 404
    assert client.get(reverse("space_events:plan", kwargs={"year": year}) + "?espace=groupe-ferme").status_code == 200


def _fill(world, count, start=0):
    users = world.members(3, prefix=f"q{start}")
    for i in range(count):
        event = world.event(title=f"Réunion {start + i}", days=5 + start + i, capacity=2)
        for user in users:
            services.register(event, user)
        world.event(title=f"Passée {start + i}", days=-(5 + start + i))


def test_query_counts_do_not_grow_with_events_and_registrations(world):
    from django.utils import timezone

    _fill(world, 1)
    event = SpaceEvent.objects.filter(meeting__title="Réunion 0").get()
    owner, host = client_of(world.people.owner), client_of(world.host)
    pages = [url("index", space=world.space), reverse("space_events:plan", kwargs={"year": timezone.localdate().year})]

    def counts():
        found = []
        for target in pages:
            with QueryCounter() as q:
                assert owner.get(target).status_code == 200
            found.append(len(q))
        for name in ("detail", "reception"):
            with QueryCounter() as q:
                assert host.get(url(name, event)).status_code == 200
            found.append(len(q))
        return found

    counts()  # warm the caches the layout fills once (host map, navigation)
    few = counts()
    _fill(world, 6, start=10)
    for user in world.members(5, prefix="foule"):
        services.register(event, user)
    assert counts() == few


def test_a_host_changes_the_places_and_cancels_someone_from_the_waiting_list(world, login):
    event = world.event(capacity=1)
    first, second, third = world.members(3)
    for user in (first, second, third):
        services.register(event, user)
    client = login(world.host)
    page = text(client.get(url("detail", event)))
    assert "Liste d'attente" in page and "Membre 1" in page and "Membre 2" in page
    response = client.post(url("capacity", event), {"capacity": "2"}, follow=True)
    assert "1 personnes de la liste d'attente ont obtenu une place." in text(response)
    response = client.post(url("capacity", event), {"capacity": "abc"}, follow=True)
    assert "Indiquez entre 1 et 10 000 places." in text(response)
    waiting = Registration.objects.get(event=event, user=third)
    response = client.post(url("cancel", event), {"registration": waiting.pk})
    assert response.status_code == 302 and response["Location"] == url("reception", event)
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"
    # a contributor cannot cancel someone else's registration
    response = login(world.people.owner).post(url("cancel", event), {"registration": Registration.objects.get(event=event, user=first).pk})
    assert response.status_code == 403
