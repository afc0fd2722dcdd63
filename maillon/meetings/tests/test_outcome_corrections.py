"""Correcting and removing an outcome recorded by mistake: the text and item change, a task
follows its outcome, a decision keeps its number (and a removed number is never given again),
a numbered decision in published minutes is corrected but not removed, everything audited."""

from datetime import date

import pytest

from maillon.audit.models import AuditEntry
from maillon.meetings import services_minutes
from maillon.meetings.models import Outcome, Task

from .helpers import at, meeting, membership

pytestmark = pytest.mark.django_db

AGENDA = "Tour des secteurs\nFête de quartier\nBudget"


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def outcome_url(o, action):
    return f"/essais/reunions/{o.minutes.meeting_id}/compte-rendu/points/{o.pk}/{action}/"


def record(m, who, kind, text, item=1, **extra):
    ids = set(m.participants.values_list("membership_id", flat=True))
    return services_minutes.add_outcome(membership(who, m.organisation), m.minutes, item=item, kind=kind, text=text,
                                participant_ids=ids, **extra)


@pytest.fixture
def march(people):
    return meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA, start=at(2030, 3, 12, 14))


def test_a_participant_corrects_a_decision_which_keeps_its_number(people, login, march):
    decision = record(march, people.owner, "decision", "Budget valdié", item=3)
    client = login(people.colleague)
    form = client.get(outcome_url(decision, "modifier")).content.decode()
    assert "Corriger Décision 2030-01" in form and "Budget valdié" in form and "Le numéro reste" in form
    response = client.post(outcome_url(decision, "modifier"), {"item": "3", "text": "Budget validé à l’unanimité"}, follow=True)
    page = response.content.decode()
    assert "Point corrigé." in page and "Budget validé à l’unanimité" in page and "valdié" not in page
    decision.refresh_from_db()
    assert (decision.reference, decision.item, decision.text) == ("Décision 2030-01", 3, "Budget validé à l’unanimité")
    entry = AuditEntry.objects.get(action="meetings.outcome.update")
    assert entry.actor == people.colleague and entry.data["before"]["text"] == "Budget valdié"


def test_correcting_a_task_outcome_changes_the_task_its_assignee_and_due_date(people, login, march):
    outcome = record(march, people.owner, "task", "Réserver la salle", item=2,
                     assignee=membership(people.owner, people.org), due=date(2030, 3, 20))
    client = login(people.owner)
    form = client.get(outcome_url(outcome, "modifier")).content.decode()
    assert "Responsable" in form and "Échéance" in form and 'name="kind"' not in form
    client.post(outcome_url(outcome, "modifier"), {"item": "2", "text": "Réserver la salle des fêtes",
                                                   "assignee": membership(people.colleague, people.org).pk, "due": "2030-03-25"})
    task = Task.objects.get()
    assert (task.description, task.assignee.user, task.due) == ("Réserver la salle des fêtes", people.colleague, date(2030, 3, 25))
    assert "Réserver la salle des fêtes" in login(people.colleague).get("/essais/tableau-de-bord/").content.decode()


