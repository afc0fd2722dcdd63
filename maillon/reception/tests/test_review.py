"""Regressions found by trying the reception desk as others will (issue 15 review): odd input,
people who should not see or change a message, filters that must keep working together."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maillon.reception import phones, services
from maillon.reception.models import PhoneMessage

from .helpers import url

STORED = re.compile(r"\+33[1-9][0-9]{8}", re.ASCII)


@pytest.mark.parametrize("typed", ["06١٢٣٤٥٦٧٨", "٠٦١٢٣٤٥٦٧٨", "０６１２３４５６７８", "+33 6 ١٢ ٣٤ ٥٦ ٧٨", "06 12 34 56 7⁸"])
def test_a_number_with_other_digits_than_0_to_9_is_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        phones.normalise(typed)
    assert error.value.messages[0].startswith("Saisissez un numéro français")


@given(st.text(alphabet=st.sampled_from("0123456789+ .-/()٠١٢٣٤٥٦٧٨٩０６²a"), max_size=25))
def test_whatever_is_typed_is_refused_or_stored_as_plus_33_and_nine_ascii_digits(typed):
    try:
        stored = phones.normalise(typed)
    except ValidationError:
        return
    assert stored == "" or STORED.fullmatch(stored), stored
    assert stored == "" or phones.display(stored).replace(" ", "").isascii()


@pytest.mark.django_db
def test_the_form_refuses_a_number_in_arabic_digits_and_keeps_nothing(desk, login):
    owner = desk.membership(desk.people.owner)
    response = login(desk.agent).post(url("new_message"), {
        "recipient": owner.pk, "caller_name": "Mme Pivoine", "caller_number": "06١٢٣٤٥٦٧٨", "text": "Rappeler.",
        "action": "call_back", "urgency": "normal"})
    assert response.status_code == 400
    assert "Saisissez un numéro français" in html.unescape(response.content.decode())
    assert not PhoneMessage.objects.exists()
    with pytest.raises(ValidationError):
        services.send_message(desk.membership(desk.agent), recipient=owner, caller_name="X", text="Y", caller_number="٠٦١٢٣٤٥٦٧٨")


@pytest.mark.django_db
def test_a_notice_in_the_history_counts_all_its_recipients_even_filtered_by_one_of_them(desk, login):
    from maillon.accounts.roles import Role

    owner = desk.membership(desk.people.owner)
    notice = services.send_notice(desk.membership(desk.agent), sector=owner.sector, visitor_name="Mme Capucine")
    assert notice.recipient_count >= 2  # the owner and the colleague of Secteur Enfance
    services.mark_notice_read(owner, notice)
    expected = f"Lu par 1 sur {notice.recipient_count}"
    for who, query in [(desk.agent, {"kind": "visites"}), (desk.agent, {"kind": "visites", "person": owner.pk}),
                       (desk.people.with_role(Role.DIRECTOR), {"kind": "visites", "person": owner.pk}),
                       (desk.people.owner, {"kind": "visites"}), (desk.people.colleague, {"kind": "visites"})]:
        page = login(who).get(url("history"), query).content.decode()
        assert "Mme Capucine" in page and expected in page, (who, query)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [{"day": "2026-13-45"}, {"sector": "abc"}, {"kind": "zzz"}])
def test_a_wrong_filter_says_so_and_the_other_filters_still_apply(desk, login, bad):
    services.send_message(desk.membership(desk.agent), recipient=desk.membership(desk.people.owner), caller_name="Mme Pivoine",
                          text="Rappeler.")
    services.send_message(desk.membership(desk.agent), recipient=desk.membership(desk.people.colleague), caller_name="M. Quillon",
                          text="Rappeler.")
    response = login(desk.agent).get(url("history"), {"person": desk.membership(desk.people.colleague).pk, **bad})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'class="field has-error"' in page
    assert "M. Quillon" in page and "Mme Pivoine" not in page


@pytest.mark.django_db
def test_the_pages_read_well_a_person_s_list_does_not_repeat_their_name_and_the_day_is_lowercase(desk, login):
    from django.utils import timezone
    from django.utils.formats import date_format

    from maillon.accounts.roles import Role

    owner = desk.membership(desk.people.owner)
    message = services.send_message(desk.membership(desk.agent), recipient=owner, caller_name="Mme Pivoine", text="Rappeler.")
    name = desk.people.owner.display_name
    own = html.unescape(login(desk.people.owner).get(url("history")).content.decode())
    assert "Mme Pivoine" in own and f"pour {name}" not in own
    agent = html.unescape(login(desk.agent).get(url("history")).content.decode())
    assert f"pour {name}" in agent
    weekday = date_format(timezone.localtime(message.created_at), "l")
    page = html.unescape(login(desk.people.owner).get(url("message", pk=message.pk)).content.decode())
    assert f", {weekday.lower()} " in page and f", {weekday.capitalize()} " not in page
    settings = login(desk.people.with_role(Role.DIRECTOR)).get(url("settings")).content.decode()
    assert f'href="{url("history")}">Annuler</a>' in settings


@pytest.mark.django_db
def test_a_double_tap_on_mark_handled_marks_it_once(desk):
    from maillon.audit.models import AuditEntry

    owner = desk.membership(desk.people.owner)
    sent = services.send_message(desk.membership(desk.agent), recipient=owner, caller_name="Mme Pivoine", text="Rappeler.")
    first, second = PhoneMessage.objects.get(pk=sent.pk), PhoneMessage.objects.get(pk=sent.pk)  # two requests, read at once
    services.mark_handled(owner, first, note="Rappelée à 15 h.")
    with pytest.raises(ValidationError) as error:
        services.mark_handled(owner, second, note="Rappelée, doublon.")
    assert error.value.message_dict["note"] == ["Ce message est déjà marqué traité."]
    stored = PhoneMessage.objects.get(pk=sent.pk)
    assert stored.handled_note == "Rappelée à 15 h." and stored.read_at and stored.delivered_at
    assert AuditEntry.objects.filter(action="reception.message.handled").count() == 1


@pytest.mark.django_db
def test_the_history_finds_a_caller_by_the_number_as_reception_types_it(desk, login):
    agent, owner = desk.membership(desk.agent), desk.membership(desk.people.owner)
    services.send_message(agent, recipient=owner, caller_name="M. Fontvieille", caller_number="06 98 76 54 32", text="Rappeler.")
    services.send_message(agent, recipient=owner, caller_name="Mme Pivoine", caller_number="01 44 55 66 77", text="Rappeler.")
    client = login(desk.agent)

    def found(q):
        page = client.get(url("history"), {"q": q}).content.decode()
        return {name for name in ("M. Fontvieille", "Mme Pivoine") if name in page}

    for typed in ["06 98 76 54 32", "0698765432", "+33 6 98 76 54 32", "0698", "98 76", "fontvieille 0698"]:
        assert found(typed) == {"M. Fontvieille"}, typed
    assert found("01 44") == {"Mme Pivoine"}
    assert found("07 00 00 00 00") == set()


@pytest.mark.django_db
def test_nobody_but_the_recipient_marks_or_reads_a_notice_or_message_by_guessing_ids(desk, login):
    """Pages and API, another organisation's agent (with either slug) and a colleague who is not a
    recipient: 404 every time, and nothing changes."""
    from .test_api import client_for, post

    owner = desk.membership(desk.people.owner)
    message = services.send_message(desk.membership(desk.agent), recipient=owner, caller_name="Mme Pivoine", text="Rappeler.")
    notice = services.send_notice(desk.membership(desk.agent), sector=desk.membership(desk.people.other_sector).sector)
    assert not notice.recipients.filter(membership__user__in=[desk.people.colleague, desk.outsider_agent]).exists()
    for user, org in ((desk.outsider_agent, "autre"), (desk.outsider_agent, "essais"), (desk.people.colleague, "essais")):
        client = login(user)
        for name, pk in (("message", message.pk), ("notice", notice.pk)):
            assert client.get(url(name, org=org, pk=pk)).status_code == 404, (user, org, name)
        for name, pk in (("message_handled", message.pk), ("message_delivered", message.pk), ("notice_delivered", notice.pk)):
            assert client.post(url(name, org=org, pk=pk), {"note": "x"}).status_code == 404, (user, org, name)
        api = client_for(user, org)
        for path in (f"messages/{message.pk}/read", f"messages/{message.pk}/delivered", f"messages/{message.pk}/handled",
                     f"notices/{notice.pk}/read", f"notices/{notice.pk}/delivered"):
            response = post(api, path)
            assert response.status_code == 404 and "detail" in response.json(), (user, org, path)
    stored = PhoneMessage.objects.get(pk=message.pk)
    assert (stored.delivered_at, stored.read_at, stored.handled_at) == (None, None, None)
    assert not notice.recipients.filter(delivered_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_member_who_has_left_is_not_a_recipient(desk, login):
    from maillon.accounts.models import Membership

    from .test_api import client_for, post

    gone = desk.membership(desk.people.colleague)
    Membership.objects.filter(pk=gone.pk).update(is_active=False)
    data = {"recipient": gone.pk, "caller_name": "Mme Pivoine", "text": "Rappeler.", "action": "call_back", "urgency": "normal"}
    response = login(desk.agent).post(url("new_message"), data)
    assert response.status_code == 400
    assert "Choisissez une personne de l'organisation." in html.unescape(response.content.decode())
    response = post(client_for(desk.agent), "messages", {"recipient": gone.pk, "caller_name": "X", "text": "Y"})
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == "Choisissez une personne de l'organisation."
    gone.is_active = False
    with pytest.raises(ValidationError):
        services.send_message(desk.membership(desk.agent), recipient=gone, caller_name="X", text="Y")
    notice = services.send_notice(desk.membership(desk.agent), sector=desk.membership(desk.people.owner).sector)
    assert not notice.recipients.filter(membership=gone).exists()
    assert not PhoneMessage.objects.exists()


@pytest.mark.django_db
def test_the_notice_confirmation_says_personne_or_personnes(desk, login):
    from maillon.accounts.models import Membership

    client = login(desk.agent)
    enfance = desk.membership(desk.people.owner).sector
    page = html.unescape(client.post(url("new_notice"), {"sector": enfance.pk}, follow=True).content.decode())
    assert "Avis envoyé à 2 personnes (Secteur Enfance)." in page
    Membership.objects.filter(user=desk.people.colleague, organisation=desk.org).update(is_active=False)
    page = html.unescape(client.post(url("new_notice"), {"sector": enfance.pk}, follow=True).content.decode())
    assert "Avis envoyé à 1 personne (Secteur Enfance)." in page and "personne(s)" not in page


@pytest.mark.django_db
def test_the_director_finds_the_messages_of_a_person_who_has_left(desk, login):
    from maillon.accounts.models import Membership
    from maillon.accounts.roles import Role

    gone = desk.membership(desk.people.colleague)
    services.send_message(desk.membership(desk.agent), recipient=gone, caller_name="M. Quillon", text="Rappeler.")
    services.send_message(desk.membership(desk.agent), recipient=desk.membership(desk.people.owner), caller_name="Mme Pivoine",
                          text="Rappeler.")
    Membership.objects.filter(pk=gone.pk).update(is_active=False)
    response = login(desk.people.with_role(Role.DIRECTOR)).get(url("history"), {"person": gone.pk})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and 'class="field has-error"' not in page
    assert "M. Quillon" in page and "Mme Pivoine" not in page
    assert f"{desk.people.colleague.display_name} (parti·e)" in page
