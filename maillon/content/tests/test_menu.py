"""The comms officer orders the menu's sections from Maillon (up / down), audited; nobody else."""

from wagtail.models import Page

from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.content.editors import ensure_home
from maillon.content.models import SectionPage
from maillon.content.tests.helpers import news, section


def menu_titles(org):
    home = ensure_home(org)
    return list(home.get_children().live().in_menu().values_list("title", flat=True))


def sections(org, *titles):
    pages = []
    for title in titles:
        page = section(org, title)
        Page.objects.filter(pk=page.pk).update(show_in_menus=True)
        pages.append(page)
    return pages


def test_the_comms_officer_moves_sections_up_and_down(people, login):
    vie, rh, docs = sections(people.org, "Vie du centre", "Ressources humaines", "Documents utiles")
    news(people.org, "Une actualité entre deux")  # news items are children of home too, never in the menu
    client = login(people.with_role(Role.COMMUNICATION))
    page = client.get("/essais/contenus/menu/").content.decode()
    assert page.index("Vie du centre") < page.index("Ressources humaines") < page.index("Documents utiles")
    assert "Monter « Vie du centre »" not in page and "Descendre « Documents utiles »" not in page
    response = client.post("/essais/contenus/menu/", {"page": docs.pk, "direction": "up"})
    assert response.status_code == 302 and response["Location"] == "/essais/contenus/menu/"
    assert menu_titles(people.org) == ["Vie du centre", "Documents utiles", "Ressources humaines"]
    client.post("/essais/contenus/menu/", {"page": vie.pk, "direction": "down"})
    assert menu_titles(people.org) == ["Documents utiles", "Vie du centre", "Ressources humaines"]
    # At an end: nothing moves; the addresses of the pages do not change.
    client.post("/essais/contenus/menu/", {"page": docs.pk, "direction": "up"})
    assert menu_titles(people.org) == ["Documents utiles", "Vie du centre", "Ressources humaines"]
    assert SectionPage.objects.get(pk=rh.pk).url_path.endswith("/ressources-humaines/")
    # The staff see the new order on the intranet's pages.
    home = login(people.colleague).get("/essais/accueil/").content.decode()
    assert home.index("Documents utiles") < home.index("Vie du centre") < home.index("Ressources humaines")
    entries = list(AuditEntry.objects.filter(action="content.menu.move").order_by("pk").values_list("data", flat=True))
    assert [e["direction"] for e in entries] == ["up", "down"]


def test_only_the_comms_officer_may_reorder(people, login):
    vie, rh = sections(people.org, "Vie du centre", "Ressources humaines")
    for user in (people.owner, people.with_role(Role.DIRECTOR), people.with_role(Role.COORDINATOR)):
        client = login(user)
        assert client.get("/essais/contenus/menu/").status_code == 403
        assert client.post("/essais/contenus/menu/", {"page": rh.pk, "direction": "up"}).status_code == 403
        assert "Réorganiser le menu" not in client.get("/essais/accueil/").content.decode()
    # Another organisation's member gets a 404, and its own comms officer cannot move our pages.
    assert login(people.outsider).post("/essais/contenus/menu/", {"page": rh.pk, "direction": "up"}).status_code == 404
    foreign_comms = people.with_role(Role.COMMUNICATION, organisation=people.other_org)
    assert login(foreign_comms).post("/autre/contenus/menu/", {"page": rh.pk, "direction": "up"}).status_code == 404
    assert menu_titles(people.org) == ["Vie du centre", "Ressources humaines"]
    assert not AuditEntry.objects.filter(action="content.menu.move").exists()


def test_bad_input_never_breaks_the_page(people, login):
    (vie,) = sections(people.org, "Vie du centre")
    hidden = section(people.org, "Hors menu")
    client = login(people.with_role(Role.COMMUNICATION))
    assert "Réorganiser le menu" in client.get("/essais/accueil/").content.decode()
    assert client.post("/essais/contenus/menu/", {"page": hidden.pk, "direction": "up"}).status_code == 404
    assert client.post("/essais/contenus/menu/", {"page": "abc", "direction": "up"}).status_code == 404
    response = client.post("/essais/contenus/menu/", {"page": vie.pk, "direction": "sideways"}, follow=True)
    assert response.status_code == 200 and "Cette rubrique n’est pas dans le menu." in response.content.decode()


def test_the_menu_page_costs_the_same_queries_with_more_sections(people, login, django_assert_max_num_queries):
    sections(people.org, "Un", "Deux")
    client = login(people.with_role(Role.COMMUNICATION))
    client.get("/essais/contenus/menu/")
    with django_assert_max_num_queries(14) as first:
        client.get("/essais/contenus/menu/")
    sections(people.org, "Trois", "Quatre", "Cinq", "Six")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert "Six" in client.get("/essais/contenus/menu/").content.decode()
