"""Every action confirms in a short sentence (ui/partials/messages.html): in the page without
JavaScript, a toast with it (maillon.js lifts success and info messages into a live region)."""

import pytest

pytestmark = pytest.mark.django_db


def test_marking_every_notification_read_confirms_it(people, login):
    client = login(people.owner)
    page = client.post("/essais/notifications/tout-lu/", follow=True).content.decode()
    assert '<div class="messages" role="status" data-toasts data-close-label="Fermer ce message">' in page
    assert '<p class="alert alert-success"><svg class="icon" aria-hidden="true">' in page and 'icons.svg#check"' in page
    assert "<span>Toutes les notifications sont marquées comme lues.</span>" in page


def test_a_settings_change_confirms_it_too(people, login):
    from maillon.accounts.roles import Role

    client = login(people.with_role(Role.ADMIN))
    form = {"name": "Centre social des Essais", "address": "", "siret": "", "primary_colour": "#1d4f91", "accent_colour": "#b8336a"}
    page = client.post("/essais/admin/organisation/", form, follow=True).content.decode()
    assert "alert-success" in page and "Les paramètres de l" in page
