"""Figures against a hand count, the documents read back with the libraries that write them,
and who may read which report."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from maillon.accounts.roles import Role as OrgRole
from maillon.meetings.models import Meeting, Minutes, Outcome, Task
from maillon.meetings.tests.helpers import at, meeting, membership
from maillon.organisations.models import Federation, Organisation
from maillon.reports import figures, periods
from maillon.reports.figures import Scope
from maillon.spaces import services as spaces
from maillon.spaces.models import Role, SpaceMember, SpaceOrganisation
from maillon.testing import OrganisationFactory, QueryCounter, give_totp, make_member, pdf_text

pytestmark = pytest.mark.django_db
PERIOD = periods.bimonthly(2026, 3)  # May–June 2026
NOW = timezone.make_aware(timezone.datetime(2026, 6, 20, 12, 0))


def held(org, organiser, day, *, title, decisions=0, published=True, present=()):
    """A meeting of ``org`` on ``day`` (in the past), its minutes and decisions."""
    found = meeting(org, organiser, *present, title=title, start=at(2030, day.month, day.day, 14))
    start = at(day.year, day.month, day.day, 14)
    Meeting.objects.filter(pk=found.pk).update(start=start, end=start + timedelta(hours=2))
    minutes, _created = Minutes.objects.get_or_create(meeting=found, defaults={"organisation": org})
    if published:
        Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.PUBLISHED, published_at=start + timedelta(days=1))
    for n in range(decisions):
        outcome = Outcome.objects.create(organisation=org, minutes=minutes, item=1, kind=Outcome.Kind.DECISION, text=f"Décision {n + 1} de {title}")
        Outcome.objects.filter(pk=outcome.pk).update(created_at=start)
    for person in present:
        found.participants.filter(membership__user=person).update(attendance="present")
    return found


@pytest.fixture
def federation(people):
    federation = Federation.objects.create(name="Fédération des essais", slug="fede-essais")
    office = OrganisationFactory(name="Bureau fédéral", slug="bureau", kind=Organisation.Kind.FEDERATION)
    for org in (people.org, people.other_org, office):
        org.federations.add(federation)
    return federation, office


def test_a_federations_figures_equal_a_hand_count(people, federation):
    fed, office = federation
    coordo = make_member(people.org, OrgRole.COORDINATOR, username="coordo")
    other = make_member(people.other_org, OrgRole.COORDINATOR, username="coordo2")
    outside = OrganisationFactory(name="Hors fédération", slug="hors")
    stranger = make_member(outside, OrgRole.COORDINATOR, username="coordo3")
    held(people.org, coordo, date(2026, 5, 4), title="A", decisions=2, present=[people.owner, people.colleague])
    held(people.other_org, other, date(2026, 6, 10), title="B", decisions=1, published=False, present=[people.outsider])
    held(people.org, coordo, date(2026, 4, 28), title="Avant", decisions=5)  # before the period
    held(outside, stranger, date(2026, 5, 5), title="Ailleurs", decisions=3)  # not in the federation
    cancelled = held(people.org, coordo, date(2026, 5, 6), title="Annulée")
    Meeting.objects.filter(pk=cancelled.pk).update(cancelled_at=NOW)
    upcoming = meeting(people.org, coordo, title="Prochaine", start=at(2026, 7, 2, 10))
    Task.objects.create(organisation=people.org, meeting=upcoming, assignee=membership(people.owner, people.org), description="En retard",
                        due=date(2026, 6, 1))
    done = Task.objects.create(organisation=people.org, meeting=upcoming, assignee=membership(people.owner, people.org), description="Faite",
                               done=True)
    Task.objects.filter(pk=done.pk).update(done_at=timezone.make_aware(timezone.datetime(2026, 5, 20, 9)))
    scope = Scope.of_federation(fed, office)
    values = figures.flat(figures.compute(scope, PERIOD, now=NOW))
    extranet = ("posts", "comments", "kb_pages", "registrations", "mailings_sent", "mailing_messages_sent", "mailing_messages_failed",
                "mailing_unsubscribed")
    assert all(values.get(key, 0) == 0 for key in extranet)  # nothing written in spaces
    assert {key: values[key] for key in values if key not in extranet} == {"meetings_held": 2, "meetings_planned": 1, "present_people": 3, "present_organisations": 2,
                      "minutes_published": 1, "decisions": 3, "tasks_done": 1, "tasks_late": 1, "federation_organisations": 3}
    assert [m["value"] for m in figures.per_month(scope, PERIOD, now=NOW)] == [1, 1]
    assert [a["title"] for a in figures.actions(scope, PERIOD, now=NOW)] == ["A", "B"]


def test_a_spaces_figures_count_its_people_and_the_meetings_linked_to_it(world, monkeypatch):
    people = world.people
    spaces.invite_organisation(world.space, world.third, role=Role.READER, actor=world.host)
    link = world.space.organisations.get()
    spaces.answer_organisation(link, accept=True, actor=world.stranger)
    may = timezone.make_aware(timezone.datetime(2026, 5, 2, 9))
    SpaceMember.objects.filter(space=world.space).update(joined_at=may)
    SpaceOrganisation.objects.filter(space=world.space).update(accepted_at=may)
    linked = held(people.other_org, world.host, date(2026, 5, 12), title="Réunion du groupe", decisions=1)
    held(people.other_org, world.host, date(2026, 5, 13), title="Réunion interne")  # not the space's
    monkeypatch.setattr(figures, "SPACE_MEETINGS", [lambda space: Meeting.objects.filter(pk=linked.pk).values("pk")])
    values = figures.flat(figures.compute(Scope.of_space(world.space), PERIOD, now=NOW))
    assert values["meetings_held"] == 1 and values["decisions"] == 1
    assert values["space_members"] == 2 and values["space_organisations"] == 3  # other_org (host), org (owner), the third
    assert "federation_organisations" not in values


def test_a_space_member_reads_the_report_and_its_documents(world, login):
    from docx import Document
    from pptx import Presentation

    client = login(world.people.owner)
    index = client.get(f"/espaces/{world.space.slug}/rapports/").content.decode()
    assert "Rapports d’activité bimestriels" in index or "Rapports d'activité bimestriels" in index
    slug = periods.containing(timezone.localdate()).slug
    page = client.get(f"/espaces/{world.space.slug}/rapports/{slug}/")
    assert page.status_code == 200 and "Membres" in page.content.decode()
    pdf = client.get(f"/espaces/{world.space.slug}/rapports/{slug}/rapport.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "Groupe numérique" in pdf_text(pdf.content)
    deck = Presentation(io.BytesIO(client.get(f"/espaces/{world.space.slug}/rapports/{slug}/diaporama.pptx").content))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert len(deck.slides) == 10 and any("Chiffres clés" in t for t in texts) and any(t.startswith("2\n") for t in texts)
    assert any(shape.has_chart for shape in deck.slides[2].shapes)
    final = client.get(f"/espaces/{world.space.slug}/rapports/?debut=2026-01-01&fin=2026-12-31")
    assert final.status_code == 302
    word = Document(io.BytesIO(client.get(final["Location"] + "rapport.docx").content))
    assert any(p.text == "Actions" for p in word.paragraphs)
    note = Document(io.BytesIO(client.get(f"/espaces/{world.space.slug}/rapports/note-de-cadrage.docx").content))
    assert {"Contexte", "Objectifs", "Indicateurs"} <= {p.text for p in note.paragraphs}
    # A two-month report has no Word file, a final one no slides; a period that does not exist is a 404.
    assert client.get(f"/espaces/{world.space.slug}/rapports/{slug}/rapport.docx").status_code == 404
    assert client.get(f"/espaces/{world.space.slug}/rapports/2026-9/").status_code == 404
    bad = client.get(f"/espaces/{world.space.slug}/rapports/?debut=2026-12-01&fin=2026-01-01").content.decode()
    assert "avant" in bad


def test_non_members_get_nothing(world, login, people):
    for user in (people.colleague, world.stranger):
        client = login(user)
        for path in ("", "2026-3/", "2026-3/rapport.pdf", "note-de-cadrage.docx"):
            assert client.get(f"/espaces/{world.space.slug}/rapports/{path}").status_code == 404


def test_the_federation_office_reads_its_federations_report_only(people, federation, login):
    fed, office = federation
    director = make_member(office, OrgRole.DIRECTOR, sector_name=None, username="deleguee")
    give_totp(director)
    client = login(director)
    assert "Rapports" in client.get("/bureau/tableau-de-bord/").content.decode()
    assert client.get("/bureau/rapports/").status_code == 200
    with QueryCounter() as queries:
        page = client.get(f"/bureau/rapports/{fed.slug}/2026-3/")
    assert page.status_code == 200 and "Organisations de la fédération" in page.content.decode()
    assert len(queries) <= 22  # one or two per group of figures, attendance and next meetings, whatever the number of meetings
    assert client.get(f"/bureau/rapports/{fed.slug}/2026-3/diaporama.pptx").status_code == 200
    other = Federation.objects.create(name="Autre fédération", slug="autre-fede")
    assert client.get(f"/bureau/rapports/{other.slug}/2026-3/").status_code == 404
    # A social centre's director: not a federation office.
    centre_director = make_member(people.org, OrgRole.DIRECTOR, sector_name=None, username="dir-centre")
    give_totp(centre_director)
    assert login(centre_director).get("/essais/rapports/").status_code == 403
