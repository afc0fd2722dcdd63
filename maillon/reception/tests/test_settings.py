"""The organisation's reception settings: who changes them, bad values in French, audited."""

import pytest
from django.urls import reverse

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.reception import services
from maillon.reception.models import ReceptionSettings

pytestmark = pytest.mark.django_db


def url(org="essais"):
    return reverse("reception:settings", kwargs={"org": org})


def test_the_defaults_until_changed(desk):
    settings = services.settings_for(desk.org)
    assert (settings.email_delay, settings.urgent_email_delay, settings.retention_months) == (10, 2, 12)
    assert not ReceptionSettings.objects.exists()


def test_the_director_changes_them(desk, login):
    client = login(desk.people.with_role(Role.DIRECTOR))
    assert client.get(url()).status_code == 200
    response = client.post(url(), {"email_delay": 15, "urgent_email_delay": 3, "retention_months": 6})
    assert response.status_code == 302
    saved = ReceptionSettings.objects.get(organisation=desk.org)
    assert (saved.email_delay, saved.urgent_email_delay, saved.retention_months) == (15, 3, 6)
    assert AuditEntry.objects.filter(action="reception.settings", organisation=desk.org).count() == 1
    refused = client.post(url(), {"email_delay": 5, "urgent_email_delay": 8, "retention_months": 0})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Le délai des messages urgents ne peut pas dépasser le délai normal." in page
    assert "supérieure ou égale à 1" in page


@pytest.mark.parametrize("role", [None, Role.RECEPTION, Role.HR, Role.COORDINATOR])
def test_others_cannot(desk, login, role):
    user = desk.people.with_role(role) if role else desk.people.owner
    assert login(user).get(url()).status_code == 403
    assert login(desk.people.outsider).get(url()).status_code == 404


def test_the_sheet_works_as_a_page_without_javascript(desk, login):
    page = login(desk.agent).get(reverse("reception:sheet", kwargs={"org": "essais"})).content.decode()
    assert "Message téléphonique" in page and "Visite" in page
    assert reverse("reception:new_message", kwargs={"org": "essais"}) in page
