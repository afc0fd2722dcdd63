"""API of meetings: list, detail, create (409 on a booked room), answers, minutes with the
web's conflict rule, my tasks; tenancy through X-Organisation; bad input in French."""

from maillon.accounts.roles import Role
from maillon.meetings import services, services_minutes
from maillon.meetings.models import Meeting, Minutes, Participant, Task

from .helpers import meeting as make_meeting
from .helpers import membership, room

H = {"X-Organisation": "essais"}


def body(**extra):
    data = {"title": "Réunion d'équipe", "meeting_type": extra.pop("meeting_type"), "start": "2030-03-12T14:00:00+01:00",
            "end": "2030-03-12T16:00:00+01:00"}
    data.update(extra)
    return data


def first_type(org):
    return services.meeting_types(org)[0].pk


def test_it_creates_lists_and_shows_a_meeting(people, login):
    salle = room(people.org)
    client = login(people.owner)
    created = client.post("/api/v1/meetings", body(meeting_type=first_type(people.org), people=[people.colleague.pk], room=salle.pk,
                                                   agenda=["Budget", " ", "Planning d'été"], objective="Préparer l'été"),
                          content_type="application/json", headers=H)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["agenda"] == ["Budget", "Planning d'été"] and data["place"] == "Salle Le Chêne"
    assert {p["user_id"]: p["answer"] for p in data["participants"]} == {people.owner.pk: "accepted", people.colleague.pk: "pending"}
    assert data["minutes_status"] == "draft" and data["can_write_minutes"] is True
    listed = login(people.colleague).get("/api/v1/meetings", headers=H).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Réunion d'équipe" and listed["items"][0]["my_answer"] == "pending"
    assert login(people.colleague).get(f"/api/v1/meetings/{data['id']}", headers=H).json()["objective"] == "Préparer l'été"
    assert login(people.colleague).get("/api/v1/meetings?past=true", headers=H).json()["count"] == 0
    # The same room at the same time: 409 with the agenda's French explanation, nothing created.
    again = client.post("/api/v1/meetings", body(meeting_type=first_type(people.org), room=salle.pk), content_type="application/json", headers=H)
    assert again.status_code == 409 and again.json()["conflicts"] and Meeting.objects.count() == 1


def test_it_lists_without_more_queries_for_more_meetings(people, login, django_assert_max_num_queries):
    from .helpers import at

    for day in range(1, 4):
        make_meeting(people.org, people.owner, people.colleague, start=at(2030, 4, day, 10), send_email=False)
    client = login(people.colleague)
    client.get("/api/v1/meetings", headers=H)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/meetings", headers=H).json()["count"] == 3
    for day in range(4, 12):
        make_meeting(people.org, people.owner, people.colleague, start=at(2030, 4, day, 10), send_email=False)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/meetings", headers=H).json()["count"] == 11


def test_it_answers_bad_input_in_french(people, login):
    client = login(people.owner)
    kind = first_type(people.org)
    wrong_end = client.post("/api/v1/meetings", body(meeting_type=kind, end="2030-03-12T13:00:00+01:00"), content_type="application/json", headers=H)
    assert wrong_end.status_code == 422 and wrong_end.json()["detail"][0] == {"loc": ["body", "end"], "field": "end", "msg": "La fin doit être après le début.", "type": "value_error"}
    missing = client.post("/api/v1/meetings", {"meeting_type": kind}, content_type="application/json", headers=H)
    assert missing.status_code == 422 and missing.json()["detail"][0]["msg"] == "Ce champ est obligatoire."
    foreign_type = services.meeting_types(people.other_org)[0].pk
    assert client.post("/api/v1/meetings", body(meeting_type=foreign_type), content_type="application/json", headers=H).status_code == 422
    # A person of another organisation cannot be invited.
    response = client.post("/api/v1/meetings", body(meeting_type=kind, people=[people.outsider.pk]), content_type="application/json", headers=H)
    assert response.status_code == 422
    assert response.json()["detail"][0] | {"loc": None} == {"loc": None, "field": "people", "msg": "Cette personne n’est pas membre de l’organisation.", "type": "value_error"}
    assert client.post("/api/v1/meetings", "pas du json", content_type="application/json", headers=H).status_code == 400
    assert Meeting.objects.count() == 0
    meeting = make_meeting(people.org, people.owner, send_email=False)
    bad_answer = client.post(f"/api/v1/meetings/{meeting.pk}/rsvp", {"answer": "oui"}, content_type="application/json", headers=H)
    assert bad_answer.status_code == 422 and bad_answer.json()["detail"][0]["field"] == "answer"
    bad_section = client.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {"zz": "x"}}, content_type="application/json", headers=H)
    assert bad_answer.json()["detail"][0]["msg"] == "Cette valeur n’est pas valide."
    assert bad_section.status_code == 422 and bad_section.json()["detail"][0]["field"] == "sections.zz"
    assert bad_section.json()["detail"][0]["msg"] == "Cette valeur n’est pas valide."
    assert client.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 0, "sections": {}}, content_type="application/json", headers=H).status_code == 422


