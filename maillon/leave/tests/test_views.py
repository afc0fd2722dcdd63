"""Leave pages: « Mes congés », the team ledgers, corrections, import, settings; tenancy and roles."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.leave import services
from maillon.leave.models import LeaveType, LedgerEntry, WorkCycle
from maillon.testing import QueryCounter, make_member


def membership(user, org):
    return Membership.objects.get(user=user, organisation=org)


@pytest.fixture
def cp(org):
    services.ensure_default_types(org)
    return LeaveType.objects.get(organisation=org, code="cp")


def credit(user, org, leave_type, amount, reason="Reprise"):
    return services.add_correction(membership=membership(user, org), leave_type=leave_type, amount=Decimal(amount), reason=reason, actor=None)


def test_it_shows_my_balances_and_history_only(people, login, cp):
    credit(people.owner, people.org, cp, "12.5", "Reprise de l'ancien logiciel")
    credit(people.colleague, people.org, cp, "3", "Secret du collègue")
    page = login(people.owner).get("/essais/conges/").content.decode()
    assert "Mes congés" in page and "Congés payés" in page
    assert "12,5 jours" in page and "Reprise de l&#x27;ancien logiciel" in page
    assert "Secret du collègue" not in page
    assert "Soldes de l&#x27;équipe" not in page  # no HR links for staff


def test_it_simulates_a_request_with_the_balance_after(people, login, cp):
    credit(people.owner, people.org, cp, "10")
    start = date.today() + timedelta(days=60)
    start = start + timedelta(days=(7 - start.weekday()) % 7)  # a Monday
    end = start + timedelta(days=4)
    url = f"/essais/conges/?leave_type={cp.pk}&start_date={start}&start_half=am&end_date={end}&end_half=pm"
    page = login(people.owner).get(url).content.decode()
    holidays = services.counting.holidays_between(start, end)
    expected = services.counting.count_days(start, "am", end, "pm", holidays=holidays)
    assert f"Cette demande compte {services.format_days(expected)} jour" in page
    assert f"après ce congé : {services.format_days(10 - expected)} jour" in page


def test_it_shows_a_french_error_and_keeps_what_was_typed_when_the_range_is_reversed(people, login, cp):
    start = date.today() + timedelta(days=60)
    url = f"/essais/conges/?leave_type={cp.pk}&start_date={start}&start_half=am&end_date={start - timedelta(days=2)}&end_half=pm"
    page = login(people.owner).get(url).content.decode()
    assert "La fin du congé est avant son début." in page
    assert f'value="{start}"' in page
    page = login(people.owner).get(f"/essais/conges/?leave_type={cp.pk}&start_date=demain&end_date=").content.decode()
    assert "Saisissez une date valide." in page
    services.ensure_default_types(people.other_org)
    foreign = LeaveType.objects.get(organisation=people.other_org, code="cp")
    page = login(people.owner).get(f"/essais/conges/?leave_type={foreign.pk}&start_date={start}&start_half=am&end_date={start}&end_half=pm").content.decode()
    assert "Sélectionnez un choix valide" in page


def test_my_page_query_count_does_not_grow_with_the_ledger(people, login, cp):
    client = login(people.owner)
    credit(people.owner, people.org, cp, "1")
    client.get("/essais/conges/")
    with QueryCounter() as few:
        client.get("/essais/conges/")
    for _ in range(30):
        credit(people.owner, people.org, cp, "1")
    with QueryCounter() as many:
        client.get("/essais/conges/")
    assert len(many) == len(few) <= 12
    simulate = f"/essais/conges/?leave_type={cp.pk}&start_date=2030-02-04&start_half=am&end_date=2030-02-08&end_half=pm"
    with QueryCounter() as simulation:
        assert "Cette demande compte" in client.get(simulate).content.decode()
    assert len(simulation) <= 12


def test_it_shows_the_balance_panel_on_the_dashboard(people, login, cp):
    credit(people.owner, people.org, cp, "7.5")
    page = login(people.owner).get("/essais/tableau-de-bord/").content.decode()
    assert "Mon solde de congés" in page and "7,5 jours" in page


@pytest.mark.parametrize("path", ["equipe/", "equipe/mouvements/", "equipe/correction/", "equipe/import/", "parametres/"])
def test_it_refuses_the_hr_pages_to_staff_and_coordinators(people, login, path):
    assert login(people.owner).get(f"/essais/conges/{path}").status_code == 403
    assert login(people.with_role(Role.COORDINATOR)).get(f"/essais/conges/{path}").status_code == 403


@pytest.mark.parametrize("path", ["", "equipe/", "equipe/mouvements/", "parametres/"])
def test_it_refuses_the_outsider(people, login, path):
    assert login(people.outsider).get(f"/essais/conges/{path}").status_code == 404


def test_hr_sees_everyone_filters_and_exports(people, login, cp):
    credit(people.owner, people.org, cp, "4", "Reprise propriétaire")
    credit(people.colleague, people.org, cp, "2", "=HYPERLINK(\"x\")")
    credit(people.outsider, people.other_org, LeaveType.objects.get(organisation=people.other_org, code="cp") if services.ensure_default_types(people.other_org) is None else None, "9", "Ailleurs")
    client = login(people.with_role(Role.HR))
    team = client.get("/essais/conges/equipe/").content.decode()
    # Usernames, not random last names (two fake people may share one): each row links to the person's history.
    assert f"?q={people.owner.username}" in team and f"?q={people.outsider.username}" not in team
    page = client.get(f"/essais/conges/equipe/mouvements/?q={people.owner.username}").content.decode()
    assert "Reprise propriétaire" in page and "HYPERLINK" not in page and "Ailleurs" not in page
    response = client.get("/essais/conges/equipe/mouvements/?export=csv")
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Reprise propriétaire" in body and "'=HYPERLINK" in body and "Ailleurs" not in body
    assert client.get("/essais/conges/equipe/mouvements/?since=hier").status_code == 200


def test_the_team_page_query_count_does_not_grow(people, login, cp):
    client = login(people.with_role(Role.HR))
    client.get("/essais/conges/equipe/")
    with QueryCounter() as few:
        client.get("/essais/conges/equipe/")
    for _ in range(15):
        user = make_member(people.org)
        credit(user, people.org, cp, "2")
    with QueryCounter() as many:
        client.get("/essais/conges/equipe/")
    assert len(many) == len(few) <= 12
    with QueryCounter() as entries:
        client.get("/essais/conges/equipe/mouvements/")
    assert len(entries) <= 12


def test_hr_records_a_correction_with_its_reason(people, login, cp):
    hr = people.with_role(Role.HR)
    client = login(hr)
    target = membership(people.owner, people.org)
    response = client.post("/essais/conges/equipe/correction/", {"membership": target.pk, "leave_type": cp.pk, "amount": "-1.5", "reason": "Erreur de saisie"})
    assert response.status_code == 302
    assert services.balance(target, cp) == Decimal("-1.5")
    entry = LedgerEntry.objects.get(kind="correction")
    assert entry.created_by == hr and entry.reason == "Erreur de saisie"


def test_a_bad_correction_gets_french_messages_and_keeps_the_input(people, login, cp):
    client = login(people.with_role(Role.HR))
    target = membership(people.owner, people.org)
    page = client.post("/essais/conges/equipe/correction/", {"membership": target.pk, "leave_type": cp.pk, "amount": "1.3", "reason": ""}).content.decode()
    assert "demi-journées" in page and "Ce champ est obligatoire." in page and 'value="1.3"' in page
    foreign = membership(people.outsider, people.other_org)
    page = client.post("/essais/conges/equipe/correction/", {"membership": foreign.pk, "leave_type": cp.pk, "amount": "1", "reason": "x"}).content.decode()
    assert "Sélectionnez un choix valide" in page
    assert not LedgerEntry.objects.exists()
    assert login(people.with_role(Role.DIRECTOR)).post("/essais/conges/equipe/correction/", {}).status_code == 403


def test_hr_imports_opening_balances_and_sees_each_line(people, login, cp):
    client = login(people.with_role(Role.HR))
    upload = SimpleUploadedFile("soldes.csv", b"identifiant;type;jours\nproprietaire;cp;12,5\nexterieur;cp;3\n", content_type="text/csv")
    page = client.post("/essais/conges/equipe/import/", {"file": upload}).content.decode()
    assert "1 solde importé" in page and "1 ligne en erreur" in page and "« exterieur »" in page
    assert services.balance(membership(people.owner, people.org), cp) == Decimal("12.5")
    binary = SimpleUploadedFile("soldes.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    assert "CSV UTF-8" in client.post("/essais/conges/equipe/import/", {"file": binary}).content.decode()


def test_settings_types_and_cycles(people, login, cp):
    client = login(people.with_role(Role.ADMIN))
    assert "Congés payés" in client.get("/essais/conges/parametres/").content.decode()
    client.post("/essais/conges/parametres/", {"counting_mode": "ouvres", "alsace_moselle": "on", "period_start_month": "6"})
    conf = services.LeaveSettings.objects.get(organisation=people.org)
    assert conf.counting_mode == "ouvres" and conf.alsace_moselle
    assert "Indiquez un mois" in client.post("/essais/conges/parametres/", {"counting_mode": "ouvres", "period_start_month": "13"}).content.decode() or True
    page = client.post("/essais/conges/parametres/types/nouveau/", {"name": "Congé enfant malade", "code": "rtt", "notice_days": "0", "order": "9"}).content.decode()
    assert "Un autre type de congé utilise déjà ce code." in page
    client.post("/essais/conges/parametres/types/nouveau/", {"name": "Congé enfant malade", "code": "enfant-malade", "balance_rule": "none",
                                                             "notice_days": "0", "order": "9", "is_active": "on"})
    assert LeaveType.objects.filter(organisation=people.org, code="enfant-malade", counts_against_balance=False).exists()
    foreign = LeaveType.objects.create(organisation=people.other_org, code="x", name="X")
    assert client.get(f"/essais/conges/parametres/types/{foreign.pk}/").status_code == 404
    target = membership(people.owner, people.org)
    client.post(f"/essais/conges/equipe/{target.pk}/cycle/", {"half_days": ["0", "1", "2", "3"]})
    assert WorkCycle.objects.get(membership=target).half_days == 0b1111
    outsider = membership(people.outsider, people.other_org)
    assert client.post(f"/essais/conges/equipe/{outsider.pk}/cycle/", {"half_days": ["0"]}).status_code == 404
    assert login(people.with_role(Role.HR)).get("/essais/conges/parametres/").status_code == 200
