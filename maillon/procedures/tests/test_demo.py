"""The demo data of procedures and leave: a leave approved then cancelled (days credited back), an
old request anonymised by the retention purge, a reliquat of paid leave."""

from types import SimpleNamespace

from maillon.leave.demo import seed_leave
from maillon.leave.models import LedgerEntry
from maillon.procedures.demo import DEMO_PASSWORD, seed
from maillon.procedures.models import PurgeRecord, Submission
from maillon.testing import give_totp, make_member

DEMO_PEOPLE = [("rh", "hr", None), ("directrice", "director", None), ("coordo.enfance", "coordinator", "Secteur Enfance"),
               ("coordo.jeunes", "coordinator", "Secteur Jeunes et Adolescents"), ("accueil", "reception", None),
               ("animateur", "staff", "Secteur Enfance")]


def test_the_demo_shows_a_cancelled_leave_and_an_anonymised_request(people, login):
    users = {name: make_member(people.org, role, sector_name=sector, username=name, password=DEMO_PASSWORD) for name, role, sector in DEMO_PEOPLE}
    context = SimpleNamespace(main=people.org, second=people.other_org, people=users)
    seed_leave(context)
    seed(context)
    cancelled = Submission.objects.get(status=Submission.Status.CANCELLED)
    assert cancelled.applicant == users["coordo.jeunes"]
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CANCEL, reference=f"procedures.submission:{cancelled.pk}").exists()
    purged = Submission.objects.get(anonymised_at__isnull=False)
    assert purged.applicant is None and purged.data == {}
    assert PurgeRecord.objects.get().action == "anonymise"
    give_totp(users["rh"])  # HR must have a second factor
    page = login(users["rh"]).get("/essais/demarches/suivi/").content.decode()
    assert "Annulée après validation" in page and "Anonymisée" in page
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CARRYOVER, membership__user=users["animateur"]).exists()


def test_the_demo_minibus_opens_the_order_of_mission_not_the_mileage_claim(people):
    from maillon.agenda.demo import seed_agenda, seed_resources
    from maillon.agenda.models import Allocation
    from maillon.procedures.models import BookingLink

    users = {name: make_member(people.org, role, sector_name=sector, username=name, password=DEMO_PASSWORD) for name, role, sector in DEMO_PEOPLE}
    context = SimpleNamespace(main=people.org, second=people.other_org, people=users)
    seed_resources(context)
    seed_agenda(context)
    seed_leave(context)
    seed(context)
    link = BookingLink.objects.select_related("submission__procedure", "resource").get()
    assert link.resource.name == "Minibus 9 places" and link.resource.waits_for_procedure
    order = link.submission
    assert order.procedure.template_key == "ordre-mission" and order.status == Submission.Status.PENDING
    assert order.data["vehicule"] == "Minibus 9 places" and order.data["destination"]
    assert [s.role for s in order.steps.filter(status="waiting")] == ["director"]  # the coordinator's own request; HR approved
    assert Allocation.objects.get(resource=link.resource, occurrence__event=link.event).status == Allocation.Status.AWAITING_PROCEDURE