def test_a_participant_answers_and_others_cannot(people, login):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    response = login(people.colleague).post(f"/api/v1/meetings/{meeting.pk}/rsvp", {"answer": "declined"}, content_type="application/json", headers=H)
    assert response.status_code == 200 and response.json()["answer"] == "declined"
    assert Participant.objects.get(meeting=meeting, membership__user=people.colleague).answer == "declined"
    # A colleague not invited does not even see the meeting; a coordinator sees it but is not invited.
    assert login(people.other_sector).post(f"/api/v1/meetings/{meeting.pk}/rsvp", {"answer": "accepted"}, content_type="application/json", headers=H).status_code == 404
    coordinator = people.with_role(Role.COORDINATOR)
    assert login(coordinator).get(f"/api/v1/meetings/{meeting.pk}", headers=H).status_code == 200
    assert login(coordinator).post(f"/api/v1/meetings/{meeting.pk}/rsvp", {"answer": "accepted"}, content_type="application/json", headers=H).status_code == 403


def test_minutes_merge_different_sections_and_refuse_a_concurrent_edit_of_the_same_one(people, login):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    owner, colleague = login(people.owner), login(people.colleague)
    read = owner.get(f"/api/v1/meetings/{meeting.pk}/minutes", headers=H).json()
    assert read["version"] == 1 and read["can_write"] is True
    first, second = read["sections"][0]["key"], read["sections"][1]["key"]
    saved = owner.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {first: "Tour de table fait."}}, content_type="application/json", headers=H)
    assert saved.status_code == 200 and saved.json()["version"] == 2
    # The colleague started from version 1 too: another section merges, nothing lost.
    merged = colleague.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {second: "Projet jardin."}}, content_type="application/json", headers=H)
    assert merged.status_code == 200
    texts = {s["key"]: s["text"] for s in merged.json()["sections"]}
    assert texts[first] == "Tour de table fait." and texts[second] == "Projet jardin." and merged.json()["version"] == 3
    # The same section, from a stale version: 409, both texts returned, nothing saved.
    clash = colleague.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {first: "Autre version."}}, content_type="application/json", headers=H)
    assert clash.status_code == 409
    data = clash.json()
    assert data["version"] == 3 and data["sections"] == [{"key": first, "title": read["sections"][0]["title"], "theirs": "Tour de table fait.", "mine": "Autre version."}]
    assert data["detail"] == "Quelqu’un a modifié la même partie entre-temps : comparez, puis enregistrez à nouveau."
    assert Minutes.objects.get(meeting=meeting).texts()[first] == "Tour de table fait."
    # From the current version, the colleague's choice is saved.
    assert colleague.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 3, "sections": {first: "Autre version."}}, content_type="application/json", headers=H).status_code == 200


def test_minutes_are_refused_to_those_who_may_not_write(people, login):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    coordinator = people.with_role(Role.COORDINATOR)
    client = login(coordinator)
    read = client.get(f"/api/v1/meetings/{meeting.pk}/minutes", headers=H).json()
    assert read["can_write"] is False
    key = read["sections"][0]["key"]
    assert client.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {key: "x"}}, content_type="application/json", headers=H).status_code == 403
    assert login(people.other_sector).get(f"/api/v1/meetings/{meeting.pk}/minutes", headers=H).status_code == 404
    # Published minutes: a participant may no longer change them.
    services_minutes.publish_minutes(membership(people.owner, people.org), Minutes.objects.get(meeting=meeting))
    assert login(people.colleague).post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {key: "x"}}, content_type="application/json", headers=H).status_code == 403
    assert Minutes.objects.get(meeting=meeting).texts()[key] == ""


