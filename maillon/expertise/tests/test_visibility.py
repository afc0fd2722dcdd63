"""Who finds whom: colleagues and people sharing a space, nobody else, never a hidden person."""

import pytest

from maillon.expertise import policies, services
from maillon.expertise.models import Declaration, Level
from maillon.spaces import services as space_services
from maillon.spaces.models import Role, SpaceMember

pytestmark = pytest.mark.django_db


def findable(user):
    return set(policies.findable_people(user).values_list("username", flat=True))


def found_in_search(client, **params):
    response = client.get("/competences/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_colleagues_and_people_sharing_a_space_and_nobody_else(directory):
    people = directory.people
    assert findable(people.owner) == {"proprietaire", "collegue", "autresecteur", "hote"}
    # The colleague is in no space: their own organisation only, not the host of « Autre centre ».
    assert findable(people.colleague) == {"proprietaire", "collegue", "autresecteur"}
    assert findable(directory.host) == {"hote", "exterieur", "proprietaire"}
    assert findable(directory.stranger) == {"etranger"}


def test_it_shows_in_search_only_the_people_one_may_find(directory, login):
    page = found_in_search(login(directory.people.owner), competence=directory.online.pk)
    assert directory.host.get_full_name() in page  # shares the space
    assert directory.people.colleague.get_full_name() in page  # a colleague
    # The host's colleague declared the same skill, but shares no space with the owner.
    assert directory.people.outsider.get_full_name() not in page
    assert "2 personnes trouvées." in page


def test_it_never_shows_a_person_of_an_organisation_sharing_no_space(directory, login, client):
    directory.third.federations.add(directory.federation)  # the same taxonomy, but no shared space
    client = login(directory.stranger)
    page = found_in_search(client)
    assert "Aucune compétence déclarée pour l’instant par les personnes de vos organisations" in page
    assert "Personne n’a été trouvé" in found_in_search(client, competence=directory.online.pk)
    for person in (directory.host, directory.people.owner, directory.people.outsider):
        assert client.get(f"/competences/personnes/{person.pk}/").status_code == 404


def test_it_never_finds_a_hidden_person(directory, login, client):
    services.set_hidden(directory.host, True)
    assert "hote" not in findable(directory.people.owner)
    client = login(directory.people.owner)
    assert directory.host.get_full_name() not in found_in_search(client, q="démarches")
    assert client.get(f"/competences/personnes/{directory.host.pk}/").status_code == 404
    assert directory.host.pk not in set(services.people_with_skills([directory.online.pk]).values_list("pk", flat=True))
    # The hidden person still sees their own page, and is found again once they come back.
    client.logout()
    assert login(directory.host).get(f"/competences/personnes/{directory.host.pk}/").status_code == 200
    services.set_hidden(directory.host, False)
    assert "hote" in findable(directory.people.owner)


def test_it_hides_and_shows_oneself_from_my_skills_page(directory, login):
    client = login(directory.host)
    response = client.post("/competences/mes-competences/visibilite/", {"hidden": "1"}, follow=True)
    assert "Vous êtes masqué·e" in response.content.decode()
    assert "hote" not in findable(directory.people.owner)
    client.post("/competences/mes-competences/visibilite/", {"hidden": "0"})
    assert "hote" in findable(directory.people.owner)


def test_a_removed_member_is_no_longer_found_at_once(directory):
    assert "hote" in findable(directory.people.owner)
    member = SpaceMember.objects.get(space=directory.space, user=directory.people.owner)
    space_services.remove_member(member, actor=directory.host)
    assert "hote" not in findable(directory.people.owner)
    assert "proprietaire" not in findable(directory.host)


def test_a_whole_organisation_in_a_space_makes_its_members_findable(directory):
    link = space_services.invite_organisation(directory.space, directory.people.org, role=Role.READER, actor=directory.host)
    assert "collegue" not in findable(directory.host)  # not accepted yet
    link.accepted_at = link.invited_at
    link.save(update_fields=["accepted_at"])
    assert {"collegue", "autresecteur"} <= findable(directory.host)
    assert "hote" in findable(directory.people.colleague)


@pytest.mark.parametrize("path", ["/competences/personnes/{pk}/", "/competences/mes-competences/{pk}/"])
def test_guessed_ids_are_404(directory, login, path):
    client = login(directory.stranger)
    last = Declaration.objects.order_by("-pk").first()
    for pk in (directory.people.colleague.pk, last.pk, 999_999):
        assert client.get(path.format(pk=pk)).status_code == 404
    assert client.post(f"/competences/mes-competences/{last.pk}/retirer/").status_code == 404
    assert Declaration.objects.filter(pk=last.pk).exists()


def test_the_contact_shows_the_address_only_when_accepted(directory, login):
    client = login(directory.people.owner)
    page = client.get(f"/competences/personnes/{directory.host.pk}/").content.decode()
    assert f"mailto:{directory.host.email}" in page
    directory.host_online.contactable = False
    directory.host_online.save()
    page = client.get(f"/competences/personnes/{directory.host.pk}/").content.decode()
    assert directory.host.email not in page
    assert "Cette personne n’a pas accepté d’être contactée" in page
    assert directory.host.email not in found_in_search(client)


def test_anonymous_people_go_to_the_login_page(client):
    assert client.get("/competences/").status_code == 302
    assert client.get("/competences/mes-competences/").status_code == 302


def test_people_with_skills_for_a_mailing_segment(directory):
    ids = set(services.people_with_skills([directory.online.pk]).values_list("username", flat=True))
    assert ids == {"hote", "exterieur"}  # the colleague did not accept to be contacted about it
    assert set(services.people_with_skills([directory.online.pk], contactable_only=False).values_list("username", flat=True)) == {
        "hote", "exterieur", "collegue"}
    assert set(services.people_with_skills([directory.online.pk, directory.tools.pk], min_level=Level.PRACTICE)
               .values_list("username", flat=True)) == {"hote", "exterieur", "collegue"}
    assert set(services.people_with_skills([directory.online.pk], visible_to=directory.people.owner)
               .values_list("username", flat=True)) == {"hote"}


def test_skills_of_for_the_directory_staff_page_leaves_hidden_people_out(directory):
    people = directory.people
    ids = [people.colleague.pk, people.owner.pk]
    assert [d.skill.name for d in services.skills_of(people.owner, ids)[people.colleague.pk]] == ["Outils collaboratifs",
                                                                                                     "Démarches en ligne"]
    assert services.skills_summary(people.owner, ids) == {
        people.colleague.pk: "Compétences : Outils collaboratifs (Pratique), Démarches en ligne (Notions)"}
    services.set_hidden(people.colleague, True)
    assert services.skills_of(people.owner, ids) == {}
    assert len(services.skills_of(people.colleague, ids)[people.colleague.pk]) == 2  # one's own, always
