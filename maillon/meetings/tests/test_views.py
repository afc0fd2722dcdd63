"""Pages: create a meeting, answer, minutes with date links and conflicts, tasks, panels,
tenancy, bad input, query budgets."""

from datetime import date

import pytest
from django.core import mail

from maillon.meetings import services, services_minutes
from maillon.meetings.invitations import rsvp_token
from maillon.meetings.models import Meeting, Minutes, Participant, Task
from maillon.testing import QueryCounter, make_member

from .helpers import at, coordo_type, meeting, membership, room

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def test_it_creates_a_meeting_with_a_room_and_invites_the_participants(people, login, django_capture_on_commit_callbacks):
    client = login(people.owner)
    salle = room(people.org)
    page = client.get("/essais/reunions/nouvelle/")
    assert "Nouvelle réunion" in page.content.decode() and "COORDO" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/essais/reunions/nouvelle/", {
            "title": "COORDO avril", "meeting_type": coordo_type(people.org).pk, "day": "2030-04-03", "start_time": "14:00",
            "end_time": "16:00", "room": salle.pk, "people": [membership(people.colleague, people.org).pk],
            "objective": "Préparer l'été", "agenda": "Tour des secteurs\nÉté", "new_series": "on"})
    m = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url(m)
    assert m.series.title == "COORDO avril" and m.event.place == "Salle Le Chêne"
    assert [e.to for e in mail.outbox] == [["collegue@exemple.test"]]
    page = client.get(url(m)).content.decode()
    assert "COORDO avril" in page and "Tour des secteurs" in page and "Sans réponse" in page


def test_it_says_why_a_meeting_cannot_be_created(people, login):
    client = login(people.owner)
    salle = room(people.org)
    meeting(people.org, people.other_sector, room=salle, start=at(2030, 4, 3, 14))
    base = {"title": "X", "meeting_type": coordo_type(people.org).pk, "day": "2030-04-03", "start_time": "15:00", "end_time": "16:00"}
    taken = client.post("/essais/reunions/nouvelle/", {**base, "room": salle.pk}).content.decode()
    assert "réservation existante" in taken
    backwards = client.post("/essais/reunions/nouvelle/", {**base, "end_time": "14:00"}).content.decode()
    assert "La fin doit être après le début." in backwards
    foreign = client.post("/essais/reunions/nouvelle/", {**base, "meeting_type": services.meeting_types(people.other_org)[0].pk})
    assert foreign.status_code == 200 and Meeting.objects.count() == 1


def test_a_date_in_the_minutes_links_to_a_prefilled_new_meeting(people, login):
    m = meeting(people.org, people.owner, people.colleague, start=at(2030, 3, 12, 14))
    client = login(people.colleague)
    response = client.post(url(m, "compte-rendu/"), {"version": 1, "s2": "Prochain point le 9 avril à 10h."})
    assert response.status_code == 302
    page = client.get(url(m, "compte-rendu/")).content.decode()
    link = f'/essais/reunions/nouvelle/?date=2030-04-09&amp;heure=10%3A00&amp;depuis={m.pk}'
    assert f'<a class="date-link" href="{link}"' in page and ">9 avril à 10h</a>" in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2030-04-09"' in form and 'value="10:00"' in form and 'value="12:00"' in form
    assert 'value="COORDO de mars"' in form
    colleague_pk = membership(people.owner, people.org).pk
    assert f'name="people" value="{colleague_pk}" id="id_people_0_0" checked>' in form  # the same participants, ticked
    assert "<legend>Invités</legend>" in form  # listed first


