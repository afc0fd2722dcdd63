"""The API of the events of the spaces: the access matrix (a member of another organisation
registers, a non-member and a member's colleague meet 404, a reader is refused the hosts'
endpoints, an archived space is read-only), places and the waiting list through the API, a
second registration refused in French, the reception list and its ticks, the yearly plan, bad
input answered 4xx in French, flat query counts, token authentication."""

import pytest
from django.test import Client

from maillon.accounts import services_tokens
from maillon.meetings.models import Guest
from maillon.space_events.models import Registration
from maillon.spaces import services as spaces
from maillon.spaces.models import Role, SpaceMember
from maillon.testing import QueryCounter

pytestmark = pytest.mark.django_db
API = "/api/v1/space-events"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_a_member_of_another_organisation_sees_the_places_and_registers(world):
    event = world.event(capacity=2, title="Réunion de rentrée")
    owner = client_of(world.people.owner)  # « Essais », in a space of « Autre centre »
    listed = owner.get(f"{API}/spaces/{world.space.pk}/events")
    assert listed.status_code == 200, listed.content
    item = listed.json()["items"][0]
    assert (item["title"], item["capacity"], item["places_left"], item["my_registration"], item["registration_open"]) == (
        "Réunion de rentrée", 2, 2, None, True)
    # The organisation header plays no part: the space's rule decides.
    registered = owner.post(f"{API}/{event.pk}/registration", content_type="application/json", headers={"X-Organisation": "essais"})
    assert registered.status_code == 201, registered.content
    data = registered.json()
    assert (data["places_left"], data["registered"], data["my_registration"]["status"]) == (1, 1, "registered")
    row = Registration.objects.get(event=event, user=world.people.owner)
    assert row.organisation == world.people.org
    again = owner.get(f"{API}/spaces/{world.space.pk}/events").json()["items"][0]
    assert again["my_registration"] == {"id": row.pk, "status": "registered", "position": None}


def test_someone_outside_the_space_meets_404_everywhere(world):
    event = world.event()
    registration = services_register(world, event)
    for user in (world.stranger, world.people.colleague):  # another centre; the owner's colleague, not in the space
        client = client_of(user)
        for method, path in (("get", f"{API}/spaces/{world.space.pk}/events"), ("get", f"{API}/{event.pk}"),
                             ("post", f"{API}/{event.pk}/registration"), ("post", f"{API}/{event.pk}/registration/cancel"),
                             ("get", f"{API}/{event.pk}/registrations"), ("get", f"{API}/{event.pk}/reception"),
                             ("post", f"{API}/{event.pk}/registrations/{registration.pk}/cancel"),
                             ("get", f"{API}/plan/2030?space_id={world.space.pk}")):
            response = getattr(client, method)(path, content_type="application/json") if method == "post" else client.get(path)
            assert response.status_code == 404, (user, path, response.content)
            assert response.json() == {"detail": "Introuvable."}
        assert post(client, f"{API}/{event.pk}/reception/{registration.pk}", {"arrived": True}).status_code == 404
    assert Registration.objects.filter(event=event).count() == 1
    assert client_of(world.stranger).get(f"{API}/plan/2030").json()["total"] == 0


def services_register(world, event, user=None):
    from maillon.space_events import services

    return services.register(event, user or world.people.owner)


