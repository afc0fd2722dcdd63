"""Publications: the figures of the period (counted by hand), quotes only with consent, private
entries never in a narrative, the documents open, access, bad input, query counts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.audit.models import AuditEntry
from maillon.competencies import publications as services
from maillon.competencies.models import (
    Assessment,
    Competency,
    Domain,
    Edition,
    Entry,
    Framework,
    JobProfile,
    Level,
    Participant,
    Publication,
    Theme,
)
from maillon.notifications.models import Notification
from maillon.testing import QueryCounter, make_member, pdf_text

START, END = date(2027, 1, 1), date(2027, 2, 28)


class World:
    """A framework of the test organisation: four levels, two profiles, one domain of three
    competencies, two themes; a coordinator (editor), three participants and a colleague outside
    the group; entries added by each test."""

    def __init__(self, people):
        self.org = people.org
        self.framework = Framework.objects.create(organisation=self.org, name="Référentiel des médiateurs")
        self.levels = [Level.objects.create(framework=self.framework, position=i, name=name)
                       for i, name in enumerate(["découverte", "pratique", "maîtrise", "transmission"], start=1)]
        self.innovation = JobProfile.objects.create(framework=self.framework, name="Chargé d'innovation numérique", position=1)
        self.animation = JobProfile.objects.create(framework=self.framework, name="Chargé d'animation numérique", position=2)
        domain = Domain.objects.create(framework=self.framework, name="Médiation", position=1)
        self.c1, self.c2, self.c3 = (Competency.objects.create(framework=self.framework, domain=domain, code=f"M{i}", name=name, position=i,
                                                               created_at=datetime(2026, 1, 1, tzinfo=UTC))
                                     for i, name in enumerate(["Accompagner une démarche", "Animer un atelier", "Sécuriser un compte"], 1))
        self.c1.profiles.add(self.innovation, self.animation)
        self.c2.profiles.add(self.animation)
        self.c3.profiles.add(self.innovation)
        self.rights = Theme.objects.create(framework=self.framework, name="Accès aux droits")
        self.parents = Theme.objects.create(framework=self.framework, name="Parentalité")
        self.editor = people.with_role("coordinator")
        self.alice = make_member(self.org, first_name="Alice", last_name="Martin")
        self.bruno = make_member(self.org, first_name="Bruno", last_name="Petit")
        self.chloe = make_member(self.org, first_name="Chloé", last_name="Roux")
        self.participants = {}
        for user, profile in ((self.alice, self.innovation), (self.bruno, self.animation), (self.chloe, self.animation)):
            self.participants[user.pk] = Participant.objects.create(framework=self.framework, user=user, organisation=self.org,
                                                                    profile=profile, coordinator=self.editor)
        self.colleague = people.colleague  # same organisation, not in the group
        self.outsider = people.outsider  # another organisation

    def entry(self, author, day, *, visibility=Entry.Visibility.GROUP, draft=False, consent=False, competencies=(), themes=(), **text):
        entry = Entry.objects.create(framework=self.framework, author=author, organisation=self.org, occurred_on=day,
                                     title=text.pop("title", "Une entrée"), visibility=visibility, is_draft=draft, quote_consent=consent,
                                     **text)
        entry.competencies.set(competencies)
        entry.themes.set(themes)
        return entry


@pytest.fixture
def world(people):
    return World(people)


def _url(world, name, **kwargs):
    return reverse(f"competencies:{name}", kwargs={"org": world.org.slug, **kwargs})


# ---------------------------------------------------------------- the narrative's content


def test_narrative_counts_only_the_period_shared_entries(world):
    w = world
    w.entry(w.alice, date(2027, 1, 5), competencies=[w.c1, w.c2], themes=[w.rights])
    w.entry(w.alice, date(2027, 2, 28), competencies=[w.c1], themes=[w.rights, w.parents])
    w.entry(w.bruno, date(2027, 1, 20), competencies=[w.c1], themes=[w.parents])
    w.entry(w.chloe, date(2027, 2, 1))  # no theme, no competency
    # Not counted: private, for the coordinator only, a draft, outside the period.
    w.entry(w.chloe, date(2027, 1, 10), visibility=Entry.Visibility.PRIVATE, competencies=[w.c3], themes=[w.rights])
    w.entry(w.chloe, date(2027, 1, 11), visibility=Entry.Visibility.COORDINATOR, competencies=[w.c3])
    w.entry(w.bruno, date(2027, 1, 12), draft=True, competencies=[w.c3])
    w.entry(w.bruno, date(2026, 12, 31), competencies=[w.c3])
    w.entry(w.bruno, date(2027, 3, 1), competencies=[w.c3])

    body, figures = services.compile_narrative(w.framework, START, END)

    assert (figures["entries"], figures["people"]) == (4, 3)
    themes = {t["name"]: (t["entries"], t["people"]) for t in figures["themes"]}
    assert themes == {"Accès aux droits": (2, 1), "Parentalité": (2, 2), "": (1, 1)}
    competencies = {c["code"]: (c["entries"], c["people"]) for c in figures["competencies"]}
    assert competencies == {"M1": (3, 2), "M2": (1, 1)}  # M3 only in entries that do not count
    assert "M3" not in body
    assert "| M1 Accompagner une démarche | 3 | 2 |" in body
    assert "3 personnes ont partagé 4 entrées" in body or "3 people shared 4 entries" in body


def test_quotes_only_with_consent_and_never_from_private_entries(world):
    w = world
    w.entry(w.alice, date(2027, 1, 5), consent=True, themes=[w.rights], happened="Une famille a ouvert son espace CAF seule.",
            blocked="Le site était en panne.", tried="Un pas-à-pas imprimé.")
    w.entry(w.bruno, date(2027, 1, 6), consent=False, themes=[w.rights], happened="MOT-SANS-ACCORD au guichet.",
            blocked="OBSTACLE-SANS-ACCORD", title="TITRE-SANS-ACCORD")
    w.entry(w.chloe, date(2027, 1, 7), consent=True, visibility=Entry.Visibility.PRIVATE, happened="SECRET-PRIVE",
            title="TITRE-PRIVE")
    w.entry(w.chloe, date(2027, 1, 8), consent=True, visibility=Entry.Visibility.COORDINATOR, happened="SECRET-COORDINATION")
    w.entry(w.chloe, date(2027, 1, 9), consent=True, draft=True, happened="SECRET-BROUILLON")

    body, figures = services.compile_narrative(w.framework, START, END)

    assert "« Une famille a ouvert son espace CAF seule. »" in body
    assert "— Alice Martin, 5 janvier 2027" in body or "— Alice Martin, 5 January 2027" in body
    assert "Le site était en panne." in body and "Un pas-à-pas imprimé." in body
    for secret in ("SANS-ACCORD", "SECRET", "TITRE-PRIVE", "Bruno", "Chloé"):
        assert secret not in body
    assert figures["quotable"] == 1 and figures["obstacles"] == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["group", "private", "coordinator"]), st.booleans(), st.booleans(),
                               st.integers(min_value=-10, max_value=70), st.sampled_from([0, 1, 2])), max_size=12))
def test_figures_match_a_hand_count_whatever_the_entries(world, rows):
    w = world
    Entry.objects.filter(framework=w.framework).delete()
    authors = [w.alice, w.bruno, w.chloe]
    expected_entries, expected_people = 0, set()
    for index, (visibility, draft, consent, offset, who) in enumerate(rows):
        day = date.fromordinal(START.toordinal() + offset)
        w.entry(authors[who], day, visibility=visibility, draft=draft, consent=consent, competencies=[w.c1],
                happened=f"TEXTE-{index}-{visibility}-{draft}-{consent}")
        if visibility == "group" and not draft and START <= day <= END:
            expected_entries += 1
            expected_people.add(who)
    body, figures = services.compile_narrative(w.framework, START, END)
    assert figures["entries"] == expected_entries and figures["people"] == len(expected_people)
    for index, (visibility, draft, consent, offset, _who) in enumerate(rows):
        quoted = f"TEXTE-{index}-{visibility}-{draft}-{consent}" in body
        day = date.fromordinal(START.toordinal() + offset)
        assert not quoted or (visibility == "group" and not draft and consent and START <= day <= END)


def test_compiling_reads_the_same_number_of_queries_for_few_and_many_entries(world):
    w = world
    w.entry(w.alice, date(2027, 1, 5), consent=True, competencies=[w.c1], themes=[w.rights], happened="Un.")
    with QueryCounter() as few:
        services.compile_narrative(w.framework, START, END)
    for i in range(60):
        w.entry([w.alice, w.bruno, w.chloe][i % 3], date(2027, 1, 1 + i % 28), consent=i % 2 == 0, competencies=[w.c1, w.c2][: 1 + i % 2],
                themes=[w.rights, w.parents][: 1 + i % 2], happened=f"Texte {i}")
    with QueryCounter() as many:
        body, figures = services.compile_narrative(w.framework, START, END)
    assert figures["entries"] == 61
    assert len(many) == len(few) <= 6


# ---------------------------------------------------------------- framework publication and yearly note


def test_framework_publication_needs_an_edition_then_counts_practice_news_and_readiness(world):
    w = world
    with pytest.raises(Exception, match="édition|edition"):
        services.compile_framework(w.framework, date(2027, 1, 1), date(2027, 6, 30))
    Edition.objects.create(framework=w.framework, number=1, label="édition du semestre 1 2027", snapshot={})
    proposed = Competency.objects.create(framework=w.framework, domain=w.c1.domain, code="P1", name="Outiller un tiers-lieu",
                                         status=Competency.Status.PROPOSED, created_at=datetime(2026, 5, 1, tzinfo=UTC))
    created = Competency.objects.create(framework=w.framework, domain=w.c1.domain, code="N1", name="Former des bénévoles",
                                        created_at=datetime(2027, 3, 3, 12, tzinfo=UTC))
    w.entry(w.alice, date(2027, 1, 5), competencies=[w.c1])
    w.entry(w.alice, date(2027, 4, 5), competencies=[w.c1, w.c2])
    w.entry(w.bruno, date(2027, 6, 30), competencies=[w.c1])
    w.entry(w.chloe, date(2027, 2, 1), visibility=Entry.Visibility.PRIVATE, competencies=[w.c2, w.c3])
    w.entry(w.chloe, date(2027, 7, 1), competencies=[w.c3])
    alice, bruno, chloe = (w.participants[u.pk] for u in (w.alice, w.bruno, w.chloe))
    maitrise, pratique = w.levels[2], w.levels[1]
    Assessment.objects.create(participant=alice, competency=w.c1, level=maitrise)  # ready
    Assessment.objects.create(participant=bruno, competency=w.c1, level=w.levels[3], validated_level=w.levels[3])  # validated
    Assessment.objects.create(participant=chloe, competency=w.c2, level=maitrise, created_at=datetime(2027, 1, 1, tzinfo=UTC))
    Assessment.objects.create(participant=chloe, competency=w.c2, level=pratique, created_at=datetime(2027, 2, 1, tzinfo=UTC))

    body, figures, edition = services.compile_framework(w.framework, date(2027, 1, 1), date(2027, 6, 30))

    assert edition.number == 1 and "édition du semestre 1 2027" in body
    practised = {c["code"]: c["people"] for c in figures["competencies"]}
    assert practised == {"M1": 2, "M2": 1, "M3": 0, "P1": 0, "N1": 0}
    assert {n["code"] for n in figures["new"]} == {proposed.code, created.code}
    assert figures["ready"] == [{"code": "M1", "name": "Accompagner une démarche", "people": 1}]  # Chloé went back to « pratique »


def test_yearly_note_per_profile(world):
    w = world
    w.entry(w.alice, date(2027, 3, 5), competencies=[w.c1])
    w.entry(w.bruno, date(2027, 5, 5), competencies=[w.c1, w.c2])
    w.entry(w.chloe, date(2027, 8, 5), competencies=[w.c1])
    w.entry(w.chloe, date(2027, 9, 5), visibility=Entry.Visibility.PRIVATE, competencies=[w.c2])
    body, figures = services.compile_yearly_note(w.framework, date(2027, 1, 1), date(2027, 12, 31))
    profiles = {p["name"]: p for p in figures["profiles"]}
    innovation, animation = profiles["Chargé d'innovation numérique"], profiles["Chargé d'animation numérique"]
    assert (innovation["people"], innovation["entries"], animation["people"], animation["entries"]) == (1, 1, 2, 2)
    assert innovation["gaps"] == ["M3 Sécuriser un compte"]
    assert animation["gaps"] == []
    assert animation["top"][0] == {"name": "M1 Accompagner une démarche", "people": 2}
    assert "## Chargé d'animation numérique" in body


@pytest.mark.parametrize(("kind", "year", "number", "expected"), [
    ("narrative", 2027, 1, (date(2027, 1, 1), date(2027, 2, 28))),
    ("narrative", 2028, 1, (date(2028, 1, 1), date(2028, 2, 29))),
    ("narrative", 2027, 6, (date(2027, 11, 1), date(2027, 12, 31))),
    ("framework", 2027, 2, (date(2027, 7, 1), date(2027, 12, 31))),
    ("yearly_note", 2027, 1, (date(2027, 1, 1), date(2027, 12, 31))),
])
def test_periods(kind, year, number, expected):
    assert services.period_for(kind, year, number) == expected


@pytest.mark.parametrize(("kind", "year", "number"), [("narrative", 2027, 7), ("framework", 2027, 3), ("narrative", 1999, 1), ("x", 2027, 1)])
def test_periods_that_do_not_exist(kind, year, number):
    with pytest.raises(Exception):  # noqa: B017 - a ValidationError with a French message
        services.period_for(kind, year, number)


# ---------------------------------------------------------------- pages, documents, access


def _prepare(client, world, kind="narrative", year=2027, number=1):
    return client.post(_url(world, "publication_prepare"), {"framework": world.framework.pk, "kind": kind, "year": year, "number": number})


def test_editor_prepares_edits_publishes_and_the_group_is_told(world, login):
    w = world
    w.entry(w.alice, date(2027, 1, 5), consent=True, themes=[w.rights], competencies=[w.c1], happened="Atelier parents réussi.")
    client = login(w.editor)
    response = _prepare(client, w)
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(w, "publication_edit", pk=publication.pk)
    assert publication.status == "draft" and publication.figures["entries"] == 1
    response = client.post(_url(w, "publication_edit", pk=publication.pk), {"title": "Récit de janvier–février",
                                                                           "body": publication.body + "\n\nUn mot de la coordination."})
    assert response.status_code == 302
    # The group does not see a draft.
    assert login(w.alice).get(_url(w, "publication_detail", pk=publication.pk)).status_code == 404
    client = login(w.editor)
    page = client.get(_url(w, "publication_publish", pk=publication.pk))
    assert page.status_code == 200 and "3 participants" in page.content.decode()
    response = client.post(_url(w, "publication_publish", pk=publication.pk))
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.status == "published" and publication.published_by == w.editor
    assert AuditEntry.objects.filter(action="competencies.publication_published").count() == 1
    page = login(w.alice).get(_url(w, "publication_detail", pk=publication.pk))
    html = page.content.decode()
    assert page.status_code == 200 and "Un mot de la coordination." in html and "Atelier parents réussi." in html
    assert "<script" not in publication.body


def test_publishing_tells_the_group_after_commit(world, django_capture_on_commit_callbacks):
    w = world
    publication = services.prepare(w.framework, "narrative", START, END, user=w.editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(publication, user=w.editor)
    told = set(Notification.objects.filter(kind=services.NOTIFICATION_KIND).values_list("recipient_id", flat=True))
    assert told == {w.alice.pk, w.bruno.pk, w.chloe.pk}
    with pytest.raises(Exception, match="déjà|already"):
        services.publish(publication, user=w.editor)


def test_documents_open(world, login):
    from docx import Document

    w = world
    w.entry(w.alice, date(2027, 1, 5), consent=True, themes=[w.rights], competencies=[w.c1], happened="Atelier « parents » réussi — bravo.")
    publication = services.prepare(w.framework, "narrative", START, END, user=w.editor)
    client = login(w.editor)
    response = client.get(_url(w, "publication_download", pk=publication.pk, fmt="pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"/Type /Page" in response.content
    text = pdf_text(response.content)
    assert "Atelier" in text and "Alice Martin" in text and "M1 Accompagner une démarche" in text
    response = client.get(_url(w, "publication_download", pk=publication.pk, fmt="docx"))
    document = Document(io.BytesIO(response.content))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert publication.title in words and "Alice Martin" in words and "M1 Accompagner une démarche" in words
    assert client.get(_url(w, "publication_download", pk=publication.pk, fmt="exe")).status_code == 404


def test_framework_and_yearly_documents_open(world):
    from docx import Document

    w = world
    Edition.objects.create(framework=w.framework, number=1, label="édition du semestre 1 2027", snapshot={})
    for kind, start, end in (("framework", date(2027, 1, 1), date(2027, 6, 30)), ("yearly_note", date(2027, 1, 1), date(2027, 12, 31))):
        publication = services.prepare(w.framework, kind, start, end, user=w.editor)
        assert services.pdf(publication).startswith(b"%PDF")
        document = Document(io.BytesIO(services.docx(publication)))
        words = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
        assert publication.title in words and "M1 Accompagner une démarche" in words


def test_access(world, login, people):
    w = world
    draft = services.prepare(w.framework, "narrative", START, END, user=w.editor)
    published = services.prepare(w.framework, "yearly_note", date(2027, 1, 1), date(2027, 12, 31), user=w.editor)
    services.publish(published, user=w.editor)
    # A participant reads what is published, not drafts; cannot edit, publish or delete.
    client = login(w.alice)
    assert client.get(_url(w, "publication_detail", pk=published.pk)).status_code == 200
    for name in ("publication_detail", "publication_edit", "publication_publish", "publication_delete"):
        assert client.get(_url(w, name, pk=draft.pk)).status_code == 404
    assert client.post(_url(w, "publication_publish", pk=draft.pk)).status_code == 404
    assert client.get(_url(w, "publication_prepare")).status_code == 404
    index = client.get(_url(w, "publication_index")).content.decode()
    assert published.title in index and draft.title not in index
    draft.refresh_from_db()
    assert draft.status == "draft"
    # A colleague outside the group: nothing.
    client = login(w.colleague)
    for pk in (draft.pk, published.pk):
        assert client.get(_url(w, "publication_detail", pk=pk)).status_code == 404
        assert client.get(_url(w, "publication_download", pk=pk, fmt="pdf")).status_code == 404
    assert published.title not in client.get(_url(w, "publication_index")).content.decode()
    # Another organisation's people, guessing ids under their own organisation: 404.
    client = login(w.outsider)
    for pk in (draft.pk, published.pk, 999999):
        response = client.get(reverse("competencies:publication_detail", kwargs={"org": people.other_org.slug, "pk": pk}))
        assert response.status_code == 404
    # An editor of another organisation's framework does not edit this one.
    other_editor = people.with_role("coordinator", organisation=people.other_org)
    client = login(other_editor)
    assert client.post(reverse("competencies:publication_publish", kwargs={"org": people.other_org.slug, "pk": draft.pk})).status_code == 404


def test_published_is_frozen(world, login):
    w = world
    publication = services.prepare(w.framework, "narrative", START, END, user=w.editor)
    services.publish(publication, user=w.editor)
    client = login(w.editor)
    response = client.post(_url(w, "publication_edit", pk=publication.pk), {"title": "Autre", "body": "Autre"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title != "Autre"
    assert client.post(_url(w, "publication_delete", pk=publication.pk)).status_code == 400
    assert Publication.objects.filter(pk=publication.pk).exists()


@pytest.mark.parametrize("data", [
    {"kind": "narrative", "year": "2027", "number": "7"},
    {"kind": "framework", "year": "2027", "number": "3"},
    {"kind": "narrative", "year": "1999", "number": "1"},
    {"kind": "narrative", "year": "deux", "number": "1"},
    {"kind": "narrative", "year": "2027", "number": ""},
    {"kind": "nope", "year": "2027", "number": "1"},
    {"kind": "framework", "year": "2027", "number": "1"},  # no edition yet
    {"framework": "999999", "kind": "narrative", "year": "2027", "number": "1"},
])
def test_bad_input_to_prepare(world, login, data):
    client = login(world.editor)
    response = client.post(_url(world, "publication_prepare"), {"framework": world.framework.pk, **data})
    assert response.status_code == 200
    assert 'class="error' in response.content.decode() or "alert-error" in response.content.decode()
    assert not Publication.objects.exists()


def test_bad_input_to_edit(world, login):
    publication = services.prepare(world.framework, "narrative", START, END, user=world.editor)
    client = login(world.editor)
    for data in ({"title": "", "body": "x"}, {"title": "a" * 5000, "body": "x"}, {"title": "Bon", "body": "x" * 200_001},
                 {"title": "   ", "body": "x"}):
        response = client.post(_url(world, "publication_edit", pk=publication.pk), data)
        assert response.status_code == 200, data
        assert "alert-error" in response.content.decode() or 'class="error' in response.content.decode()
    publication.refresh_from_db()
    assert publication.title != "Bon"
    # NUL bytes are taken out of every request before it reaches the form (core.edge).
    response = client.post(_url(world, "publication_edit", pk=publication.pk), {"title": "Nul\x00", "body": "a\x00b"})
    publication.refresh_from_db()
    assert response.status_code == 302 and (publication.title, publication.body) == ("Nul", "ab")
    for bad in ("abc", "0", "99999999999999999999"):
        assert client.get(f"/{world.org.slug}/parcours/publications/{bad}/").status_code == 404


def test_publishing_an_empty_text_is_refused(world, login):
    publication = services.prepare(world.framework, "narrative", START, END, user=world.editor)
    Publication.objects.filter(pk=publication.pk).update(body="   ")
    response = login(world.editor).post(_url(world, "publication_publish", pk=publication.pk))
    assert response.status_code == 400 and "texte" in response.content.decode()


def test_list_and_detail_queries_do_not_grow(world, login):
    w = world
    client = login(w.alice)
    services.publish(services.prepare(w.framework, "narrative", START, END, user=w.editor), user=w.editor)
    client.get(_url(w, "publication_index"))
    with QueryCounter() as few:
        client.get(_url(w, "publication_index"))
    for number in range(2, 7):
        start, end = services.period_for("narrative", 2027, number)
        services.publish(services.prepare(w.framework, "narrative", start, end, user=w.editor), user=w.editor)
    with QueryCounter() as many:
        response = client.get(_url(w, "publication_index"))
    assert response.status_code == 200 and len(many) == len(few)


def test_a_space_member_of_another_organisation_who_takes_part_reads_the_publication(world, login, people):
    from maillon.spaces.models import Role as SpaceRole
    from maillon.spaces.models import Space, SpaceMember

    w = world
    space = Space.objects.create(name="Projet numérique", organisation=w.org)
    w.framework.space = space
    w.framework.save()
    SpaceMember.objects.create(space=space, user=w.outsider, role=SpaceRole.CONTRIBUTOR)
    publication = services.prepare(w.framework, "narrative", START, END, user=w.editor)
    services.publish(publication, user=w.editor)
    url = reverse("competencies:publication_detail", kwargs={"org": people.other_org.slug, "pk": publication.pk})
    client = login(w.outsider)
    assert client.get(url).status_code == 404  # a space member who does not take part
    Participant.objects.create(framework=w.framework, user=w.outsider, organisation=people.other_org)
    assert client.get(url).status_code == 200


def test_no_entry_text_leaks_from_other_frameworks(world):
    w = world
    other = Framework.objects.create(organisation=w.org, name="Autre")
    Entry.objects.create(framework=other, author=w.alice, organisation=w.org, occurred_on=date(2027, 1, 5), title="AUTRE",
                         visibility="group", is_draft=False, quote_consent=True, happened="AUTRE-CADRE")
    body, figures = services.compile_narrative(w.framework, START, END)
    assert figures["entries"] == 0 and "AUTRE" not in body
