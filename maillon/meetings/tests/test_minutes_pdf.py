"""The minutes as a PDF for the record: who was present, excused or absent, each section's text
(rich text printed as plain lines), the outcomes with their decision numbers, the open tasks; a
draft says so; only those who may read the minutes get it; a fixed number of queries."""

import pytest

from maillon.meetings import services_minutes
from maillon.meetings.models import Participant, Task
from maillon.testing import QueryCounter, pdf_text

from .helpers import meeting, membership

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def written(people):
    m = meeting(people.org, people.owner, people.colleague, people.other_sector, agenda_text="Tour des secteurs\nBudget",
                objective="Préparer l'été")
    ids = set(m.participants.values_list("membership_id", flat=True))
    owner = membership(people.owner, people.org)
    services_minutes.save_minutes(owner, m.minutes, {"s1": "Enfance : <strong>sortie</strong> validée<ul><li>minibus</li><li>pique-nique</li></ul>",
                                             "s3": "Prochain point le 9 avril à 10h."}, 1, ids)
    services_minutes.add_outcome(owner, m.minutes, item=2, kind="decision", text="Le budget de la fête est validé.", participant_ids=ids)
    services_minutes.add_outcome(owner, m.minutes, item=1, kind="task", text="Réserver le minibus",
                         assignee=membership(people.colleague, people.org), participant_ids=ids)
    Participant.objects.filter(meeting=m, membership__user=people.other_sector).update(attendance="excused")
    return m


def test_it_prints_the_minutes_with_attendance_sections_decisions_and_tasks(people, login):
    m = written(people)
    response = login(people.colleague).get(url(m, "compte-rendu.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="compte-rendu-{m.pk}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Compte-rendu : COORDO de mars" in text and "Centre social des Essais" in text
    assert "Brouillon : en cours de rédaction (version 2)" in text  # a draft says so
    assert "Excusé·e (1)" in text and people.other_sector.get_full_name() in text
    assert "Objectif" in text and "Préparer l'été" in text
    assert "Enfance : sortie validée" in text and "• minibus" in text and "<strong>" not in text
    assert "Prochain point le 9 avril à 10h." in text
    assert "Décision 2030-01 : Le budget de la fête est validé." in text
    assert f"Réserver le minibus — {people.colleague.get_full_name()}" in text


def test_published_minutes_carry_their_publication_date(people, login):
    m = written(people)
    services_minutes.publish_minutes(membership(people.owner, people.org), m.minutes)
    text = pdf_text(login(people.owner).get(url(m, "compte-rendu.pdf")).content)
    assert "Publié le " in text and "Brouillon" not in text


def test_only_those_who_may_read_the_minutes_get_the_pdf(people, login):
    m = meeting(people.org, people.owner, people.colleague)
    assert login(people.other_sector).get(url(m, "compte-rendu.pdf")).status_code == 404
    assert login(people.outsider).get(url(m, "compte-rendu.pdf")).status_code == 404


def test_the_pdf_takes_the_same_queries_with_many_tasks(people, login):
    m = written(people)
    client = login(people.owner)
    client.get(url(m, "compte-rendu.pdf"))
    with QueryCounter() as few:
        client.get(url(m, "compte-rendu.pdf"))
    assignee = membership(people.colleague, people.org)
    Task.objects.bulk_create([Task(organisation=people.org, meeting=m, assignee=assignee, description=f"Tâche {i}") for i in range(120)])
    with QueryCounter() as many:
        text = pdf_text(client.get(url(m, "compte-rendu.pdf")).content)
    assert len(few) == len(many) and len(many) <= 12, [q["sql"] for q in many.captured_queries]
    assert "50 tâches sur 121 : la liste complète est dans l’application." in text