def test_bad_corrections_are_refused_with_french_messages(people, login, march):
    task = record(march, people.owner, "task", "Appeler la CAF", assignee=membership(people.owner, people.org))
    info = record(march, people.owner, "information", "Nouvelle animatrice")
    client = login(people.owner)
    response = client.post(outcome_url(info, "modifier"), {"item": "9", "text": "  "})
    page = response.content.decode()
    assert response.status_code == 400 and "Ce champ est obligatoire." in page and "Sélectionnez un choix valide" in page
    response = client.post(outcome_url(task, "modifier"), {"item": "1", "text": "Appeler la CAF", "assignee": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    outsider_member = membership(people.outsider, people.other_org)
    response = client.post(outcome_url(task, "modifier"), {"item": "1", "text": "Appeler", "assignee": outsider_member.pk})
    assert response.status_code == 400
    assert Task.objects.get().assignee.user == people.owner and Outcome.objects.get(pk=info.pk).text == "Nouvelle animatrice"


def test_removing_outcomes_in_a_draft_leaves_a_gap_in_the_register(people, login, march):
    first = record(march, people.owner, "decision", "Première")
    task = record(march, people.owner, "task", "Devis", assignee=membership(people.colleague, people.org))
    client = login(people.owner)
    page = client.get(url(march, "compte-rendu/")).content.decode()
    assert "Retirer Décision 2030-01 ? Son numéro ne sera pas redonné." in page
    assert "Retirer ce point et la tâche qu’il a créée ?" in page
    assert "Point retiré." in client.post(outcome_url(first, "supprimer"), follow=True).content.decode()
    client.post(outcome_url(task, "supprimer"))
    assert not Outcome.objects.exists() and not Task.objects.exists()
    assert record(march, people.owner, "decision", "Suivante").reference == "Décision 2030-02"
    removed = AuditEntry.objects.filter(action="meetings.outcome.delete").order_by("pk")
    assert [e.data["reference"] for e in removed] == ["Décision 2030-01", ""] and removed[1].data["text"] == "Devis"


def test_published_minutes_keep_their_numbered_decisions_and_only_the_organiser_corrects(people, login, march):
    decision = record(march, people.owner, "decision", "Budget validé")
    info = record(march, people.owner, "information", "Nouvelle animatrice")
    services_minutes.publish_minutes(membership(people.owner, people.org), march.minutes)
    colleague = login(people.colleague)
    page = colleague.get(url(march, "compte-rendu/")).content.decode()
    assert "Corriger" not in page and "Retirer" not in page
    assert colleague.get(outcome_url(info, "modifier")).status_code == 404
    assert colleague.post(outcome_url(info, "supprimer")).status_code == 404
    owner = login(people.owner)
    page = owner.get(url(march, "compte-rendu/")).content.decode()
    assert "Retirer Décision 2030-01" not in page and "Retirer ce point ?" in page
    response = owner.post(outcome_url(decision, "supprimer"), follow=True)
    assert "Décision 2030-01 figure dans un compte-rendu publié : corrigez son texte au lieu de la retirer." in response.content.decode()
    assert Outcome.objects.filter(pk=decision.pk).exists()
    owner.post(outcome_url(decision, "modifier"), {"item": "1", "text": "Budget validé (rectifié)"})
    assert Outcome.objects.get(pk=decision.pk).text == "Budget validé (rectifié)"


def test_nobody_outside_the_meeting_or_the_organisation_corrects_an_outcome(people, login, march):
    decision = record(march, people.owner, "decision", "Budget validé")
    for user in (people.other_sector, people.outsider):
        client = login(user)
        assert client.get(outcome_url(decision, "modifier")).status_code == 404
        assert client.post(outcome_url(decision, "modifier"), {"item": "1", "text": "Piraté"}).status_code == 404
        assert client.post(outcome_url(decision, "supprimer")).status_code == 404
    other = meeting(people.org, people.owner, agenda_text=AGENDA, start=at(2030, 4, 12, 14))
    # an outcome reached through another meeting's address is not found
    client = login(people.owner)
    assert client.get(f"/essais/reunions/{other.pk}/compte-rendu/points/{decision.pk}/modifier/").status_code == 404
    assert Outcome.objects.get().text == "Budget validé"


def test_a_task_given_to_someone_else_tells_them_and_never_leaves_the_organisation(people, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from maillon.notifications.models import Notification

    march = meeting(people.org, people.owner, people.colleague, agenda_text=AGENDA, start=at(2030, 3, 12, 14))
    outcome = record(march, people.owner, "task", "Réserver la salle", assignee=membership(people.owner, people.org))
    outcome.minutes = march.minutes
    ids = set(march.participants.values_list("membership_id", flat=True))
    owner = membership(people.owner, people.org)
    with pytest.raises(ValidationError) as refused:
        services_minutes.update_outcome(owner, outcome, item=1, text="Réserver la salle", assignee=membership(people.outsider, people.other_org),
                                participant_ids=ids)
    assert list(refused.value.message_dict) == ["assignee"] and Task.objects.get().assignee.user == people.owner
    with django_capture_on_commit_callbacks(execute=True):
        services_minutes.update_outcome(owner, outcome, item=1, text="Réserver la salle", assignee=membership(people.colleague, people.org),
                                participant_ids=ids)
    assert Notification.objects.filter(recipient=people.colleague, title="Nouvelle tâche : Réserver la salle").count() == 1
