"""Members admin: who may see and change what, tenancy, last-admin rule, query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from maillon.accounts import services
from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.testing import QueryCounter, make_member, sector

LIST = "/essais/admin/membres/"


def membership_of(user, organisation):
    return Membership.objects.for_organisation(organisation).get(user=user)


def detail_url(membership):
    return f"/{membership.organisation.slug}/admin/membres/{membership.pk}/"


def roles_post(**overrides):
    data = {"sector": "", "job_title": "Animateur", "roles": ["staff"]}
    data.update(overrides)
    return data


PAGES = ["", "inviter/", "import/", "import/modele.csv", "{pk}/", "{pk}/desactiver/", "{pk}/reactiver/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.ADMIN, True), (Role.HR, True), (Role.DIRECTOR, False), (Role.COORDINATOR, False), (Role.STAFF, False)],
)
def test_it_opens_the_members_pages_to_admin_and_hr_only(people, login, page, role, allowed):
    user = people.with_role(role)
    target = membership_of(people.colleague, people.org)
    response = login(user).get(LIST + page.format(pk=target.pk))
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("page", PAGES)
def test_it_hides_the_members_pages_from_an_outsider(people, login, page):
    target = membership_of(people.colleague, people.org)
    admin_elsewhere = people.with_role(Role.ADMIN, organisation=people.other_org)
    assert login(admin_elsewhere).get(LIST + page.format(pk=target.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.COORDINATOR, Role.STAFF])
def test_it_refuses_every_change_to_other_roles(people, login, role):
    client = login(people.with_role(role))
    target = membership_of(people.colleague, people.org)
    assert client.post(detail_url(target), roles_post(roles=["staff", "hr"])).status_code == 404
    assert client.post(detail_url(target) + "desactiver/").status_code == 404
    assert client.post(LIST + "inviter/", {"first_name": "A", "last_name": "B", "email": "a@b.test", "roles": ["staff"]}).status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.roles == {"staff"}
    assert not AuditEntry.objects.filter(action__startswith="membership.").exists()


def test_it_answers_404_for_a_member_of_another_organisation_guessed_by_id(people, login):
    client = login(people.with_role(Role.ADMIN))
    foreign = membership_of(people.outsider, people.other_org)
    url = f"/essais/admin/membres/{foreign.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, roles_post(roles=["staff", "admin"])).status_code == 404
    assert client.post(url + "desactiver/").status_code == 404
    assert client.post(url + "invitation/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active and foreign.roles == {"staff"}


def test_it_lists_searches_and_filters_members(people, login):
    client = login(people.with_role(Role.HR))
    make_member(people.org, Role.COORDINATOR, sector_name="Cyber Espace", username="zoe", first_name="Zoé", last_name="Zébulon")
    page = client.get(LIST).content.decode()
    assert "Zébulon" in page and "proprietaire" in page
    assert people.outsider.username not in page

    found = client.get(LIST, {"q": "zébul"}).content.decode()
    assert "Zébulon" in found and "proprietaire" not in found
    assert "Zébulon" in client.get(LIST, {"q": "zoe@"}).content.decode()

    cyber = sector(people.org, "Cyber Espace")
    by_sector = client.get(LIST, {"sector": cyber.pk}).content.decode()
    assert "Zébulon" in by_sector and "proprietaire" not in by_sector

    by_role = client.get(LIST, {"role": "coordinator"}).content.decode()
    assert "Zébulon" in by_role and "collegue" not in by_role

    assert "Personne ne correspond" in client.get(LIST, {"q": "introuvable"}).content.decode()


def test_it_filters_active_and_deactivated_members(people, login):
    client = login(people.with_role(Role.ADMIN))
    Membership.objects.filter(user=people.colleague).update(is_active=False)
    assert "collegue" not in client.get(LIST).content.decode()
    inactive = client.get(LIST, {"status": "inactive"}).content.decode()
    assert "collegue" in inactive and "proprietaire" not in inactive
    assert "collegue" in client.get(LIST, {"status": "all"}).content.decode()


def test_it_paginates_by_25_with_a_constant_number_of_queries(people, login):
    client = login(people.with_role(Role.ADMIN))
    client.get(LIST)
    with QueryCounter() as few:
        client.get(LIST)
    for n in range(30):
        make_member(people.org, Role.COORDINATOR, username=f"membre{n:02}", last_name=f"Nom{n:02}")
    with QueryCounter() as many:
        response = client.get(LIST, {"role": "", "status": "active"})
    assert len(many) == len(few)
    assert len(many) <= 14
    assert response.context["page_obj"].paginator.num_pages == 2
    assert len(response.context["members"]) == 25
    assert "page=2" in response.content.decode()


def test_it_saves_roles_with_their_sectors_and_audits_it(people, login):
    client = login(people.with_role(Role.HR))
    target = membership_of(people.colleague, people.org)
    enfance, cyber = sector(people.org, "Secteur Enfance"), sector(people.org, "Cyber Espace")
    response = client.post(detail_url(target), roles_post(
        roles=["staff", "coordinator"], coordinator_sectors=[enfance.pk, cyber.pk], sector=cyber.pk, job_title="Coordinatrice",
    ))
    assert response.status_code == 302
    target.refresh_from_db()
    assigned = set(RoleAssignment.objects.filter(membership=target).values_list("role", "sector__name"))
    assert assigned == {("staff", None), ("coordinator", "Secteur Enfance"), ("coordinator", "Cyber Espace")}
    assert target.sector == cyber and target.job_title == "Coordinatrice"
    entry = AuditEntry.objects.get(action="membership.roles")
    assert entry.data == {"before": ["staff"], "after": ["coordinator@Cyber Espace", "coordinator@Secteur Enfance", "staff"]}
    assert AuditEntry.objects.filter(action="membership.update").exists()


def test_it_requires_a_sector_for_coordinator_and_supervisor(people, login):
    client = login(people.with_role(Role.ADMIN))
    target = membership_of(people.colleague, people.org)
    response = client.post(detail_url(target), roles_post(roles=["staff", "coordinator", "supervisor"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choisissez au moins un secteur pour le rôle de coordination." in page
    assert "Choisissez au moins un secteur pour le rôle d’encadrement." in page
    assert membership_of(people.colleague, people.org).roles == {"staff"}


def test_it_refuses_a_sector_of_another_organisation(people, login):
    client = login(people.with_role(Role.ADMIN))
    target = membership_of(people.colleague, people.org)
    foreign = sector(people.other_org, "Cyber Espace")
    response = client.post(detail_url(target), roles_post(roles=["coordinator"], coordinator_sectors=[foreign.pk], sector=foreign.pk))
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.sector.name == "Secteur Enfance" and target.roles == {"staff"}


def test_it_lets_only_an_admin_grant_or_remove_the_admin_role(people, login):
    hr = people.with_role(Role.HR)
    target = membership_of(people.colleague, people.org)
    response = login(hr).post(detail_url(target), roles_post(roles=["staff", "admin"]))
    assert response.status_code == 200
    assert "Seul·e un·e administrateur·rice peut attribuer ou retirer le rôle d’administration." in response.content.decode()
    assert membership_of(people.colleague, people.org).roles == {"staff"}

    admin = people.with_role(Role.ADMIN)
    other_admin = people.with_role(Role.ADMIN)
    other_admin_membership = membership_of(other_admin, people.org)
    response = login(hr).post(detail_url(other_admin_membership), roles_post(roles=["staff"]))
    assert response.status_code == 200
    assert membership_of(other_admin, people.org).has_role(Role.ADMIN)

    assert login(admin).post(detail_url(target), roles_post(roles=["staff", "admin"])).status_code == 302
    assert membership_of(people.colleague, people.org).has_role(Role.ADMIN)


def test_it_lets_hr_edit_an_admin_without_touching_the_admin_role(people, login):
    hr = people.with_role(Role.HR)
    admin = membership_of(people.with_role(Role.ADMIN), people.org)
    response = login(hr).post(detail_url(admin), roles_post(roles=["staff", "admin", "communication"]))
    assert response.status_code == 302
    assert membership_of(admin.user, people.org).roles == {"staff", "admin", "communication"}


def test_it_never_removes_the_last_active_admin(people, login):
    admin = people.with_role(Role.ADMIN)
    me = membership_of(admin, people.org)
    response = login(admin).post(detail_url(me), roles_post(roles=["staff"]))
    assert response.status_code == 200
    assert "dernier·ère administrateur·rice" in response.content.decode()
    assert membership_of(admin, people.org).has_role(Role.ADMIN)

    second = people.with_role(Role.ADMIN)
    assert login(admin).post(detail_url(me), roles_post(roles=["staff"])).status_code == 302
    assert not membership_of(admin, people.org).has_role(Role.ADMIN)
    # ``second`` is now the last admin and cannot drop the role either
    last = membership_of(second, people.org)
    response = login(second).post(detail_url(last), roles_post(roles=["staff"]))
    assert response.status_code == 200
    assert membership_of(second, people.org).has_role(Role.ADMIN)


def test_it_does_not_deactivate_the_last_active_admin(people):
    first = membership_of(people.with_role(Role.ADMIN), people.org)
    second = membership_of(people.with_role(Role.ADMIN), people.org)
    services.deactivate_member(second, actor=first.user, actor_membership=first)
    second.refresh_from_db()
    assert not second.is_active
    # ``first`` is the only active admin left: a deactivated admin does not count
    with pytest.raises(ValidationError, match="dernier·ère administrateur·rice"), translation.override("fr"):
        services.deactivate_member(first, actor=second.user, actor_membership=second)
    with pytest.raises(ValidationError):
        services.update_member(first, actor=first.user, actor_membership=first, roles={"staff": []}, sector=None, job_title="")
    first.refresh_from_db()
    assert first.is_active and Membership.objects.with_roles().get(pk=first.pk).has_role(Role.ADMIN)


def test_it_deactivates_after_confirmation_and_reactivates(people, login):
    hr = people.with_role(Role.HR)
    client = login(hr)
    target = membership_of(people.colleague, people.org)
    confirm = client.get(detail_url(target) + "desactiver/")
    assert confirm.status_code == 200 and "Oui, désactiver" in confirm.content.decode()
    target.refresh_from_db()
    assert target.is_active  # GET changes nothing

    assert client.post(detail_url(target) + "desactiver/").status_code == 302
    target.refresh_from_db()
    assert not target.is_active and target.deactivated_at is not None
    assert AuditEntry.objects.filter(action="membership.deactivate", target_id=str(target.pk)).exists()
    # The person no longer reaches the organisation
    assert login(people.colleague).get("/essais/tableau-de-bord/").status_code == 404

    client = login(hr)
    assert client.post(detail_url(target) + "reactiver/").status_code == 302
    target.refresh_from_db()
    assert target.is_active and target.deactivated_at is None
    assert AuditEntry.objects.filter(action="membership.reactivate").exists()


def test_it_does_not_let_anyone_deactivate_themselves(people, login):
    admin = people.with_role(Role.ADMIN)
    people.with_role(Role.ADMIN)
    me = membership_of(admin, people.org)
    response = login(admin).post(detail_url(me) + "desactiver/", follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_it_lets_only_an_admin_deactivate_an_admin(people, login):
    hr = people.with_role(Role.HR)
    admin = membership_of(people.with_role(Role.ADMIN), people.org)
    people.with_role(Role.ADMIN)
    login(hr).post(detail_url(admin) + "desactiver/")
    admin.refresh_from_db()
    assert admin.is_active