def test_the_minutes_rich_text_is_sanitised(people, login):
    m = meeting(people.org, people.owner)
    client = login(people.owner)
    client.post(url(m, "compte-rendu/"), {"version": 1, "s1": (
        "<script>alert(1)</script> le 12/03/2031 <b onclick=\"x()\">gras</b> A & B < C\n"
        "<a href=\"javascript:alert(2)\">piège</a> <a href=\"https://caf.fr\">CAF</a>\n<ul>\n<li>Point <em>un</em></li>\n</ul>")})
    page = client.get(url(m, "compte-rendu/")).content.decode()
    shown = page.split('<div class="minutes-text">')[1].split("</div>")[0]
    assert "<script" not in shown and "alert(1)" not in shown and "onclick" not in shown and "javascript:" not in shown
    assert "<b>gras</b>" in shown and "A &amp; B &lt; C" in shown and "<li>Point <em>un</em></li>" in shown
    assert '<a href="https://caf.fr" rel="noopener noreferrer">CAF</a>' in shown
    assert 'class="date-link"' in shown and ">12/03/2031</a>" in shown
    # What was typed stays as typed in the editor (escaped there), to be corrected if need be.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_stale_save_on_the_same_section_shows_both_texts(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    login(people.owner).post(url(m, "compte-rendu/"), {"version": 1, "s1": "Texte de la propriétaire"})
    client = login(people.colleague)
    response = client.post(url(m, "compte-rendu/"), {"version": 1, "s1": "Texte du collègue"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Quelqu’un a modifié la même partie entre-temps" in page
    assert "Texte de la propriétaire" in page and "Texte du collègue" in page
    assert 'name="version" value="2"' in page
    # the top of a long page leads straight to the comparison
    assert '<a class="button" href="#conflict-s1">Comparer les deux textes</a>' in page and 'id="conflict-s1"' in page
    assert Minutes.objects.get().texts()["s1"] == "Texte de la propriétaire"


def test_only_members_involved_see_the_meeting(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    assert login(people.other_sector).get(url(m)).status_code == 404
    assert login(people.with_role("coordinator")).get(url(m)).status_code == 200
    assert login(people.outsider).get(url(m)).status_code == 404
    assert login(people.outsider).get(f"/autre/reunions/{m.pk}/").status_code == 404
    assert login(people.other_sector).post(url(m, "compte-rendu/"), {"version": 1, "s1": "x"}).status_code == 404


def test_it_records_an_answer_in_the_app_and_from_the_email_link(people, login, client):
    m = meeting(people.org, people.owner, people.colleague)
    c = login(people.colleague)
    c.post(url(m, "reponse/"), {"answer": "maybe"})
    p = Participant.objects.get(meeting=m, membership__user=people.colleague)
    assert p.answer == "maybe"
    c.logout()
    link = f"/reunions/reponse/{rsvp_token(p)}/"
    page = client.get(link)
    assert page.status_code == 200 and "Peut-être" in page.content.decode()
    assert Participant.objects.get(pk=p.pk).answer == "maybe"  # a GET changes nothing
    client.post(link, {"answer": "declined"})
    assert Participant.objects.get(pk=p.pk).answer == "declined"
    assert client.get("/reunions/reponse/faux-jeton/").status_code == 404


def test_tasks_from_the_minutes_page_and_the_dashboard(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    client = login(people.owner)
    colleague = membership(people.colleague, people.org)
    client.post(url(m, "taches/"), {"description": "Relancer la mairie", "assignee": colleague.pk, "due": "2030-03-30"})
    bad = client.post(url(m, "taches/"), {"description": "", "assignee": colleague.pk}, follow=True)
    assert "La tâche doit avoir une description et une personne." in bad.content.decode()
    task = Task.objects.get()
    other = login(people.colleague)
    dashboard = other.get("/essais/tableau-de-bord/").content.decode()
    assert "Mes tâches" in dashboard and "Relancer la mairie" in dashboard and "Mes réunions" in dashboard
    assert login(people.other_sector).post(f"/essais/reunions/taches/{task.pk}/fait/").status_code == 404
    login(people.colleague).post(f"/essais/reunions/taches/{task.pk}/fait/", {"done": "1"})
    assert Task.objects.get().done


def test_the_minutes_page_runs_the_same_queries_whatever_the_history(people, login):
    first = meeting(people.org, people.owner, people.colleague, new_series=True, start=at(2030, 1, 8, 14))
    last = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, 12, 8, 14))
    client = login(people.owner)
    client.get(url(last, "compte-rendu/"))
    with QueryCounter() as few:
        client.get(url(last, "compte-rendu/"))
    me = membership(people.owner, people.org)
    for month in range(2, 12):
        m = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, month, 8, 14))
        for i in range(3):
            services_minutes.add_task(me, m, assignee=membership(people.colleague, people.org), description=f"Tâche {i}",
                              due=date(2030, 12, 1), participant_ids={me.pk})
    last.agenda = "Tour des secteurs\nBudget\nÉté"
    last.save(update_fields=["agenda"])
    for i in range(12):
        services_minutes.add_outcome(me, last.minutes, item=i % 4, kind=("information", "decision", "task")[i % 3], text=f"Suite {i}",
                             assignee=membership(people.colleague, people.org), participant_ids={me.pk})
    services_minutes.ask_contributions(me, last.minutes, [membership(people.colleague, people.org).pk])
    make_member(people.org)
    with QueryCounter() as many:
        page = client.get(url(last, "compte-rendu/"))
    assert page.content.decode().count("reporté de") == 30
    assert page.content.decode().count("status-ok\">Décision 2030-") == 4 and "Suite 11" in page.content.decode()
    assert len(few) == len(many) and len(many) <= 12, [q["sql"] for q in many.captured_queries]


