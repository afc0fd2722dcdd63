"""« Mes congés » and the HR movements page cost the same whatever the history (issue 14): their
queries do not grow with the person's movements, and the simulator's form drawn once per process
is the form drawn on each visit."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.leave import services, views
from maillon.leave.forms import SimulatorForm
from maillon.leave.models import LeaveType
from maillon.testing import QueryCounter


@pytest.fixture
def cp(org):
    services.ensure_default_types(org)
    return LeaveType.objects.get(organisation=org, code="cp")


def _queries(client, path) -> int:
    client.get(path)
    with QueryCounter() as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_my_leave_and_the_movements_do_not_query_more_with_more_movements(people, login, cp):
    mine = Membership.objects.get(user=people.owner, organisation=people.org)
    services.add_correction(membership=mine, leave_type=cp, amount=Decimal("2"), reason="Reprise", actor=None)
    owner = login(people.owner)
    few = _queries(owner, "/essais/conges/")
    hr_client = login(people.with_role(Role.HR))
    few_hr = _queries(hr_client, "/essais/conges/equipe/mouvements/")
    for i in range(45):
        services.add_correction(membership=mine, leave_type=cp, amount=Decimal("0.5"), reason=f"Ajustement {i}", actor=None)
    owner = login(people.owner)
    assert _queries(owner, "/essais/conges/") == few <= 12
    assert _queries(owner, "/essais/conges/?page=3") == few
    page = owner.get("/essais/conges/?page=3").content.decode()
    assert "Reprise" in page and "Page 3 sur 3" in page
    hr_client = login(people.with_role(Role.HR))
    assert _queries(hr_client, "/essais/conges/equipe/mouvements/") == few_hr <= 12


def test_the_simulator_drawn_once_is_the_simulator_drawn_each_time(people, login, cp):
    types = services.active_types(people.org)
    form = SimulatorForm(None, types=types)
    views._EMPTY_SIMULATORS.clear()
    assert views._empty_simulator(form) == render_to_string("ui/partials/form.html", {"form": SimulatorForm(None, types=types)})
    # A renamed type is another form (the cache key holds the choices).
    cp.name = "Congés annuels"
    cp.save()
    renamed = SimulatorForm(None, types=services.active_types(people.org))
    assert "Congés annuels" in views._empty_simulator(renamed)
