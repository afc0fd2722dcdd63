"""The demo seeder: diagnostics and self-checks for the demo's communes, once."""

from maillon.diagnostic.demo import seed_diagnostic
from maillon.diagnostic.models import Diagnostic, SelfCheck
from maillon.organisations.models import Organisation
from maillon.testing import OrganisationFactory


def test_it_seeds_the_communes_once(db):
    for n in range(9):
        OrganisationFactory(name=f"Commune {n}", slug=f"commune-{n}", kind=Organisation.Kind.COMMUNE)
    seed_diagnostic(None)
    completed = Diagnostic.objects.filter(status=Diagnostic.Status.COMPLETED)
    assert completed.values("organisation").distinct().count() == 5  # two in three, one of them still a draft
    assert Diagnostic.objects.filter(status=Diagnostic.Status.DRAFT).count() == 1
    assert all(d.scores and d.completed_at for d in completed)
    assert SelfCheck.objects.count() > 5
    count = Diagnostic.objects.count()
    seed_diagnostic(None)
    assert Diagnostic.objects.count() == count
