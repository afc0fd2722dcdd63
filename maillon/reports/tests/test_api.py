"""The reports' API: a space's reports for its members only (404 for anyone else, whatever their
organisation), a federation's for its office (403 for another role, 404 for another federation),
the figures as JSON equal to the page's, the files downloadable; bad periods are French 404s."""

import io

import pytest
from django.test import Client
from django.utils import timezone
from pptx import Presentation

from maillon.accounts import services_tokens
from maillon.accounts.roles import Role as OrgRole
from maillon.organisations.models import Federation, Organisation
from maillon.reports import periods, services
from maillon.reports.figures import Scope
from maillon.testing import OrganisationFactory, give_totp, make_member

pytestmark = pytest.mark.django_db


def client_for(user, org=None):
    headers = {"Authorization": f"Bearer {services_tokens.create_token(user, 't').raw}"}
    return Client(headers={**headers, "X-Organisation": org} if org else headers)


def test_a_member_of_another_organisation_reads_the_spaces_report_and_its_files(world):
    owner = client_for(world.people.owner)  # of « Essais », in a space of « Autre centre »
    base = f"/api/v1/reports/spaces/{world.space.slug}"
    listed = owner.get(base)
    assert listed.status_code == 200 and listed.json()["name"] == "Groupe numérique"
    current = periods.containing(timezone.localdate())
    first = listed.json()["periods"][0]
    assert len(listed.json()["periods"]) == 6 and first["slug"] == current.slug and first["final"] is False
    assert first["page"].endswith(f"/espaces/{world.space.slug}/rapports/{current.slug}/")
    assert first["url"].endswith(f"{base}/{current.slug}")
    report = owner.get(f"{base}/{current.slug}").json()
    expected = services.build(Scope.of_space(world.space), current)
    assert report["figures"] == expected.values and report["figures"]["space_members"] == 2
    assert [s["key"] for s in report["sections"]] == [s["section"] for s in expected.sections]
    assert report["next_steps"] == expected.next_steps and len(report["months"]) == 2
    assert sorted(report["downloads"]) == ["diaporama.pptx", "rapport.pdf"]
    deck = owner.get(f"{base}/{current.slug}/diaporama.pptx")
    assert deck.status_code == 200 and len(Presentation(io.BytesIO(deck.content)).slides) == 10
    assert owner.get(f"{base}/{current.slug}/rapport.pdf")["Content-Type"] == "application/pdf"
    assert owner.get(f"{base}/{current.slug}/rapport.docx").status_code == 404  # two months: no Word file
    final = owner.get(f"{base}/2026-01-01_2026-12-31").json()
    assert final["period"]["final"] is True and sorted(final["downloads"]) == ["rapport.docx", "rapport.pdf"]


def test_nobody_outside_the_space_reads_anything_of_it(world):
    people = world.people
    paths = ["", "/2026-3", "/2026-3/rapport.pdf", "/2026-3/diaporama.pptx", "/2026-01-01_2026-06-30/rapport.docx"]
    # A colleague of the member (same organisation), a person of the owner's organisation, a third organisation.
    for user, org in ((people.colleague, "essais"), (people.outsider, "autre"), (world.stranger, None)):
        client = client_for(user, org)
        for path in paths:
            response = client.get(f"/api/v1/reports/spaces/{world.space.slug}{path}")
            assert response.status_code == 404 and "Groupe" not in response.content.decode(), (user, path)
    # A removed member loses it at once.
    from maillon.spaces.models import SpaceMember

    owner = client_for(people.owner)
    assert owner.get(f"/api/v1/reports/spaces/{world.space.slug}").status_code == 200
    SpaceMember.objects.filter(space=world.space, user=people.owner).delete()
    assert owner.get(f"/api/v1/reports/spaces/{world.space.slug}").status_code == 404


@pytest.mark.parametrize("period", ["2026-9", "2026-0", "1999-1", "abc", "2026-12-01_2026-01-01", "2020-01-01_2030-01-01",
                                    "2026-02-30_2026-03-01", "x" * 5000, "9" * 40])
def test_a_bad_period_is_a_french_404(world, period):
    response = client_for(world.people.owner).get(f"/api/v1/reports/spaces/{world.space.slug}/{period}")
    assert response.status_code == 404 and response.json()["detail"] in {
        "Cette période n’existe pas.", "La fin de la période est avant son début.", "Un rapport couvre cinq ans au plus."}, response.content


def test_the_federation_office_reads_its_federations_reports_only(people):
    federation = Federation.objects.create(name="Fédération des essais", slug="fede-essais")
    office = OrganisationFactory(name="Bureau fédéral", slug="bureau", kind=Organisation.Kind.FEDERATION)
    for org in (people.org, people.other_org, office):
        org.federations.add(federation)
    Federation.objects.create(name="Autre fédération", slug="autre-fede")
    director = make_member(office, OrgRole.DIRECTOR, sector_name=None, username="deleguee")
    give_totp(director)
    client = client_for(director, "bureau")
    listed = client.get("/api/v1/reports/federations").json()
    assert [f["name"] for f in listed] == ["Fédération des essais"]
    report = client.get("/api/v1/reports/federations/fede-essais/2026-3")
    assert report.status_code == 200 and report.json()["figures"]["federation_organisations"] == 3
    assert client.get("/api/v1/reports/federations/fede-essais/2026-3/diaporama.pptx").status_code == 200
    assert client.get("/api/v1/reports/federations/autre-fede/2026-3").status_code == 404
    # A social centre's director, a member of the office without the roles: 403, as the page.
    centre = make_member(people.org, OrgRole.DIRECTOR, sector_name=None, username="dir-centre")
    give_totp(centre)
    staff = make_member(office, sector_name=None, username="agent-bureau")
    for user, org in ((centre, "essais"), (staff, "bureau")):
        for path in ("", "/fede-essais/2026-3", "/fede-essais/2026-3/rapport.pdf"):
            assert client_for(user, org).get(f"/api/v1/reports/federations{path}").status_code == 403