def test_my_tasks_and_marking_one_done(people, login):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    mine = services_minutes.add_task(membership(people.owner, people.org), meeting, assignee=membership(people.colleague, people.org),
                             description="Réserver le car", participant_ids=set(meeting.participants.values_list("membership_id", flat=True)))
    services_minutes.add_task(membership(people.owner, people.org), meeting, assignee=membership(people.owner, people.org),
                      description="Envoyer l'ordre du jour", participant_ids=set(meeting.participants.values_list("membership_id", flat=True)))
    client = login(people.colleague)
    assert [t["description"] for t in client.get("/api/v1/meetings/tasks", headers=H).json()] == ["Réserver le car"]
    done = client.post(f"/api/v1/meetings/tasks/{mine.pk}/done", {}, content_type="application/json", headers=H)
    assert done.status_code == 200 and done.json()["done"] is True and Task.objects.get(pk=mine.pk).done
    assert client.get("/api/v1/meetings/tasks", headers=H).json() == []
    assert [t["id"] for t in client.get("/api/v1/meetings/tasks?done=true", headers=H).json()] == [mine.pk]
    # Someone else's task: refused; a colleague of the same organisation without a link to it either.
    other = Task.objects.exclude(pk=mine.pk).get()
    assert client.post(f"/api/v1/meetings/tasks/{other.pk}/done", {}, content_type="application/json", headers=H).status_code == 403
    assert not Task.objects.get(pk=other.pk).done


def test_it_keeps_other_organisations_out(people, login):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False)
    task = services_minutes.add_task(membership(people.owner, people.org), meeting, assignee=membership(people.colleague, people.org),
                             description="Réserver le car", participant_ids=set(meeting.participants.values_list("membership_id", flat=True)))
    outsider = login(people.outsider)
    other = {"X-Organisation": "autre"}
    assert outsider.get("/api/v1/meetings", headers=H).status_code == 404
    assert outsider.get("/api/v1/meetings", headers=other).json()["count"] == 0
    assert outsider.get(f"/api/v1/meetings/{meeting.pk}", headers=other).status_code == 404
    assert outsider.get(f"/api/v1/meetings/{meeting.pk}/minutes", headers=other).status_code == 404
    assert outsider.post(f"/api/v1/meetings/{meeting.pk}/minutes", {"version": 1, "sections": {"s1": "x"}}, content_type="application/json", headers=other).status_code == 404
    assert outsider.post(f"/api/v1/meetings/{meeting.pk}/rsvp", {"answer": "accepted"}, content_type="application/json", headers=other).status_code == 404
    assert outsider.post(f"/api/v1/meetings/tasks/{task.pk}/done", {}, content_type="application/json", headers=other).status_code == 404
    # Inviting a member of Essais from Autre is refused.
    response = outsider.post("/api/v1/meetings", body(meeting_type=first_type(people.other_org), people=[people.colleague.pk]), content_type="application/json", headers=other)
    assert response.status_code == 422 and Meeting.objects.count() == 1
    assert login(people.colleague).get("/api/v1/meetings", headers=other).status_code == 404
    assert Minutes.objects.get(meeting=meeting).texts()["s1"] == ""


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/meetings", "/api/v1/meetings/{meeting_id}", "/api/v1/meetings/{meeting_id}/rsvp",
                 "/api/v1/meetings/{meeting_id}/minutes", "/api/v1/meetings/tasks", "/api/v1/meetings/tasks/{task_id}/done"):
        assert path in paths, path
    assert set(paths["/api/v1/meetings/{meeting_id}/minutes"]) == {"get", "post"}
    assert "409" in paths["/api/v1/meetings/{meeting_id}/minutes"]["post"]["responses"]


def test_the_minutes_carry_their_outcomes_with_the_decision_numbers(people, login):
    meeting = make_meeting(people.org, people.owner, people.colleague, send_email=False, agenda_text="Budget\nÉté")
    me, ids = membership(people.owner, people.org), {membership(people.owner, people.org).pk}
    services_minutes.add_outcome(me, meeting.minutes, item=1, kind="decision", text="Budget validé", participant_ids=ids)
    task = services_minutes.add_outcome(me, meeting.minutes, item=2, kind="task", text="Réserver le car",
                                assignee=membership(people.colleague, people.org), participant_ids=ids).task
    read = login(people.colleague).get(f"/api/v1/meetings/{meeting.pk}/minutes", headers=H).json()
    assert read["outcomes"] == [
        {"item": 1, "kind": "decision", "text": "Budget validé", "reference": "Décision 2030-01", "task_id": None},
        {"item": 2, "kind": "task", "text": "Réserver le car", "reference": "", "task_id": task.pk},
    ]
