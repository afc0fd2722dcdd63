"""Pages of each organisation: served only to its members, news on the home page and dashboard."""

import json

from maillon.accounts.roles import Role
from maillon.content.editors import ensure_home
from maillon.content.tests.helpers import document, news, section
from maillon.notifications.models import Notification
from maillon.testing import QueryCounter


def test_it_shows_published_news_on_the_home_page_and_dashboard(people, login):
    news(people.org, "Fête de quartier samedi", intro="Venez nombreux")
    news(people.org, "Brouillon secret", publish=False)
    news(people.other_org, "Nouvelle d'ailleurs")
    client = login(people.colleague)
    for url in ("/essais/accueil/", "/essais/tableau-de-bord/", "/essais/actualites/"):
        page = client.get(url).content.decode()
        assert "Fête de quartier samedi" in page, url
        assert "Brouillon secret" not in page
        assert "Nouvelle d'ailleurs" not in page
        assert "Actualités" in page


def test_it_serves_a_section_only_to_members_of_its_organisation(people, login):
    section(people.org, "Vie du centre")
    other = section(people.other_org, "Rubrique d'ailleurs")
    assert "Vie du centre" in login(people.owner).get("/essais/pages/vie-du-centre/").content.decode()
    assert login(people.outsider).get("/essais/pages/vie-du-centre/").status_code == 404
    # The other organisation's page is not reachable through this organisation's prefix...
    assert login(people.owner).get("/essais/pages/rubrique-dailleurs/").status_code == 404
    # ...nor through Wagtail's own catch-all.
    assert login(people.owner).get(other.url_path).status_code == 404
    assert login(people.owner).get("/org-autre/rubrique-dailleurs/").status_code == 404


def test_it_sanitises_rich_text_and_renders_blocks(people, login):
    document(people.org, "Fiche de paie mode d'emploi", category_name="RH")
    document(people.org, "Grille secrète", roles=",hr,", category_name="RH")
    body = json.dumps([
        {"type": "text", "value": '<p>Bonjour <script>alert(1)</script><a href="javascript:alert(1)">lien</a></p>'},
        {"type": "callout", "value": {"title": "À savoir", "text": "Fermé en août", "tone": "warning"}},
        {"type": "documents", "value": {"title": "Documents RH", "category": "RH"}},
        {"type": "links", "value": [{"label": "Uniformation", "url": "https://www.uniformation.fr/"}]},
        {"type": "procedure", "value": {"label": "Faire une note de frais", "path": "demarches/"}},
    ])
    section(people.org, "Ressources humaines", body=body)
    page = login(people.owner).get("/essais/pages/ressources-humaines/").content.decode()
    assert "Bonjour" in page and "<script>alert" not in page and "javascript:" not in page
    assert "Fermé en août" in page and "Fiche de paie mode d&#x27;emploi" in page
    assert "Grille secrète" not in page
    assert "https://www.uniformation.fr/" in page and "/essais/demarches/" in page
    hr = people.with_role(Role.HR)
    assert "Grille secrète" in login(hr).get("/essais/pages/ressources-humaines/").content.decode()


def test_it_notifies_all_staff_once_of_an_important_news_item(people):
    page = news(people.org, "Fermeture exceptionnelle", important=True)
    recipients = set(Notification.objects.filter(title__contains="Fermeture exceptionnelle").values_list("recipient__username", flat=True))
    assert recipients == {"proprietaire", "collegue", "autresecteur"}
    page.save_revision().publish()
    assert Notification.objects.filter(title__contains="Fermeture exceptionnelle").count() == 3


def test_it_does_not_notify_for_an_ordinary_news_item(people):
    news(people.org, "Petite nouvelle")
    assert not Notification.objects.filter(title__contains="Petite nouvelle").exists()


def test_its_home_page_query_count_does_not_grow_with_news(people, login):
    client = login(people.owner)
    ensure_home(people.org)
    news(people.org, "Nouvelle 0")
    client.get("/essais/accueil/")
    with QueryCounter() as few:
        client.get("/essais/accueil/")
    for i in range(1, 15):
        news(people.org, f"Nouvelle {i}")
    with QueryCounter() as many:
        response = client.get("/essais/accueil/")
    assert response.status_code == 200
    assert len(many) == len(few) <= 12


def test_its_news_list_and_dashboard_query_counts_do_not_grow(people, login):
    client = login(people.owner)
    news(people.org, "Nouvelle 0")
    counts = {}
    for label in ("few", "many"):
        client.get("/essais/actualites/")
        client.get("/essais/tableau-de-bord/")
        with QueryCounter() as list_q:
            client.get("/essais/actualites/")
        with QueryCounter() as dash_q:
            client.get("/essais/tableau-de-bord/")
        counts[label] = (len(list_q), len(dash_q))
        for i in range(1, 25):
            news(people.org, f"Nouvelle {label} {i}")
    assert counts["few"] == counts["many"]
