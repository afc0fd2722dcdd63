"""Signing in by an e-mail link: one send, one link, used once within 30 minutes, to a safe place."""

import re
from datetime import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache

from maillon.citizens import registry, tokens
from maillon.citizens.models import Citizen
from maillon.citizens.registry import CitizenItem
from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import login_citizen, make_commune

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver(/[^\s]+/citoyens/connexion/[^\s/]+/)")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commune():
    return make_commune("saint-essai")


def ask_link(client, email="habitant@exemple.test", next_url="", slug="saint-essai"):
    response = client.post(f"/{slug}/citoyens/connexion/", {"email": email, "next": next_url, "website": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/{slug}/citoyens/connexion/lien-envoye/"
    return LINK.search(mail.outbox[-1].body).group(1)


def test_link_signs_in_once_and_only_after_confirming(client, commune):
    link = ask_link(client, "Habitant@Exemple.test", next_url="/saint-essai/citoyens/")
    message = mail.outbox[-1]
    assert message.to == ["habitant@exemple.test"] and "Saint Essai" in message.subject
    page = client.get("/saint-essai/citoyens/connexion/lien-envoye/").content.decode()
    assert "Un lien vous a été envoyé" in page
    # A mail scanner's GET uses nothing up and signs nobody in.
    for _ in range(2):
        response = client.get(link)
        assert response.status_code == 200 and "habitant@exemple.test" in response.content.decode()
        assert '<form method="post"' in response.content.decode()
    assert client.get("/saint-essai/citoyens/mon-espace/").status_code == 302
    assert not Citizen.objects.exists()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/saint-essai/citoyens/"
    citizen = Citizen.objects.get()
    assert citizen.email == "habitant@exemple.test" and citizen.email_verified_at is not None
    assert client.get("/saint-essai/citoyens/mon-espace/").status_code == 200
    # Used: refused with a way to ask again, for this browser and any other.
    for other in (client, client.__class__()):
        response = other.post(link)
        assert response.status_code == 410
        text = response.content.decode()
        assert "déjà été utilisé" in text and 'href="/saint-essai/citoyens/connexion/"' in text


def test_unknown_and_known_addresses_get_the_same_answer(client, commune):
    verified_citizen("connu@exemple.test")
    pages = []
    for email in ("connu@exemple.test", "inconnu@exemple.test"):
        response = client.post("/saint-essai/citoyens/connexion/", {"email": email, "website": ""}, follow=True)
        pages.append(re.sub(r'nonce="[^"]+"', "", response.content.decode()))
    assert pages[0] == pages[1]
    assert len(mail.outbox) == 2


def test_expired_tampered_and_foreign_links_are_refused_in_french(client, commune):
    make_commune("autre-commune")
    link = ask_link(client)
    with mock.patch.object(tokens, "MAX_AGE", -1):
        response = client.get(link)
    assert response.status_code == 410 and "a expiré" in response.content.decode()
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = client.post(tampered)
    assert response.status_code == 400 and "pas valide" in response.content.decode()
    foreign = link.replace("/saint-essai/", "/autre-commune/")
    assert client.post(foreign).status_code == 400
    assert not Citizen.objects.exists()
    # The genuine link still works afterwards.
    assert client.post(link).status_code == 302


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"])
def test_unsafe_next_goes_to_my_space(client, commune, next_url):
    link = ask_link(client, next_url=next_url)
    response = client.post(link)
    assert response["Location"] == "/saint-essai/citoyens/mon-espace/"


def test_honeypot_and_bad_address_are_refused_without_a_send(client, commune):
    response = client.post("/saint-essai/citoyens/connexion/", {"email": "robot@exemple.test", "website": "http://spam"})
    assert response.status_code == 400 and "automatique" in response.content.decode()
    response = client.post("/saint-essai/citoyens/connexion/", {"email": "pas-une-adresse", "website": ""})
    text = response.content.decode()
    assert response.status_code == 400 and "adresse de courriel valide" in text and "<title>Erreur :" in text
    assert mail.outbox == []


def test_seventh_send_with_one_address_and_twenty_first_from_one_ip_are_refused(client, commune):
    for _ in range(6):
        ask_link(client, "meme@exemple.test")
    response = client.post("/saint-essai/citoyens/connexion/", {"email": "MEME@exemple.test", "website": ""})
    assert response.status_code == 429 and "avec cette adresse" in response.content.decode()
    for n in range(13):  # 7 counted already from this address (the refused 7th too)
        ask_link(client, f"voisin{n}@exemple.test")
    response = client.post("/saint-essai/citoyens/connexion/", {"email": "dernier@exemple.test", "website": ""})
    assert response.status_code == 429 and "depuis cette connexion" in response.content.decode()
    assert len(mail.outbox) == 19
    # Another connection still may.
    other = client.__class__(REMOTE_ADDR="10.9.9.9")
    assert other.post("/saint-essai/citoyens/connexion/", {"email": "dernier@exemple.test", "website": ""}).status_code == 302


def test_my_space_lists_this_communes_items_newest_first(client, commune, django_assert_max_num_queries):
    other = make_commune("autre-commune")
    citizen = verified_citizen("habitant@exemple.test")

    def items(who, where):
        assert who == citizen
        rows = {commune.pk: [CitizenItem("Demande de salle", "/a/", "Reçue", datetime(2026, 3, 1), "Démarche"),
                             CitizenItem("Idée : un banc", "/b/", "Publiée", datetime(2026, 5, 1), "Idée")],
                other.pk: [CitizenItem("Ailleurs", "/c/", "Reçue", datetime(2026, 6, 1))]}
        return rows[where.pk]

    login_citizen(client, citizen)
    with mock.patch.object(registry, "CITIZEN_ITEMS", [items]), mock.patch("maillon.citizens.views.CITIZEN_ITEMS", [items]):
        client.get("/saint-essai/citoyens/mon-espace/")
        with django_assert_max_num_queries(8):
            text = client.get("/saint-essai/citoyens/mon-espace/").content.decode()
    assert text.index("Idée : un banc") < text.index("Demande de salle") and "Ailleurs" not in text
    assert "habitant@exemple.test" in text and "Se déconnecter" in text


def test_my_space_empty_state_and_sign_out(client, commune):
    login_citizen(client, verified_citizen("habitant@exemple.test"))
    text = client.get("/saint-essai/citoyens/mon-espace/").content.decode()
    assert "Vous n’avez encore rien envoyé" in text or "encore rien envoyé" in text
    assert client.get("/saint-essai/citoyens/deconnexion/").status_code == 405
    response = client.post("/saint-essai/citoyens/deconnexion/")
    assert response["Location"] == "/saint-essai/citoyens/"
    assert client.get("/saint-essai/citoyens/mon-espace/").status_code == 302


def test_public_pages_stay_within_budget(client, commune, django_assert_max_num_queries):
    login_citizen(client, verified_citizen("habitant@exemple.test"))
    anonymous = client.__class__()
    pages = [(anonymous, "/saint-essai/citoyens/"), (anonymous, "/saint-essai/citoyens/connexion/"),
             (anonymous, "/saint-essai/citoyens/connexion/lien-envoye/"), (anonymous, "/saint-essai/citoyens/accessibilite/"),
             (anonymous, "/saint-essai/citoyens/donnees-personnelles/"), (client, "/saint-essai/citoyens/mon-espace/"),
             (client, "/saint-essai/citoyens/")]
    for who, path in pages:
        who.get(path)
        with django_assert_max_num_queries(8):
            response = who.get(path)
        assert response.status_code == 200, path


def test_statement_and_privacy_pages_give_the_secretarys_address(client, commune):
    text = client.get("/saint-essai/citoyens/accessibilite/").content.decode()
    assert "partiellement conforme" in text and "mailto:mairie-saint-essai@exemple.test" in text
    assert "axe" in text
    text = client.get("/saint-essai/citoyens/donnees-personnelles/").content.decode()
    assert "mailto:mairie-saint-essai@exemple.test" in text and "CNIL" in text
    assert client.get("/sans-commune/citoyens/accessibilite/").status_code == 404


def test_portal_lists_enabled_sections_or_an_empty_state(client):
    make_commune("saint-essai", services=("participation",))
    sections = {"ideas": registry.PortalSection("ideas", "Boîte à idées", "Proposez", "citizens:accessibility", "participation", 2),
                "forms": registry.PortalSection("forms", "Démarches", "Faites une demande", "citizens:privacy", "citizen_procedures", 1)}
    with mock.patch.dict(registry.PORTAL_SECTIONS, sections, clear=True):
        text = client.get("/saint-essai/citoyens/").content.decode()
    assert "Boîte à idées" in text and "Démarches" not in text and "Saint Essai" in text
    with mock.patch.dict(registry.PORTAL_SECTIONS, {}, clear=True):
        text = client.get("/saint-essai/citoyens/").content.decode()
    assert "Aucun service en ligne" in text
