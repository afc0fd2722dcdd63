"""The demo seeder: the groupement, its communes, eight with services, one support access; once."""

from types import SimpleNamespace

import pytest

from maillon.communes.demo import COMMUNES, GROUPEMENT_SLUG, SERVICE_SETS, seed_communes
from maillon.communes.models import Commune, CommuneService, SupportAccess

pytestmark = pytest.mark.django_db


def test_the_first_eight_communes_carry_the_services_and_the_support_access_once():
    context = SimpleNamespace(people={}, logins=[])
    seed_communes(context, count=len(SERVICE_SETS))
    communes = list(Commune.objects.filter(groupement__slug=GROUPEMENT_SLUG).select_related("organisation"))
    assert sorted(c.organisation.name for c in communes) == sorted(name for name, _population in COMMUNES[:len(SERVICE_SETS)])
    assert CommuneService.objects.values("organisation").distinct().count() == len(SERVICE_SETS)
    access = SupportAccess.objects.get()
    assert access.organisation.slug == "aubertin-sur-gimone" and access.user.username == "valdegers.coordination"
    assert {login.username for login in context.logins} == {"valdegers.coordination", "valdegers.direction"}
    again = SimpleNamespace(people={}, logins=[])
    seed_communes(again)  # loaded again: nothing more, the logins listed again
    assert Commune.objects.count() == len(SERVICE_SETS) and len(again.logins) == 2
