"""Phone messages: sending (form, service, API), what the recipient and the agent see, receipts,
the access matrix across roles and organisations, bad input with its French message."""

import html
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillon.accounts.roles import Role
from maillon.notifications.models import Notification
from maillon.reception import services
from maillon.reception.models import TEXT_MAX, PhoneMessage

from .helpers import url

pytestmark = pytest.mark.django_db


def send(desk, recipient=None, **fields):
    data = {"caller_name": "Mme Pivoine", "text": "Rappeler pour l'inscription.", **fields}
    return services.send_message(desk.membership(desk.agent), recipient=desk.membership(recipient or desk.people.owner), **data)


def test_it_sends_a_phone_message_from_the_form_and_tells_the_recipient_live(desk, login, django_capture_on_commit_callbacks):
    client = login(desk.agent)
    owner = desk.membership(desk.people.owner)
    with mock.patch("maillon.notifications.live.send_now") as live, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("new_message"), {
            "recipient": owner.pk, "caller_name": "Mme Pivoine Lagarrigue", "caller_number": "06.11.22.33.44",
            "text": "Rappeler au sujet de mercredi.", "action": "call_back", "urgency": "urgent"})
    assert response.status_code == 302
    message = PhoneMessage.objects.get()
    assert (message.recipient, message.caller_number, message.urgency) == (owner, "+33611223344", "urgent")
    note = Notification.objects.get(recipient=desk.people.owner)
    assert note.title == "Message téléphonique urgent de Mme Pivoine Lagarrigue"
    assert note.kind == "reception.message"
    (user_id, event), = [c.args for c in live.call_args_list if c.args[1].get("type") == "reception.message"]
    assert user_id == desk.people.owner.pk
    assert event["urgent"] is True and event["url"] == url("message", pk=message.pk)
    assert event["ack_url"] == url("message_delivered", pk=message.pk)
    page = client.get(url("today")).content.decode()
    assert "Mme Pivoine Lagarrigue" in page and f'data-live-receipt="message-{message.pk}"' in page


def test_it_marks_read_when_the_recipient_opens_it_and_tells_the_author(desk, login, django_capture_on_commit_callbacks):
    message = send(desk)
    client = login(desk.people.owner)
    with mock.patch("maillon.notifications.live.send_now") as live, django_capture_on_commit_callbacks(execute=True):
        page = client.get(url("message", pk=message.pk))
    assert page.status_code == 200 and "Mme Pivoine" in page.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None and message.delivered_at is not None
    (user_id, event), = [c.args for c in live.call_args_list]
    assert user_id == desk.agent.pk
    assert event["type"] == "reception.receipt" and event["state"] == "read" and event["label"].startswith("Lu à ")
    # Its notification is read with it; a second visit changes nothing.
    assert not Notification.objects.filter(recipient=desk.people.owner, read_at__isnull=True).exists()
    first = message.read_at
    client.get(url("message", pk=message.pk))
    message.refresh_from_db()
    assert message.read_at == first
    # The author opening it does not mark anything.
    other = send(desk)
    login(desk.agent).get(url("message", pk=other.pk))
    other.refresh_from_db()
    assert other.read_at is None


def test_it_marks_handled_with_a_note(desk, login):
    message = send(desk)
    client = login(desk.people.owner)
    response = client.post(url("message_handled", pk=message.pk), {"note": "Rappelée à 15 h."})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == "handled" and message.handled_note == "Rappelée à 15 h."
    assert "Traité à" in client.get(url("message", pk=message.pk)).content.decode()
    too_long = send(desk)
    response = client.post(url("message_handled", pk=too_long.pk), {"note": "x" * 600})
    assert response.status_code == 400
    assert "au plus 500 caractères" in response.content.decode()


def test_it_marks_delivered_through_the_ack_url(desk, login):
    message = send(desk)
    assert login(desk.people.colleague).post(url("message_delivered", pk=message.pk)).status_code == 404
    assert login(desk.people.owner).post(url("message_delivered", pk=message.pk)).status_code == 204
    message.refresh_from_db()
    assert message.state == "delivered"


