"""The audit log page for admins and the direction."""

import pytest

from maillon.accounts.roles import Role
from maillon.audit.services import record
from maillon.testing import QueryCounter


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DIRECTOR])
def test_admins_and_direction_read_the_organisations_log(people, login, role):
    record("leave.approve", actor=people.owner, organisation=people.org, target=people.owner)
    record("leave.approve", actor=people.outsider, organisation=people.other_org, target=people.outsider, data={"secret": 1})
    response = login(people.with_role(role)).get("/essais/admin/journal/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Journal d’audit" in page
    assert people.owner.get_full_name() in page
    assert people.outsider.get_full_name() not in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.HR, Role.COORDINATOR, Role.COMMUNICATION])
def test_other_roles_do_not_see_it(people, login, role):
    user = people.owner if role == Role.STAFF else people.with_role(role)
    assert login(user).get("/essais/admin/journal/").status_code == 404


def test_an_admin_of_another_organisation_does_not_see_it(people, login):
    admin_elsewhere = people.with_role(Role.ADMIN, organisation=people.other_org)
    assert login(admin_elsewhere).get("/essais/admin/journal/").status_code == 404


def test_the_nav_entry_shows_for_admins_only(people, login):
    assert "/essais/admin/journal/" in login(people.with_role(Role.ADMIN)).get("/essais/tableau-de-bord/").content.decode()
    assert "/essais/admin/journal/" not in login(people.owner).get("/essais/tableau-de-bord/").content.decode()


def test_it_filters_by_action(people, login):
    record("leave.approve", actor=people.owner, organisation=people.org, target=people.owner)
    record("room.book", actor=people.colleague, organisation=people.org, target=people.colleague)
    client = login(people.with_role(Role.ADMIN))
    page = client.get("/essais/admin/journal/?action=room.book").content.decode()
    assert people.colleague.get_full_name() in page
    assert people.owner.get_full_name() not in page
    assert '<option value="room.book" selected>' in page
    empty = client.get("/essais/admin/journal/?action=nothing.here").content.decode()
    assert "Aucune entrée pour cette action." in empty


def test_it_paginates_with_a_fixed_number_of_queries(people, login):
    client = login(people.with_role(Role.DIRECTOR))
    record("first.one", actor=people.owner, organisation=people.org)
    client.get("/essais/admin/journal/")
    with QueryCounter() as few:
        client.get("/essais/admin/journal/")
    for i in range(130):
        record(f"bulk.action{i % 2}", actor=people.owner, organisation=people.org, data={"i": i})
    with QueryCounter() as many:
        page = client.get("/essais/admin/journal/?action=bulk.action1").content.decode()
    assert len(many) == len(few) <= 14
    # 65 entries of that action: two pages, and the filter is kept in the links.
    assert "Page 1 sur 2" in page
    assert "?action=bulk.action1&amp;page=2" in page
    assert "Page 2 sur 2" in client.get("/essais/admin/journal/?action=bulk.action1&page=2").content.decode()
    assert "Page 1 sur 3" in client.get("/essais/admin/journal/").content.decode()
