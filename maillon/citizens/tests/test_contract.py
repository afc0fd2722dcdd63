"""The public side's contract: a commune's public pages answer only where the service is on."""

import pytest

from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import login_citizen, make_commune

pytestmark = pytest.mark.django_db


def test_portal_answers_for_a_commune_and_not_for_others(client):
    make_commune("saint-essai")
    make_commune("sans-service", services=())
    assert client.get("/saint-essai/citoyens/").status_code == 200
    for path in ("/sans-service/citoyens/", "/inconnue/citoyens/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode() or "introuvable" in response.content.decode().lower()


def test_my_space_asks_for_a_sign_in_then_opens(client):
    make_commune("saint-essai")
    response = client.get("/saint-essai/citoyens/mon-espace/")
    assert response.status_code == 302 and "/saint-essai/citoyens/connexion/?next=" in response["Location"]
    login_citizen(client, verified_citizen("Habitant@Exemple.test"))
    assert client.get("/saint-essai/citoyens/mon-espace/").status_code == 200


def test_verified_citizen_is_one_per_email():
    first = verified_citizen("a@exemple.test")
    assert verified_citizen("A@EXEMPLE.TEST ").pk == first.pk
    assert first.identity_key == "email:a@exemple.test"