def test_the_meetings_list_runs_the_same_queries_with_many_meetings(people, login):
    client = login(people.owner)
    meeting(people.org, people.owner, start=at(2030, 1, 8, 14))
    client.get("/essais/reunions/")
    client.get("/essais/reunions/")
    with QueryCounter() as few:
        client.get("/essais/reunions/")
    for month in range(2, 12):
        meeting(people.org, people.owner, start=at(2030, month, 8, 14))
    with QueryCounter() as many:
        page = client.get("/essais/reunions/")
    assert page.content.decode().count("COORDO de mars") == 11
    assert len(few) == len(many), ([q["sql"][:90] for q in few.captured_queries], [q["sql"][:90] for q in many.captured_queries])


def test_the_meeting_page_runs_the_same_queries_with_more_people_tasks_and_a_room(people, login):
    first = meeting(people.org, people.owner, people.colleague, new_series=True, start=at(2030, 1, 8, 14))
    last = meeting(people.org, people.owner, people.colleague, series=first.series, start=at(2030, 2, 8, 14))
    client = login(people.colleague)
    client.get(url(last))
    with QueryCounter() as few:
        client.get(url(last))
    me = membership(people.owner, people.org)
    for i in range(6):
        services_minutes.add_task(me, first, assignee=membership(people.colleague, people.org), description=f"Tâche {i}",
                                  due=date(2030, 12, 1), participant_ids={me.pk})
    crowded = meeting(people.org, people.owner, people.colleague, *(make_member(people.org, first_name=f"P{i}") for i in range(8)),
                      series=first.series, start=at(2030, 3, 8, 14), room=room(people.org))
    client.get(url(crowded))
    with QueryCounter() as many:
        page = client.get(url(crowded)).content.decode()
    assert "P7" in page and "Tâche 5" in page and "COORDO de mars" in page
    assert len(few) == len(many) and len(many) <= 12, [q["sql"][:90] for q in many.captured_queries]


def test_the_meetings_list_searches_titles_series_and_types_within_the_organisation(people, login):
    meeting(people.org, people.owner, title="Conseil de maison", start=at(2030, 1, 8, 14))
    meeting(people.org, people.owner, title="Point fête de quartier", start=at(2030, 1, 9, 14), new_series=True)
    meeting(people.other_org, people.outsider, title="Fête de l'autre centre", start=at(2030, 1, 9, 14))
    client = login(people.owner)
    found = client.get("/essais/reunions/?q=fête").content.decode()
    assert "Point fête de quartier" in found and "Conseil de maison" not in found and "autre centre" not in found
    assert "Conseil de maison" in client.get("/essais/reunions/?q=COORDO conseil").content.decode()  # type and title words
    none = client.get("/essais/reunions/?q=piscine").content.decode()
    assert "Aucune réunion ne correspond à cette recherche." in none
    for i in range(22):
        meeting(people.org, people.owner, title=f"Atelier {i}", start=at(2030, 2, 1 + i, 10), allow_past=True)
    page = client.get("/essais/reunions/?q=atelier").content.decode()
    assert page.count("Atelier ") == 20 and "q=atelier&amp;page=2" in page  # the next page keeps the search


def test_the_dashboard_panels_cost_one_query_whatever_the_data(people, login):
    from maillon.meetings import panels

    m = meeting(people.org, people.owner, people.colleague, start=at(2030, 1, 8, 14))
    client = login(people.colleague)
    client.get("/essais/tableau-de-bord/")
    request = client.get("/essais/tableau-de-bord/").wsgi_request
    for i in range(8):
        services_minutes.add_task(membership(people.owner, people.org), m, assignee=membership(people.colleague, people.org),
                          description=f"Tâche {i}", participant_ids=ids_of(m))
    request.__dict__.pop("_meetings_panels", None)
    with QueryCounter() as q:
        mine = panels.my_meetings(request), panels.my_tasks(request)
    assert len(q) == 1
    assert mine[0]["meetings"] == []  # 2030 is beyond the horizon of the panel
    assert [t["description"] for t in mine[1]["tasks"]] == [f"Tâche {i}" for i in range(6)]


def ids_of(m):
    return set(m.participants.values_list("membership_id", flat=True))


def test_the_meeting_forms_come_in_titled_sections_with_the_action_bar_in_reach(people, login):
    import re

    client = login(people.owner)
    page = client.get("/essais/reunions/nouvelle/").content.decode()
    assert re.findall(r'<section class="form-section"><h2>(.*?)</h2>', page) == ["Quoi", "Quand et où", "Qui", "Ordre du jour"]
    when = page.split("<h2>Quand et où</h2>", 1)[1].split("</section>", 1)[0]
    assert 'name="day"' in when and 'name="room"' in when and 'name="people"' not in when
    assert 'class="actions form-actions-sticky"' in page
    m = meeting(people.org, people.owner, people.colleague, send_email=False)
    edit = client.get(url(m, "modifier/")).content.decode()
    assert re.findall(r'<section class="form-section"><h3>(.*?)</h3>', edit) == ["Qui", "Titre et ordre du jour"]
