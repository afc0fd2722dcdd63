"""Every e-mail of an organisation co-financed by the ERDF ends with the EU co-funding mention:
notifications and the daily digest, account invitations, meeting invitations and guests'
reminders, allauth's password reset; an organisation that does not show the block sends none."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from maillon.accounts import services as accounts
from maillon.accounts.models import Membership
from maillon.meetings import services as meetings
from maillon.meetings.tests.helpers import coordo_type, membership
from maillon.meetings.tests.test_guests import contact
from maillon.notifications.digest import send_digests
from maillon.notifications.services import notify

pytestmark = pytest.mark.django_db

MENTION = "Ce projet est cofinancé par l'Union Européenne avec le FEDER"


@pytest.fixture
def feder(people):
    people.org.show_feder_block = True
    people.org.save(update_fields=["show_feder_block"])
    mail.outbox.clear()
    return people.org


def signed(message) -> bool:
    """The mention closes the text, after the signature separator, written once."""
    return message.body.count(MENTION) == 1 and message.body.rstrip().endswith(MENTION) and "\n--\n" in message.body


def test_a_notification_email_ends_with_the_mention_only_for_such_an_organisation(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.owner, "Votre demande est validée", url="/essais/tableau-de-bord/", organisation=people.org)
    assert MENTION not in mail.outbox[0].body
    people.org.show_feder_block = True
    people.org.save(update_fields=["show_feder_block"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.owner, "Votre demande est validée", url="/essais/tableau-de-bord/", organisation=people.org)
    assert signed(mail.outbox[1])
    assert "&#x27;" not in mail.outbox[1].body  # plain text, not HTML-escaped


def test_an_account_level_notification_follows_the_persons_organisations(people, feder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.owner, "Votre mot de passe a changé")  # no organisation
        notify(people.outsider, "Votre mot de passe a changé")  # a member of another organisation only
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert signed(by_recipient[people.owner.email])
    assert MENTION not in by_recipient[people.outsider.email].body


def test_an_account_invitation_ends_with_the_mention(feder, django_capture_on_commit_callbacks):
    user = get_user_model().objects.create_user(username="nouvelle", email="nouvelle@exemple.test", password=None)
    with django_capture_on_commit_callbacks(execute=True):
        accounts.send_invitation(Membership.objects.create(user=user, organisation=feder))
    assert len(mail.outbox) == 1 and signed(mail.outbox[0])


def test_meeting_invitations_and_guest_reminders_end_with_the_mention(people, feder, login, django_capture_on_commit_callbacks):
    guest = contact(people.org)
    day = (timezone.localtime() + timedelta(days=1)).date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people.owner).post("/essais/reunions/nouvelle/", {
            "title": "Point CAF", "meeting_type": coordo_type(people.org).pk, "day": day, "start_time": "10:00",
            "end_time": "11:00", "contacts": [guest.pk], "people": [membership(people.colleague, people.org).pk]})
    assert response.status_code == 302
    assert len(mail.outbox) == 2 and all(signed(m) for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.send_reminders()
    reminders = [m for m in mail.outbox if m.to == [guest.email]]
    assert reminders and all(signed(m) for m in mail.outbox)


def test_the_password_reset_email_ends_with_the_mention(people, feder, client):
    client.post("/comptes/password/reset/", {"email": people.owner.email})
    assert len(mail.outbox) == 1 and signed(mail.outbox[0])


def test_the_password_reset_email_of_an_organisation_without_the_block_has_none(people, client):
    client.post("/comptes/password/reset/", {"email": people.owner.email})
    assert len(mail.outbox) == 1 and MENTION not in mail.outbox[0].body



def test_the_daily_digest_ends_with_the_mention(people, feder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.colleague, "Nouvelle tâche : réserver le car", organisation=feder, kind="meetings.task")
    tomorrow = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(7, 30)))
    assert send_digests(now=tomorrow) == 1
    [digest] = [m for m in mail.outbox if m.to == [people.colleague.email]]
    assert "Nouvelle tâche : réserver le car" in digest.body and signed(digest)
