"""Lists are rows (primary line, secondary line, a status pill at the right), not tables turned
into cards with « Statut : » labels; their filters sit in one bar and a « Filtres » sheet."""

import re

from maillon.notifications.services import notify
from maillon.testing import make_member


def test_notifications_are_rows_with_a_pill_for_the_unread_ones(people, login):
    notify(people.owner, "Réunion déplacée", body="Jeudi 10 h au lieu de 9 h", organisation=people.org, email=False)
    notify(people.owner, "Compte-rendu publié", organisation=people.org, email=False)
    page = login(people.owner).get("/essais/notifications/").content.decode()
    rows = re.findall(r'<li class="row row-link is-unread">.*?</li>', page, re.S)
    assert len(rows) == 2
    assert 'class="row-primary"><a href="/essais/notifications/' in rows[0] and "Jeudi 10 h" in page
    assert all('<span class="status status-wait">nouveau</span>' in row for row in rows)
    assert "data-label" not in page and "<table" not in page


def test_the_staff_directory_is_rows_with_a_compact_filter_bar(people, login):
    make_member(people.org, username="camille.longue-adresse", email="camille.longue-adresse-electronique@centre-social-des-essais.test")
    page = login(people.owner).get("/essais/annuaire/equipe/").content.decode()
    assert page.count('<li class="row">') >= 4
    assert 'class="filter-bar"' in page and '<details class="sheet">' in page and "Filtres" in page
    assert "mailto:camille.longue-adresse-electronique@centre-social-des-essais.test" in page
    assert "Statut :" not in page and "data-label" not in page


def test_a_filter_sheet_counts_its_active_filters_and_opens_on_an_error(people, login):
    from maillon.accounts.roles import Role

    client = login(people.with_role(Role.HR))
    plain = client.get("/essais/conges/equipe/mouvements/").content.decode()
    assert '<details class="sheet">' in plain and "sheet-count" not in plain
    filtered = client.get("/essais/conges/equipe/mouvements/?kind=debit&q=Ana").content.decode()
    assert '<span class="sheet-count">1</span>' in filtered  # the search box is not a filter of the sheet
    wrong = client.get("/essais/conges/equipe/mouvements/?since=pas-une-date").content.decode()
    assert '<details class="sheet" open>' in wrong
