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
