"""The framework's editing, editions, differences, import and export (framework.py and its pages)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillon.audit.models import AuditEntry
from maillon.competencies import framework as services
from maillon.competencies.models import Competency, Domain, Edition, Entry, Participant
from maillon.testing import QueryCounter, make_member

from .test_framework_world import world_fixture  # noqa: F401


def test_the_template_has_seed_004s_two_profiles_and_four_levels(world):
    data = services.snapshot(world.framework)
    assert [level["name"] for level in data["levels"]] == ["Découverte", "Pratique", "Maîtrise", "Transmission"]
    assert {profile["name"] for profile in data["profiles"]} == {"Chargé d'animation numérique", "Chargé d'innovation numérique"}
    competencies = [c for d in data["domains"] for c in d["competencies"]]
    assert 5 <= len(data["domains"]) <= 7 and 20 <= len(competencies) <= 30
    assert all(2 <= len(c["indicators"]) <= 3 and c["profiles"] for c in competencies)


def test_an_editor_adds_a_competency_with_profiles_and_indicators(world, client):
    client.force_login(world.coordinator)
    domain = world.framework.domains.first()
    response = client.post(world.url("competences/nouvelle/"), {
        "domain": domain.pk, "code": "NEW1", "name": "Animer un fablab", "description": "",
        "profiles": [world.profiles[1].pk], "indicators": "Ouvre le fablab seul\n\nForme un bénévole\n"})
    assert response.status_code == 302
    competency = Competency.objects.get(code="NEW1")
    assert [i.text for i in competency.indicators.all()] == ["Ouvre le fablab seul", "Forme un bénévole"]
    assert list(competency.profiles.all()) == [world.profiles[1]]
    page = client.get(world.url(f"?profil={world.profiles[1].pk}")).content.decode()
    assert "Animer un fablab" in page
    page = client.get(world.url(f"?profil={world.profiles[0].pk}")).content.decode()
    assert "Animer un fablab" not in page


def test_the_search_box_finds_a_competency_by_an_indicator_without_accents(world, client):
    client.force_login(world.participant_user)
    page = client.get(world.url("?q=hameconnage")).content.decode()
    assert "Repérer et prévenir les arnaques" in page and "Conduire un projet numérique" not in page
    assert "1 compétence correspond." in page


@pytest.mark.parametrize("data, message", [
    ({"name": "x" * 5000}, "200 caractères"),
    ({"name": "\x00\x00"}, "obligatoire"),
    ({"name": "Valable", "code": "INF1"}, "Une autre compétence de ce référentiel a ce code."),
    ({"name": "Valable", "domain": "999999999999"}, "Sélectionnez un choix valide"),
    ({"name": "Valable", "indicators": "y" * 400}, "300 caractères"),
])
def test_bad_input_gives_a_french_message(world, client, data, message):
    client.force_login(world.director)
    form = {"domain": world.framework.domains.first().pk, "code": "", "description": "", "indicators": "", **data}
    response = client.post(world.url("competences/nouvelle/"), form)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_bad_ids_are_404(world, client):
    client.force_login(world.director)
    for suffix in ("competences/999999999/", "niveaux/99999999999999999999/", "editions/999/", "participants/0/",
                   "editions/differences/?de=abc", "editions/differences/?a=99", "export.csv?edition=x"):
        assert client.get(world.url(suffix)).status_code == 404, suffix
    assert client.get("/essais/parcours/referentiel/99999999999999999999999/").status_code == 404


def test_a_used_competency_is_withdrawn_never_deleted_and_an_unused_one_is_deleted(world, client):
    used, unused = list(world.framework.competencies.all()[:2])
    entry = Entry.objects.create(framework=world.framework, author=world.participant_user, organisation=world.org,
                                 occurred_on=timezone.localdate(), title="Atelier")
    entry.competencies.add(used)
    client.force_login(world.director)
    confirm = client.get(world.url(f"competences/{used.pk}/retirer/"))
    assert "Retirer" in confirm.content.decode() and Competency.objects.filter(pk=used.pk).exists()
    client.post(world.url(f"competences/{used.pk}/retirer/"))
    client.post(world.url(f"competences/{unused.pk}/retirer/"))
    assert Competency.objects.get(pk=used.pk).status == Competency.Status.RETIRED
    assert not Competency.objects.filter(pk=unused.pk).exists()
    assert list(entry.competencies.all()) == [used]
    client.post(world.url(f"competences/{used.pk}/statut/"))
    assert Competency.objects.get(pk=used.pk).status == Competency.Status.ACTIVE


def test_a_participant_proposes_and_an_editor_accepts(world, client):
    client.force_login(world.participant_user)
    domain = world.framework.domains.last()
    client.post(world.url("proposer/"), {"domain": domain.pk, "name": "Animer un repair café", "description": "Vu samedi"})
    proposal = Competency.objects.get(name="Animer un repair café")
    assert proposal.status == Competency.Status.PROPOSED and proposal.proposed_by == world.participant_user
    assert "Animer un repair café" not in json.dumps(services.snapshot(world.framework), ensure_ascii=False)
    client.force_login(world.director)
    assert "Proposées à partir de la pratique" in client.get(world.url()).content.decode()
    client.post(world.url(f"competences/{proposal.pk}/statut/"))
    assert Competency.objects.get(pk=proposal.pk).status == Competency.Status.ACTIVE
    assert AuditEntry.objects.filter(action="competencies.competency_proposed").exists()


def test_domains_and_competencies_are_reordered(world, client):
    client.force_login(world.director)
    first, second = list(world.framework.domains.order_by("position", "pk")[:2])
    client.post(world.url(f"domaines/{second.pk}/deplacer/"), {"direction": "up"})
    assert list(world.framework.domains.order_by("position", "pk")[:2]) == [second, first]
    a, b = list(Competency.objects.filter(domain=first).order_by("position", "pk")[:2])
    client.post(world.url(f"competences/{a.pk}/deplacer/"), {"direction": "down"})
    assert list(Competency.objects.filter(domain=first).order_by("position", "pk")[:2]) == [b, a]


def test_a_domain_with_competencies_is_not_removed(world, client):
    client.force_login(world.director)
    domain = world.framework.domains.first()
    client.post(world.url(f"domaines/{domain.pk}/supprimer/"))
    assert Domain.objects.filter(pk=domain.pk).exists()


def test_participants_are_added_with_profile_and_coordinator_and_removed(world, client):
    client.force_login(world.director)
    response = client.post(world.url("participants/"), {"user": world.people.other_sector.pk, "profile": world.profiles[1].pk,
                                                        "coordinator": world.coordinator.pk})
    assert response.status_code == 302
    participant = Participant.objects.get(user=world.people.other_sector)
    assert participant.organisation == world.org and participant.coordinator == world.coordinator
    # Someone of another organisation who is not in the linked space cannot be added.
    response = client.post(world.url("participants/"), {"user": world.people.outsider.pk})
    assert response.status_code == 200 and not Participant.objects.filter(user=world.people.outsider).exists()
    client.post(world.url(f"participants/{participant.pk}/retirer/"))
    assert not Participant.objects.get(pk=participant.pk).is_active


def test_a_space_member_of_another_organisation_takes_part_for_their_organisation(world):
    world.share()
    participant = services.save_participant(world.framework, user=world.space_member, profile=None, actor=world.director)
    assert participant.organisation == world.third


# --- Editions ------------------------------------------------------------------------------


def test_editing_the_framework_never_changes_a_published_edition(world, client):
    client.force_login(world.director)
    client.post(world.url("editions/"), {"label": ""})
    edition = Edition.objects.get(framework=world.framework)
    frozen = json.loads(json.dumps(edition.snapshot))
    assert edition.number == 1 and edition.label.startswith("édition du semestre ")
    competency = world.framework.competencies.first()
    services.save_competency(world.framework, domain=competency.domain, name="Nom changé", competency=competency, indicators="Un seul")
    services.save_profile(world.framework, name="Renommé", profile=world.profiles[0])
    services.withdraw(world.framework.competencies.last(), actor=world.director)
    world.framework.domains.first().competencies.update(description="Changée")
    assert Edition.objects.get(pk=edition.pk).snapshot == frozen
    page = client.get(world.url("editions/1/")).content.decode()
    assert competency.name not in page or "Nom changé" not in page
    assert "Nom changé" not in page
    client.post(world.url("editions/"), {"label": "Édition de printemps"})
    second = Edition.objects.get(framework=world.framework, number=2)
    assert second.label == "Édition de printemps"
    changes = services.differences(edition.snapshot, second.snapshot)
    kinds = {(c.kind, c.what) for c in changes}
    assert {("changed", "competency"), ("removed", "competency"), ("added", "profile"), ("removed", "profile")} <= kinds
    diff = client.get(world.url("editions/differences/?de=1&a=2")).content.decode()
    assert "Nom changé" in diff and "Renommé" in diff


def test_the_default_label_follows_the_semester():
    from datetime import date

    assert services.default_label(date(2027, 9, 1)) == "édition du semestre 2 2027"
    assert services.default_label(date(2027, 3, 1)) == "édition du semestre 1 2027"


# --- Import and export ---------------------------------------------------------------------


def test_csv_and_json_exports_read_back_into_the_same_framework(world, client):
    client.force_login(world.participant_user)
    csv_text = client.get(world.url("export.csv")).content.decode("utf-8")
    json_text = client.get(world.url("export.json")).content.decode("utf-8")
    original = services.snapshot(world.framework)
    assert json.loads(json_text) == original
    for kind, content in (("csv", csv_text), ("json", json_text)):
        copy = services.create_framework(organisation=world.org, actor=world.director, name="Copie " + kind)
        services.save_level(copy, name="Découverte")
        services.import_file(copy, content.encode(), kind=kind, actor=world.director)
        again = services.snapshot(copy)
        strip = lambda data: [(d["name"], [(c["code"], c["name"], c["description"], sorted(c["profiles"]), c["indicators"])  # noqa: E731
                                           for c in d["competencies"]]) for d in data["domains"]]
        assert strip(again) == strip(original), kind
        # Importing the same file again changes nothing.
        services.import_file(copy, content.encode(), kind=kind, actor=world.director)
        assert strip(services.snapshot(copy)) == strip(original)


def test_a_formula_is_neutralised_in_the_csv_and_comes_back_intact(world):
    competency = world.framework.competencies.first()
    services.save_competency(world.framework, domain=competency.domain, competency=competency, name="=HYPERLINK(\"http://x\")",
                             code=competency.code, indicators="@SUM(A1)")
    text = services.export_csv(services.snapshot(world.framework))
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    copy = services.create_framework(organisation=world.org, actor=world.director, name="Copie")
    services.import_file(copy, text, kind="csv", actor=world.director)
    imported = copy.competencies.get(code=competency.code)
    assert imported.name == "=HYPERLINK(\"http://x\")"


def test_a_bad_csv_imports_nothing_and_reports_each_line_in_french(world, client):
    client.force_login(world.director)
    before = world.framework.competencies.count()
    content = ("domaine;code;competence;description;profils;indicateurs\n"
               "Nouveau domaine;N1;Une compétence neuve;;;\n"
               ";N2;Sans domaine;;;\n"
               "Nouveau domaine;N3;" + "x" * 500 + ";;;\n"
               "trop;court\n").encode()
    response = client.post(world.url("importer/"), {"file": SimpleUploadedFile("ref.csv", content, content_type="text/csv")})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ligne 3 : le domaine manque." in page
    assert "Ligne 4 : la compétence est trop longue (200 caractères au plus)." in page
    assert "Ligne 5 : 6 colonnes attendues." in page
    assert "Rien n&#x27;a été importé" in page or "Rien n'a été importé" in page
    assert world.framework.competencies.count() == before
    assert not world.framework.domains.filter(name="Nouveau domaine").exists()


@pytest.mark.parametrize("content, name, message", [
    (b"\x00\xff\xfe garbage", "x.json", "JSON valide"),
    (b"[1, 2]", "x.json", "« domains »"),
    (b'{"domains": [{"name": "D", "competencies": [{"name": ""}]}]}', "x.json", "Domaine 1, compétence 1 : la compétence manque."),
    (b"nom;autre\n", "x.csv", "La première ligne doit être les colonnes"),
    (b"", "x.csv", "Le fichier soumis est vide"),
    (b"hello", "x.txt", "Choisissez un fichier .csv ou .json."),
])
def test_bad_files_are_refused_with_a_french_message(world, client, content, name, message):
    client.force_login(world.director)
    before = world.framework.competencies.count()
    response = client.post(world.url("importer/"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert world.framework.competencies.count() == before


def test_an_import_that_fails_while_writing_changes_nothing(world):
    data = services.parse_csv("domaine;code;competence;description;profils;indicateurs\n"
                              "Neuf;Z1;Première;;;\nNeuf;Z2;Deuxième;;;\n")
    data["domains"][0]["competencies"][1]["code"] = "x" * 50  # slips past the parser on purpose
    with pytest.raises(ValidationError):
        services.import_json(world.framework, data, actor=world.director)
    assert not world.framework.competencies.filter(code="Z1").exists()


# --- Query counts --------------------------------------------------------------------------


def _grow(world, domains: int, per_domain: int) -> None:
    for d in range(domains):
        domain = services.save_domain(world.framework, name=f"Domaine en plus {d}")
        for c in range(per_domain):
            services.save_competency(world.framework, domain=domain, name=f"Compétence {d}-{c}", profiles=world.profiles,
                                     indicators=["Premier signe", "Deuxième signe", "Troisième signe"])


def test_the_framework_page_stays_within_12_queries_whatever_its_size(world, client):
    client.force_login(world.director)
    client.get(world.url())
    with QueryCounter() as few:
        assert client.get(world.url()).status_code == 200
    _grow(world, 4, 15)
    for person in [make_member(world.org, username=f"p{i}") for i in range(5)]:
        services.save_participant(world.framework, user=person, profile=world.profiles[1], actor=world.director)
    services.publish_edition(world.framework, actor=world.director)
    client.get(world.url())  # warm again: new members empty the organisation's cached lists
    with QueryCounter() as many:
        page = client.get(world.url())
    assert page.status_code == 200 and "Compétence 3-14" in page.content.decode()
    assert len(many) == len(few) and len(many) <= 12, [q["sql"] for q in many.captured_queries]
    client.force_login(world.participant_user)
    client.get(world.url())
    with QueryCounter() as reader:
        client.get(world.url())
    assert len(reader) <= 12, [q["sql"] for q in reader.captured_queries]


# --- Demo ------------------------------------------------------------------------------------


def test_the_demo_shares_the_template_with_six_people_of_both_organisations_once(people):
    from types import SimpleNamespace

    from maillon.accounts.roles import Role as OrgRole
    from maillon.competencies import demo_framework, policies
    from maillon.spaces.models import Space, SpaceMember

    main, second = people.org, people.other_org
    cast = {"directrice": people.with_role(OrgRole.DIRECTOR, sector_name=None), "animateur": people.owner,
            "coordo.enfance": people.with_role(OrgRole.COORDINATOR), "coordo.jeunes": people.with_role(OrgRole.COORDINATOR),
            "collegue": people.colleague, "autresecteur": people.other_sector,
            "arc.animatrice": people.outsider, "arc.directeur": make_member(second, OrgRole.DIRECTOR, sector_name=None)}
    space = Space.objects.create(slug=demo_framework.SPACE_SLUG, name="Numérique et accès aux droits", organisation=main)
    for username in ("arc.animatrice", "arc.directeur"):
        SpaceMember.objects.create(space=space, user=cast[username], organisation=second, role="contributor")
    context = SimpleNamespace(main=main, second=second, people=cast)
    demo_framework.seed(context)
    demo_framework.seed(context)  # loaded again: nothing more
    framework = demo_framework.demo_framework(context)
    participants = list(Participant.objects.filter(framework=framework).select_related("profile"))
    assert len(participants) == 6 and all(p.coordinator_id for p in participants)
    assert sorted(p.profile.name for p in participants).count("Chargé d'animation numérique") == 3
    assert {p.organisation_id for p in participants} == {main.pk, second.pk}
    assert framework.editions.count() == 1 and framework.space == space
    assert policies.can_view(context.people["arc.mediateur"], framework)