@pytest.mark.parametrize("role", [None, Role.COORDINATOR, Role.HR, Role.DIRECTOR, Role.ADMIN])
def test_it_lets_only_reception_send(desk, login, role):
    user = desk.people.with_role(role) if role else desk.people.colleague
    client = login(user)
    for name in ("sheet", "new_message", "new_notice", "today"):
        assert client.get(url(name)).status_code == 403
    owner = desk.membership(desk.people.owner)
    assert client.post(url("new_message"), {"recipient": owner.pk, "caller_name": "X", "text": "Y", "action": "call_back",
                                             "urgency": "normal"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.send_message(desk.membership(user), recipient=owner, caller_name="X", text="Y")
    assert not PhoneMessage.objects.exists()


def test_it_shows_a_message_only_to_its_recipient_author_reception_and_director(desk, login):
    message = send(desk)
    director = desk.people.with_role(Role.DIRECTOR)
    for user, status in ((desk.people.owner, 200), (desk.agent, 200), (director, 200), (desk.people.colleague, 404),
                         (desk.people.with_role(Role.HR), 404), (desk.people.with_role(Role.ADMIN), 404)):
        assert login(user).get(url("message", pk=message.pk)).status_code == status, user
    # Another organisation: its own slug gives 404 for the id, ours is not theirs.
    assert login(desk.outsider_agent).get(url("message", org="autre", pk=message.pk)).status_code == 404
    assert login(desk.people.outsider).get(url("message", pk=message.pk)).status_code == 404


def test_it_refuses_a_recipient_of_another_organisation_or_unknown(desk, login):
    client = login(desk.agent)
    outsider = desk.membership(desk.people.outsider, desk.people.other_org)
    for recipient in (outsider.pk, 999999, "abc"):
        response = client.post(url("new_message"), {"recipient": recipient, "caller_name": "X", "text": "Y", "action": "call_back",
                                                    "urgency": "normal"})
        assert response.status_code == 400
        assert "Choisissez une personne de l'organisation." in html.unescape(response.content.decode())
    with pytest.raises(ValidationError) as error:
        services.send_message(desk.membership(desk.agent), recipient=outsider, caller_name="X", text="Y")
    assert "recipient" in error.value.message_dict
    assert not PhoneMessage.objects.exists()


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("caller_number", "12345", "Saisissez un numéro français"),
    ("caller_number", "+44 20 7946 0958", "Saisissez un numéro français"),
    ("text", "x" * (TEXT_MAX + 1), "1000"),
    ("caller_name", "", "Ce champ est obligatoire."),
])
def test_it_says_what_is_wrong_in_french(desk, login, field, value, expected):
    owner = desk.membership(desk.people.owner)
    data = {"recipient": owner.pk, "caller_name": "Mme Pivoine", "text": "Bonjour", "action": "call_back", "urgency": "normal", field: value}
    response = login(desk.agent).post(url("new_message"), data)
    assert response.status_code == 400
    assert expected in html.unescape(response.content.decode())
    assert not PhoneMessage.objects.exists()


def test_the_service_refuses_too_long_text_and_bad_phone_in_french(desk):
    with pytest.raises(ValidationError) as error:
        send(desk, text="x" * (TEXT_MAX + 5), caller_number="07 00")
    assert error.value.message_dict["text"] == ["Le message est trop long : 1000 caractères au plus (1005 saisis)."]
    assert error.value.message_dict["caller_number"][0].startswith("Saisissez un numéro français")


def test_it_reaches_the_recipients_phone_by_push_at_once(desk, django_capture_on_commit_callbacks):
    from maillon.notifications.models import PushSubscription

    PushSubscription.objects.create(user=desk.people.owner, endpoint="https://fcm.googleapis.com/fcm/send/abc", p256dh="k", auth="a")
    with mock.patch("maillon.notifications.tasks.send_push") as push, django_capture_on_commit_callbacks(execute=True):
        send(desk, urgency="urgent")
    note = Notification.objects.get(recipient=desk.people.owner)
    push.enqueue.assert_called_once_with(notification_id=note.pk)
