"""The Wagtail back office: the comms officer edits only its organisation's tree."""

from wagtail.models import Page

from maillon.accounts.models import Membership, RoleAssignment
from maillon.accounts.roles import Role
from maillon.content.editors import ensure_home
from maillon.content.models import HomePage


def test_it_gives_the_comms_officer_its_organisations_tree_only(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    home = ensure_home(people.org)
    other_home = ensure_home(people.other_org)
    comms.refresh_from_db()
    assert comms.has_perm("wagtailadmin.access_admin")
    client = login(comms)
    response = client.get("/essais/contenus/gerer/")
    assert response.status_code == 302 and response["Location"] == f"/cms/pages/{home.pk}/"
    assert client.get(f"/cms/pages/{home.pk}/").status_code == 200
    assert client.get(f"/cms/pages/add/content/sectionpage/{home.pk}/").status_code == 200
    # Another organisation's tree is refused, as if it did not exist (see test_cms_tenancy.py).
    assert client.get(f"/cms/pages/{other_home.pk}/edit/").status_code == 404
    assert client.get(f"/cms/pages/add/content/sectionpage/{other_home.pk}/").status_code == 404


def test_it_keeps_other_roles_out_of_the_back_office(people, login):
    ensure_home(people.org)
    for user in (people.owner, people.with_role(Role.DIRECTOR), people.with_role(Role.COORDINATOR), people.outsider):
        client = login(user)
        assert client.get("/essais/contenus/gerer/").status_code in {403, 404}
        # Refused outright: a redirect to the login page would send them back here, forever.
        assert client.get("/cms/").status_code == 403


def test_it_hides_the_back_office_link_from_other_roles(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    assert "Modifier l’intranet" in login(comms).get("/essais/tableau-de-bord/").content.decode()
    assert "Modifier l’intranet" not in login(people.owner).get("/essais/tableau-de-bord/").content.decode()


def test_it_removes_back_office_access_when_the_role_is_withdrawn(people):
    comms = people.with_role(Role.COMMUNICATION)
    ensure_home(people.org)
    membership = Membership.objects.get(user=comms, organisation=people.org)
    RoleAssignment.objects.filter(membership=membership, role=Role.COMMUNICATION).delete()
    comms = type(comms).objects.get(pk=comms.pk)
    assert not comms.has_perm("wagtailadmin.access_admin")


def test_it_scopes_a_comms_officer_of_another_organisation_to_its_own_tree(people):
    ensure_home(people.org)
    ensure_home(people.other_org)
    foreign_comms = people.with_role(Role.COMMUNICATION, organisation=people.other_org)
    from wagtail.permission_policies.pages import PagePermissionPolicy

    explorable = PagePermissionPolicy().explorable_instances(foreign_comms)
    homes = set(HomePage.objects.filter(pk__in=explorable.values("pk")).values_list("organisation__slug", flat=True))
    assert homes == {"autre"}
    assert not Page.objects.filter(pk__in=explorable.values("pk"), path__startswith=HomePage.objects.get(organisation=people.org).path).exists()


def test_it_links_wagtails_view_live_to_the_maillon_address(people):
    from maillon.content.tests.helpers import news

    page = news(people.org, "Fête de quartier")
    assert page.get_url() == "/essais/pages/fete-de-quartier/"
    assert ensure_home(people.org).get_url() == "/essais/accueil/"


def test_it_previews_a_draft_for_the_comms_officer(people, rf):
    from maillon.content.tests.helpers import news

    comms = people.with_role(Role.COMMUNICATION)
    draft = news(people.org, "Brouillon à relire", publish=False)
    request = rf.get("/cms/pages/preview/")
    request.user = comms
    request.organisation = request.membership = None
    request.csp_nonce = "x"
    response = draft.serve_preview(request, "")
    assert response.status_code == 200
    assert "Brouillon à relire" in response.content.decode() and "Aperçu" in response.content.decode()


def test_new_pages_get_ascii_addresses_unique_among_siblings(people):
    from maillon.content.tests.helpers import news, section

    first, second = news(people.org, "Fête de Noël à l'Élan"), news(people.org, "Fête de Noël à l'Élan")
    assert (first.slug, second.slug) == ("fete-de-noel-a-lelan", "fete-de-noel-a-lelan-2")
    assert second.maillon_url("essais") == "/essais/pages/fete-de-noel-a-lelan-2/"
    # A slug given by the editor is kept; a page elsewhere may reuse an address.
    home = ensure_home(people.org)
    from maillon.content.models import SectionPage

    given = home.add_child(instance=SectionPage(title="Été", slug="ete-2026", live=False))
    assert given.slug == "ete-2026"
    child = section(people.org, "Fête de Noël à l'Élan", parent=section(people.org, "Vie du centre"))
    assert child.slug == "fete-de-noel-a-lelan"
