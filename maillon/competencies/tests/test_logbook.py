"""The logbook's pages: writing an entry (tags, themes, drafts), the group's page, deleting,
the competency search box, a self-assessment and its signed, audited validation, a person's page,
bad input, other organisations, and the query budget (≤ 12 whatever the number of entries)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from maillon.accounts.models import Signature
from maillon.accounts.signing import verify
from maillon.audit.models import AuditEntry
from maillon.competencies import logbook
from maillon.competencies.models import (
    Assessment,
    Competency,
    Domain,
    Entry,
    Framework,
    JobProfile,
    Level,
    Participant,
    Theme,
)
from maillon.notifications.models import Notification
from maillon.testing import TEST_PASSWORD, QueryCounter, make_member, signed_in

BUDGET = 12


class World:
    """A framework of the test organisation: four levels, one profile, two domains of four
    competencies, a theme; a coordinator (editor), two participants coordinated by them."""

    def __init__(self, people):
        self.people = people
        self.org = people.org
        self.framework = Framework.objects.create(organisation=self.org, name="Référentiel des médiateurs")
        self.levels = [Level.objects.create(framework=self.framework, position=i, name=name)
                       for i, name in enumerate(["découverte", "pratique", "maîtrise", "transmission"], start=1)]
        self.profile = JobProfile.objects.create(framework=self.framework, name="Chargé d'animation numérique")
        first = Domain.objects.create(framework=self.framework, name="Médiation", position=1)
        second = Domain.objects.create(framework=self.framework, name="Animation", position=2)
        names = [(first, "M1", "Accompagner une démarche en ligne"), (first, "M2", "Sécuriser un compte"),
                 (second, "A1", "Animer un atelier numérique"), (second, "A2", "Accueillir un public éloigné")]
        self.competencies = [Competency.objects.create(framework=self.framework, domain=d, code=code, name=name, position=i)
                             for i, (d, code, name) in enumerate(names)]
        for c in self.competencies[:3]:
            c.profiles.add(self.profile)
        self.theme = Theme.objects.create(framework=self.framework, name="Accès aux droits")
        self.coordinator = people.with_role("coordinator")
        self.alice = make_member(self.org, first_name="Alice", last_name="Martin")
        self.bruno = make_member(self.org, first_name="Bruno", last_name="Petit")
        self.participant = Participant.objects.create(framework=self.framework, user=self.alice, organisation=self.org,
                                                      profile=self.profile, coordinator=self.coordinator)
        self.bruno_participant = Participant.objects.create(framework=self.framework, user=self.bruno, organisation=self.org,
                                                            profile=self.profile, coordinator=self.coordinator)

    def url(self, name, **kwargs):
        return reverse(f"competencies:{name}", kwargs={"org": self.org.slug, **kwargs})

    def entry(self, author, day=None, *, visibility=Entry.Visibility.GROUP, draft=False, competencies=(), themes=(), title="Une entrée"):
        entry = Entry.objects.create(framework=self.framework, author=author, organisation=self.org, occurred_on=day or date(2026, 11, 2),
                                     title=title, visibility=visibility, is_draft=draft, happened="Un atelier.")
        entry.competencies.set(competencies)
        entry.themes.set(themes)
        return entry


@pytest.fixture
def world(people):
    return World(people)


def entry_form(world, **changes):
    data = {"occurred_on": "2026-11-30", "title": "Atelier CAF", "happened": "Trois personnes sont venues.", "tried": "",
            "learned": "Prendre le temps.", "blocked": "", "competencies": [world.competencies[0].pk, world.competencies[2].pk],
            "themes": [world.theme.pk], "new_themes": "parentalité", "place": "Centre social", "audience": "parents",
            "visibility": "group", "quote_consent": "on", "action": "save"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- writing

def test_it_writes_an_entry_with_two_competency_tags_and_a_new_theme(world, client):
    client.force_login(world.alice)
    response = client.post(world.url("entry_new") + f"?referentiel={world.framework.pk}", entry_form(world))
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(world.url("entry", pk=entry.pk))
    assert (entry.author, entry.organisation, entry.is_draft, entry.visibility, entry.quote_consent) == (
        world.alice, world.org, False, "group", True)
    assert sorted(c.code for c in entry.competencies.all()) == ["A1", "M1"]
    assert sorted(t.name for t in entry.themes.all()) == ["Accès aux droits", "parentalité"]
    page = client.get(world.url("entry", pk=entry.pk)).content.decode()
    assert "Atelier CAF" in page and "Prendre le temps." in page


def test_it_keeps_a_draft_private_to_its_author(world, client):
    client.force_login(world.alice)
    client.post(world.url("entry_new"), entry_form(world, action="draft"))
    entry = Entry.objects.get()
    assert entry.is_draft
    client.force_login(world.bruno)
    assert client.get(world.url("entry", pk=entry.pk)).status_code == 404
    assert "Atelier CAF" not in client.get(world.url("entry_group")).content.decode()


def test_the_new_entry_form_opens_with_today(world, client):
    client.force_login(world.alice)
    page = client.get(world.url("entry_new")).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
    assert "data-competency-picker" in page and 'name="competencies"' in page


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Ce champ est obligatoire."),
    ({"title": "x" * 5000}, "title", "200 caractères"),
    ({"happened": "x" * 5001}, "happened", "5000 caractères"),
    ({"occurred_on": "2026-13-45"}, "occurred_on", "Saisissez une date valide."),
    ({"occurred_on": "2999-01-01"}, "occurred_on", "déjà passé"),
    ({"competencies": ["999999"]}, "competencies", "Sélectionnez un choix valide"),
    ({"competencies": ["abc"]}, "competencies", "Sélectionnez un choix valide"),
    ({"themes": ["-1"]}, "themes", "Sélectionnez un choix valide"),
    ({"visibility": "everyone"}, "visibility", "Sélectionnez un choix valide"),
    ({"new_themes": "a, b, c, d, e, f"}, "new_themes", "5 nouveaux thèmes au plus"),
    ({"new_themes": "x" * 130}, "new_themes", "120 caractères"),
])
def test_bad_input_gets_a_french_message_and_nothing_is_saved(world, client, changes, field, message):
    client.force_login(world.alice)
    response = client.post(world.url("entry_new"), urlencode(entry_form(world, **changes), doseq=True),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors.get(field, [])), response.context["form"].errors
    assert not Entry.objects.exists()


def test_a_null_character_is_taken_out_not_a_500(world, client):
    client.force_login(world.alice)
    response = client.post(world.url("entry_new"), urlencode(entry_form(world, title="a\x00b", place="\x00"), doseq=True),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Entry.objects.values_list("title", "place").get() == ("ab", "")


def test_a_competency_of_another_framework_is_refused(world, client):
    other = Framework.objects.create(organisation=world.org, name="Autre")
    foreign = Competency.objects.create(framework=other, domain=Domain.objects.create(framework=other, name="D"), name="Étrangère")
    client.force_login(world.alice)
    response = client.post(world.url("entry_new"), entry_form(world, competencies=[foreign.pk]))
    assert response.status_code == 400 and not Entry.objects.exists()


def test_only_participants_write(world, client, people):
    client.force_login(people.colleague)
    assert client.get(world.url("entry_new")).status_code == 404
    assert client.post(world.url("entry_new"), entry_form(world)).status_code == 404
    assert not Entry.objects.exists()


def test_the_author_edits_and_deletes_with_a_confirmation(world, client):
    entry = world.entry(world.alice, competencies=[world.competencies[1]])
    client.force_login(world.alice)
    response = client.post(world.url("entry_edit", pk=entry.pk), entry_form(world, title="Titre changé", competencies=[]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Titre changé" and not entry.competencies.exists()
    assert "Supprimer" in client.get(world.url("entry_delete", pk=entry.pk)).content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()  # the GET only asks
    client.post(world.url("entry_delete", pk=entry.pk))
    assert not Entry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("who", ["bruno", "coordinator", "colleague", "outsider"])
def test_nobody_else_edits_or_deletes_an_entry(world, client, people, who):
    entry = world.entry(world.alice)
    user = {"bruno": world.bruno, "coordinator": world.coordinator, "colleague": people.colleague, "outsider": people.outsider}[who]
    client.force_login(user)
    org = people.other_org.slug if who == "outsider" else world.org.slug
    for name in ("entry_edit", "entry_delete"):
        url = reverse(f"competencies:{name}", kwargs={"org": org, "pk": entry.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, entry_form(world)).status_code == 404
    assert Entry.objects.get(pk=entry.pk).title == "Une entrée"


def test_an_entry_of_another_organisation_is_a_404(world, client, people):
    entry = world.entry(world.alice)
    client.force_login(people.outsider)
    assert client.get(reverse("competencies:entry", kwargs={"org": people.other_org.slug, "pk": entry.pk})).status_code == 404
    assert client.get(world.url("entry", pk=entry.pk)).status_code == 404  # not a member: the tenancy's 404


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "1.5"])
def test_a_bad_framework_id_is_a_404(world, client, value):
    client.force_login(world.alice)
    assert client.get(world.url("home") + f"?referentiel={value}").status_code == 404


# ---------------------------------------------------------------- lists and search

def test_my_entries_newest_first_filtered_and_searched(world, client):
    old = world.entry(world.alice, date(2026, 6, 1), title="Permanence CAF", competencies=[world.competencies[0]])
    new = world.entry(world.alice, date(2026, 11, 1), title="Atelier tablette", competencies=[world.competencies[2]], themes=[world.theme])
    world.entry(world.bruno, title="Entrée de Bruno")
    client.force_login(world.alice)
    page = client.get(world.url("home")).content.decode()
    assert page.index(new.title) < page.index(old.title) and "Entrée de Bruno" not in page
    assert [e.pk for e in client.get(world.url("home"), {"competence": world.competencies[0].pk}).context["page_obj"]] == [old.pk]
    assert [e.pk for e in client.get(world.url("home"), {"theme": world.theme.pk}).context["page_obj"]] == [new.pk]
    assert [e.pk for e in client.get(world.url("home"), {"q": "tablette"}).context["page_obj"]] == [new.pk]
    assert client.get(world.url("home"), {"competence": "x", "q": "a\x00"}).status_code == 200


def test_the_group_page_lists_what_i_may_read_from_others(world, client):
    shared = world.entry(world.bruno, title="Partagée au groupe")
    world.entry(world.bruno, title="Pour le coordinateur", visibility=Entry.Visibility.COORDINATOR)
    world.entry(world.bruno, title="Privée", visibility=Entry.Visibility.PRIVATE)
    world.entry(world.alice, title="La mienne")
    client.force_login(world.alice)
    assert [e.pk for e in client.get(world.url("entry_group")).context["page_obj"]] == [shared.pk]
    client.force_login(world.coordinator)
    titles = {e.title for e in client.get(world.url("entry_group")).context["page_obj"]}
    assert titles == {"Partagée au groupe", "Pour le coordinateur", "La mienne"}


def test_the_competency_search_keeps_the_chosen_and_finds_others(world, client):
    client.force_login(world.alice)
    chosen = world.competencies[0]
    response = client.get(world.url("entry_competency_search"), {"competency_q": "atelier", "competencies": [chosen.pk, "x"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{chosen.pk}" checked' in page
    assert f'value="{world.competencies[2].pk}">' in page and f'value="{world.competencies[1].pk}"' not in page
    empty = client.get(world.url("entry_competency_search"), {"competency_q": "zzz\x00"}).content.decode()
    assert "Aucune autre compétence" in empty


def test_the_competency_search_is_for_participants(world, client, people):
    client.force_login(people.colleague)
    assert client.get(world.url("entry_competency_search"), {"competency_q": "atelier"}).status_code == 404


def test_someone_outside_every_framework_sees_an_empty_logbook(world, client, people):
    client.force_login(people.colleague)
    response = client.get(world.url("home"))
    assert response.status_code == 200 and "ne participez à aucun référentiel" in response.content.decode()


def _many_entries(world, count):
    themes = [Theme.objects.create(framework=world.framework, name=f"Thème {i}") for i in range(3)]
    for i in range(count):
        for author in (world.alice, world.bruno):
            world.entry(author, date(2026, 1, 1) + timedelta(days=i % 300), title=f"Entrée {i}",
                        competencies=world.competencies[i % 3:i % 3 + 2], themes=themes[: i % 3 + 1])


@pytest.mark.parametrize("count", [2, 40])
def test_the_logbook_pages_cost_the_same_whatever_the_number_of_entries(world, client, count):
    _many_entries(world, count)
    for i in range(3):
        assessment = logbook.assess(world.participant, world.competencies[i], world.levels[i])
        Assessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - timedelta(days=40 * i))
    client.force_login(world.alice)
    client.get(world.url("home"))  # the session and the caches warm
    for url in (world.url("home"), world.url("entry_group"), world.url("person", pk=world.participant.pk),
                world.url("person_assessments")):
        with QueryCounter() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) <= BUDGET, (url, len(queries), [q["sql"][:150] for q in queries.captured_queries])
    client.force_login(world.coordinator)
    client.get(world.url("entry_group"))
    for url in (world.url("entry_group"), world.url("person", pk=world.participant.pk), world.url("person_validations")):
        with QueryCounter() as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= BUDGET, (url, len(queries), [q["sql"][:150] for q in queries.captured_queries])


# ---------------------------------------------------------------- self-assessment and validation

def test_a_self_assessment_keeps_its_history_and_evidence(world, client):
    evidence = world.entry(world.alice, competencies=[world.competencies[0]])
    client.force_login(world.alice)
    url = world.url("person_assess", competency=world.competencies[0].pk)
    client.post(url, {"level": world.levels[0].pk, "note": "Je débute."})
    response = client.post(url, {"level": world.levels[1].pk, "evidence": [evidence.pk], "note": "Plus à l'aise."})
    assert response.status_code == 302
    history = list(Assessment.objects.filter(participant=world.participant).order_by("created_at", "pk"))
    assert [a.level.name for a in history] == ["découverte", "pratique"]
    assert list(history[1].evidence.all()) == [evidence]


@pytest.mark.parametrize("data", [{"level": "999"}, {"level": "x"}, {}, {"level": "LEVEL", "evidence": ["999"]},
                                  {"level": "LEVEL", "note": "x" * 2001}])
def test_a_bad_self_assessment_is_refused_with_a_message(world, client, data):
    data = {k: (str(world.levels[0].pk) if v == "LEVEL" else v) for k, v in data.items()}
    client.force_login(world.alice)
    response = client.post(world.url("person_assess", competency=world.competencies[0].pk), data)
    assert response.status_code == 400 and response.context["form"].errors
    assert not Assessment.objects.exists()


def test_someone_elses_entry_is_no_evidence(world):
    other = world.entry(world.bruno)
    with translation.override("fr"), pytest.raises(ValidationError, match="propre journal"):
        logbook.assess(world.participant, world.competencies[0], world.levels[0], evidence=[other])


def test_the_coordinator_validates_signed_audited_and_the_person_is_notified(world, django_capture_on_commit_callbacks):
    assessment = logbook.assess(world.participant, world.competencies[0], world.levels[1], note="Je pratique chaque semaine.")
    client = signed_in(world.coordinator)
    page = client.get(world.url("person_validations")).content.decode()
    assert "Alice Martin" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(world.url("person_validate", pk=assessment.pk),
                               {"level": world.levels[2].pk, "comment": "Vu en atelier.", "signature-password": TEST_PASSWORD})
    assert response.status_code == 302, response.context and response.context["form"].errors
    assessment.refresh_from_db()
    assert (assessment.validated_level, assessment.validated_by, assessment.validation_comment) == (world.levels[2], world.coordinator,
                                                                                                      "Vu en atelier.")
    signature = assessment.signature
    assert signature.signer == world.coordinator and signature.purpose == "competencies.validate"
    assert verify(signature, logbook.validation_content(assessment, world.levels[2], "Vu en atelier.")).ok
    audit = AuditEntry.objects.get(action="competencies.validate")
    assert audit.actor == world.coordinator and audit.data["signature"] == signature.code and audit.target_id == str(assessment.pk)
    note = Notification.objects.get(recipient=world.alice)
    assert "maîtrise" in note.title and note.url == world.url("person", pk=world.participant.pk)


def test_a_wrong_password_signs_nothing(world, client):
    assessment = logbook.assess(world.participant, world.competencies[0], world.levels[1])
    client.force_login(world.coordinator)
    response = client.post(world.url("person_validate", pk=assessment.pk), {"level": world.levels[1].pk, "signature-password": "nope"})
    assert response.status_code == 400
    assert "mot de passe" in " ".join(response.context["signature_form"].errors["password"])
    assessment.refresh_from_db()
    assert assessment.validated_at is None and not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action="competencies.validate").exists()


@pytest.mark.parametrize("who", ["alice", "bruno", "colleague", "director"])
def test_only_the_named_coordinator_validates(world, client, people, who):
    assessment = logbook.assess(world.participant, world.competencies[0], world.levels[1])
    user = {"alice": world.alice, "bruno": world.bruno, "colleague": people.colleague,
            "director": people.with_role("director")}[who]
    client = signed_in(user)
    url = world.url("person_validate", pk=assessment.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"level": world.levels[1].pk, "signature-password": TEST_PASSWORD}).status_code == 404
    assessment.refresh_from_db()
    assert assessment.validated_at is None


def test_a_validated_assessment_is_not_signed_twice(world, client):
    assessment = logbook.assess(world.participant, world.competencies[0], world.levels[1])
    client = signed_in(world.coordinator)
    url = world.url("person_validate", pk=assessment.pk)
    client.post(url, {"level": world.levels[1].pk, "signature-password": TEST_PASSWORD})
    client.post(url, {"level": world.levels[3].pk, "signature-password": TEST_PASSWORD})
    assessment.refresh_from_db()
    assert assessment.validated_level == world.levels[1] and Signature.objects.count() == 1


# ---------------------------------------------------------------- a person's page

def test_a_persons_page_shows_levels_by_month_gaps_and_entries_per_competency(world, client):
    now = timezone.now()
    first = logbook.assess(world.participant, world.competencies[0], world.levels[0])
    Assessment.objects.filter(pk=first.pk).update(created_at=now - timedelta(days=70))
    logbook.assess(world.participant, world.competencies[0], world.levels[2])
    logbook.assess(world.participant, world.competencies[1], world.levels[0])
    world.entry(world.alice, competencies=[world.competencies[0], world.competencies[2]], title="Entrée taguée")
    world.entry(world.alice, title="Privée", visibility=Entry.Visibility.PRIVATE, competencies=[world.competencies[0]])
    client.force_login(world.alice)
    response = client.get(world.url("person", pk=world.participant.pk))
    context = response.context
    months = context["months"]
    assert len(months) == 12 and months[-1].counts == [1, 0, 1, 0]  # M1 at « maîtrise », M2 at « découverte »
    first_month = [m.start for m in months].index(timezone.localdate(now - timedelta(days=70)).replace(day=1))
    assert months[first_month].counts == [1, 0, 0, 0] and months[first_month - 1].counts == [0, 0, 0, 0]
    assert [g["competency"].code for g in context["gaps"]] == ["M2", "A1"]  # below « pratique », not assessed
    per = {c.code: len(rows) for c, rows in context["by_competency"]}
    assert per == {"M1": 2, "A1": 1}
    page = response.content.decode()
    assert "<svg" in page and "<table" in page and "Écarts" in page
    client.force_login(world.coordinator)
    per = {c.code: len(rows) for c, rows in client.get(world.url("person", pk=world.participant.pk)).context["by_competency"]}
    assert per == {"M1": 1, "A1": 1}  # the private entry stays the author's


@pytest.mark.parametrize("who, status", [("alice", 200), ("coordinator", 200), ("director", 200), ("bruno", 404),
                                         ("colleague", 404)])
def test_who_opens_a_persons_page(world, client, people, who, status):
    user = {"alice": world.alice, "coordinator": world.coordinator, "director": people.with_role("director"),
            "bruno": world.bruno, "colleague": people.colleague}[who]
    client.force_login(user)
    assert client.get(world.url("person", pk=world.participant.pk)).status_code == status


def test_a_persons_page_of_another_organisation_is_a_404(world, client, people):
    other = Framework.objects.create(organisation=people.other_org, name="Autre")
    stranger = Participant.objects.create(framework=other, user=people.outsider, organisation=people.other_org)
    client.force_login(world.coordinator)
    assert client.get(world.url("person", pk=stranger.pk)).status_code == 404
    assert client.get(world.url("person", pk=999999)).status_code == 404


def test_levels_by_month_uses_the_validated_level_and_the_latest_by_each_months_end(world):
    levels = world.levels
    a = Assessment(participant=world.participant, competency=world.competencies[0], level=levels[0],
                   created_at=datetime(2026, 3, 10, tzinfo=UTC))
    b = Assessment(participant=world.participant, competency=world.competencies[0], level=levels[1], validated_level=levels[3],
                   created_at=datetime(2026, 5, 2, tzinfo=UTC))
    months = logbook.levels_by_month([b, a], levels, date(2026, 6, 15), months=5)
    assert [m.start.month for m in months] == [2, 3, 4, 5, 6]
    assert [m.counts for m in months] == [[0, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1]]
    january = logbook.levels_by_month([], levels, date(2027, 1, 3), months=3)
    assert [m.start for m in january] == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


# ---------------------------------------------------------------- navigation

def test_the_navigation_shows_the_logbook_to_participants_and_editors_only(world, client, people, django_capture_on_commit_callbacks):
    dashboard = reverse("dashboard", kwargs={"org": world.org.slug})
    link = f'href="{world.url("home")}"'
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = make_member(world.org, username="nouvelle")
        participation = Participant.objects.create(framework=world.framework, user=newcomer, organisation=world.org)
    client.force_login(newcomer)
    assert link in client.get(dashboard).content.decode()
    client.force_login(people.colleague)
    assert link not in client.get(dashboard).content.decode()
    client.force_login(world.coordinator)
    assert link in client.get(dashboard).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        participation.is_active = False
        participation.save()
    client.force_login(newcomer)
    assert link not in client.get(dashboard).content.decode()