def test_a_reader_registers_but_is_refused_the_hosts_endpoints_which_the_host_uses(world):
    event = world.event(capacity=5)
    reader = world.members(1)[0]
    spaces.set_role(SpaceMember.objects.get(space=world.space, user=reader), Role.READER, actor=world.host)
    client = client_of(reader)
    assert post(client, f"{API}/{event.pk}/registration").status_code == 201
    mine = Registration.objects.get(event=event, user=reader)
    for method, path, body in (("get", f"{API}/{event.pk}/registrations", None), ("get", f"{API}/{event.pk}/reception", None),
                               ("post", f"{API}/{event.pk}/reception/{mine.pk}", {"arrived": True}),
                               ("post", f"{API}/{event.pk}/registrations/{mine.pk}/cancel", None)):
        response = post(client, path, body) if method == "post" else client.get(path)
        assert response.status_code == 403, (path, response.content)
        assert response.json() == {"detail": "Seuls les animateurs de l'espace peuvent faire cela."}
    host = client_of(world.host)
    listed = host.get(f"{API}/{event.pk}/registrations").json()
    assert [(r["user_id"], r["status"], r["organisation"]) for r in listed["items"]] == [(reader.pk, "registered", "Troisième centre")]
    ticked = post(host, f"{API}/{event.pk}/reception/{mine.pk}", {"arrived": True})
    assert ticked.status_code == 200 and ticked.json()["arrived_at"]
    reception = host.get(f"{API}/{event.pk}/reception").json()
    assert (reception["count"], reception["arrived"]) == (1, 1)
    # The meeting's attendance follows: the reader, of a third organisation, is a present guest.
    guest = Guest.objects.get(meeting=event.meeting)
    assert (guest.name, guest.organisation_name, guest.attendance) == ("Camille Membre 0", "Troisième centre", "present")
    assert post(host, f"{API}/{event.pk}/reception/{mine.pk}", {"arrived": False}).json()["arrived_at"] is None
    assert not Guest.objects.filter(meeting=event.meeting).exists()
    cancelled = post(host, f"{API}/{event.pk}/registrations/{mine.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["registration"]["status"] == "cancelled"


def test_an_archived_space_is_read_only(world):
    event = world.event()
    registration = services_register(world, event)
    spaces.set_archived(world.space, True, actor=world.host)
    owner = client_of(world.people.owner)
    assert owner.get(f"{API}/spaces/{world.space.pk}/events").json()["items"][0]["registration_open"] is False
    assert owner.get(f"{API}/{event.pk}").status_code == 200
    for client, path in ((owner, f"{API}/{event.pk}/registration/cancel"), (client_of(world.members(1)[0]), f"{API}/{event.pk}/registration"),
                         (client_of(world.host), f"{API}/{event.pk}/reception")):
        response = post(client, path) if not path.endswith("reception") else client.get(path)
        assert response.status_code == 403, (path, response.content)
        assert response.json() == {"detail": "Cet espace est archivé : il est en lecture seule."}
    registration.refresh_from_db()
    assert registration.status == "registered"


def test_places_the_waiting_list_and_a_second_registration_through_the_api(world, django_capture_on_commit_callbacks):
    event = world.event(capacity=1)
    first, second, third = world.members(3)
    assert post(client_of(first), f"{API}/{event.pk}/registration").json()["my_registration"]["status"] == "registered"
    waiting = post(client_of(second), f"{API}/{event.pk}/registration").json()
    assert (waiting["places_left"], waiting["waiting"], waiting["my_registration"]["status"], waiting["my_registration"]["position"]) == (
        0, 1, "waiting", 1)
    assert post(client_of(third), f"{API}/{event.pk}/registration").json()["my_registration"]["position"] == 2
    twice = post(client_of(second), f"{API}/{event.pk}/registration")
    assert twice.status_code == 422
    assert twice.json()["detail"][0]["msg"] == "Vous êtes déjà sur la liste d'attente."
    assert post(client_of(first), f"{API}/{event.pk}/registration").json()["detail"][0]["msg"] == "Vous êtes déjà inscrit·e."
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = post(client_of(first), f"{API}/{event.pk}/registration/cancel")
    assert cancelled.status_code == 200, cancelled.content
    promoted = Registration.objects.get(event=event, user=second)
    assert cancelled.json()["promoted"] == [promoted.pk] and promoted.status == "registered"
    assert client_of(third).get(f"{API}/{event.pk}").json()["my_registration"]["position"] == 1
    nothing = post(client_of(first), f"{API}/{event.pk}/registration/cancel")
    assert nothing.status_code == 404 and nothing.json() == {"detail": "Vous n'êtes pas inscrit·e à cet événement."}


def test_bad_input_is_answered_in_french_never_500(world):
    event = world.event()
    client = client_of(world.host)
    for path, status in ((f"{API}/spaces/{world.space.pk}/events?page=0", 422), (f"{API}/spaces/{world.space.pk}/events?page=abc", 422),
                         (f"{API}/spaces/99999999/events", 404), (f"{API}/spaces/abc/events", 404),
                         (f"{API}/{event.pk}/registrations?status=nope", 422), (f"{API}/{event.pk}/registrations?status=%00", 422),
                         (f"{API}/plan/1900", 422), (f"{API}/plan/2030?space_id=" + "9" * 30, 422),
                         (f"{API}/spaces/{world.space.pk}/events?page=" + "9" * 5000, 422)):
        response = client.get(path)
        assert response.status_code == status, (path, response.content)
        assert "detail" in response.json()
    assert client.get(f"{API}/plan/1900").json()["detail"][0]["msg"] == "Indiquez une année entre 2000 et 2100."
    bad = post(client, f"{API}/{event.pk}/reception/1", {"arrived": "x" * 5000})
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == "Saisissez true ou false."
    assert post(client, f"{API}/{event.pk}/reception/99999999", {"arrived": True}).status_code == 404


def test_another_space_s_event_id_is_404_and_the_plan_counts_my_spaces_only(world):
    event = world.event(days=3)
    other_space = spaces.create_space(membership=world.host_membership, name="Groupe santé", theme="Santé")
    hidden = world.event(space=other_space, days=4, title="Réunion santé")
    owner = client_of(world.people.owner)
    assert owner.get(f"{API}/{hidden.pk}").status_code == 404
    year = event.meeting.start.year
    plan = owner.get(f"{API}/plan/{year}").json()
    assert [i["title"] for i in plan["items"]] == ["Réunion annuelle"] and plan["counts"]["planned"] == 1
    assert owner.get(f"{API}/plan/{year}?space_id={other_space.pk}").status_code == 404
    host_plan = client_of(world.host).get(f"{API}/plan/{year}").json()
    assert host_plan["total"] == 2 and {i["state"] for i in host_plan["items"]} == {"planned"}


def test_query_counts_do_not_grow_with_the_events_and_registrations(world):
    def count(path):
        client = client_of(world.host)
        client.get(path)
        with QueryCounter() as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    people = world.members(6)
    first = world.event(days=2)
    services_register(world, first, people[0])
    small = (count(f"{API}/spaces/{world.space.pk}/events"), count(f"{API}/{first.pk}/registrations"), count(f"{API}/{first.pk}/reception"),
             count(f"{API}/plan/{first.meeting.start.year}"))
    for i in range(5):
        event = world.event(days=5 + i, capacity=3)
        for person in people:
            services_register(world, event, person)
    for person in people[1:]:
        services_register(world, first, person)
    large = (count(f"{API}/spaces/{world.space.pk}/events"), count(f"{API}/{first.pk}/registrations"), count(f"{API}/{first.pk}/reception"),
             count(f"{API}/plan/{first.meeting.start.year}"))
    assert large == small, (small, large)
    assert max(large) <= 12


def test_a_personal_access_token_works_without_an_organisation_header(world):
    event = world.event()
    raw = services_tokens.create_token(world.people.owner, "t").raw
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.post(f"{API}/{event.pk}/registration", content_type="application/json").status_code == 201
    assert client.get(f"{API}/{event.pk}").json()["my_registration"]["status"] == "registered"
