"""FranceConnect against a local OpenID Connect provider (oidc_stub.py): the whole flow through the
test client, the provider's redirect followed by hand; every failure a French page, never a 500."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.cache import cache

from maillon.citizens import franceconnect
from maillon.citizens.models import Citizen
from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import make_commune

from .oidc_stub import CLIENT_ID, Provider

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/citoyens/franceconnect/retour/"


@pytest.fixture
def provider(settings):
    cache.clear()
    with Provider() as stub:
        settings.FRANCECONNECT = stub.settings()
        yield stub
    franceconnect._clients.clear()


@pytest.fixture
def commune():
    return make_commune("saint-essai")


def start(client, next_url="/saint-essai/citoyens/"):
    response = client.get("/saint-essai/citoyens/franceconnect/", {"next": next_url})
    assert response.status_code == 302, response.content.decode()[:1000]
    return response["Location"]


def authorize(location: str) -> str:
    """What the browser does at FranceConnect: the provider answers with a redirect to our callback."""
    response = requests.get(location, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    target = response.headers["Location"]
    assert target.startswith(CALLBACK)
    return target.removeprefix("http://testserver")


def test_login_creates_the_citizen_then_reuses_it(client, commune, provider):
    location = start(client)
    assert location.startswith(provider.issuer + "/authorize?")
    params = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
    assert params["scope"] == "openid given_name family_name email" and params["acr_values"] == "eidas1"
    assert params["redirect_uri"] == CALLBACK and len(params["state"]) >= 16 and len(params["nonce"]) >= 16
    response = client.get(authorize(location))
    assert response.status_code == 302 and response["Location"] == "/saint-essai/citoyens/"
    citizen = Citizen.objects.get()
    assert (citizen.franceconnect_sub, citizen.given_name, citizen.family_name, citizen.email) == (
        "fc-7f3a9c", "Camille", "Durand-Lacoste", "camille.durand@exemple.test")
    assert citizen.identity_key == "fc:fc-7f3a9c"
    assert provider.token_requests[-1]["client_secret"]  # client_secret_post, as FranceConnect expects
    text = client.get("/saint-essai/citoyens/mon-espace/").content.decode()
    assert "Camille Durand-Lacoste" in text and "Connecté avec FranceConnect" in text
    # A second login, from another browser, finds the same citizen.
    other = client.__class__()
    assert other.get(authorize(start(other))).status_code == 302
    assert Citizen.objects.count() == 1
    assert other.get("/saint-essai/citoyens/mon-espace/").status_code == 200


def test_identity_is_attached_to_the_citizen_of_that_address(client, commune, provider):
    earlier = verified_citizen("Camille.Durand@exemple.test")
    client.get(authorize(start(client)))
    earlier.refresh_from_db()
    assert Citizen.objects.count() == 1 and earlier.franceconnect_sub == "fc-7f3a9c"


def test_userinfo_as_a_signed_jwt(client, commune, provider):
    provider.userinfo_jwt = True
    assert client.get(authorize(start(client))).status_code == 302
    assert Citizen.objects.get().given_name == "Camille"


def test_wrong_state_is_refused(client, commune, provider):
    callback = authorize(start(client))
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400 and "pas celle commencée dans ce navigateur" in response.content.decode()
    assert not Citizen.objects.exists()
    # A callback without any login started here: nothing to complete.
    assert client.__class__().get(callback).status_code == 404


@pytest.mark.parametrize("tamper", ["nonce", "signature", "audience"])
def test_wrong_nonce_bad_signature_or_audience_are_refused_in_french(client, commune, provider, tamper):
    provider.tamper = tamper
    response = client.get(authorize(start(client)))
    text = response.content.decode()
    assert response.status_code == 400 and "La connexion avec FranceConnect n’a pas pu aboutir" in text
    assert 'href="/saint-essai/citoyens/connexion/"' in text
    assert not Citizen.objects.exists()
    assert client.get("/saint-essai/citoyens/mon-espace/").status_code == 302


def test_cancelled_at_franceconnect(client, commune, provider):
    location = start(client)
    state = parse_qs(urlparse(location).query)["state"][0]
    response = client.get("/citoyens/franceconnect/retour/", {"error": "access_denied", "state": state})
    assert response.status_code == 400 and "annulée ou refusée" in response.content.decode()


def test_provider_unreachable_is_a_french_page(client, commune, settings):
    # Nothing listens on port 9: the discovery document cannot be read.
    settings.FRANCECONNECT = {"discovery_url": "http://127.0.0.1:9/.well-known/openid-configuration", "client_id": "a",
                              "client_secret": "b", "scope": "openid", "acr_values": "eidas1"}
    response = client.get("/saint-essai/citoyens/franceconnect/")
    assert response.status_code == 400 and "injoignable" in response.content.decode()
    franceconnect._clients.clear()


def test_button_only_when_configured(client, commune, settings):
    settings.FRANCECONNECT = {"discovery_url": "", "client_id": "", "client_secret": ""}
    assert "FranceConnect" not in client.get("/saint-essai/citoyens/connexion/").content.decode()
    assert client.get("/saint-essai/citoyens/franceconnect/")["Location"] == "/saint-essai/citoyens/connexion/"
    settings.FRANCECONNECT = {"discovery_url": "http://127.0.0.1:9/x", "client_id": "a", "client_secret": "b"}
    text = client.get("/saint-essai/citoyens/connexion/?next=/saint-essai/citoyens/").content.decode()
    assert 'href="/saint-essai/citoyens/franceconnect/?next=/saint-essai/citoyens/"' in text


def test_logout_ends_the_franceconnect_session_too(client, commune, provider):
    client.get(authorize(start(client)))
    response = client.post("/saint-essai/citoyens/deconnexion/")
    assert response["Location"] == "/saint-essai/citoyens/deconnecte/"
    assert client.get("/saint-essai/citoyens/mon-espace/").status_code == 302  # signed out here already
    text = client.get(response["Location"]).content.decode()
    assert 'href="/citoyens/franceconnect/deconnexion/"' in text
    response = client.get("/citoyens/franceconnect/deconnexion/")
    target = urlparse(response["Location"])
    params = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert response["Location"].startswith(provider.issuer + "/logout?")
    assert params["id_token_hint"].count(".") == 2
    assert params["post_logout_redirect_uri"] == "http://testserver/citoyens/franceconnect/fin/"
    assert requests.get(response["Location"], timeout=10).status_code == 200
    response = client.get("/citoyens/franceconnect/fin/", {"state": params["state"]})
    assert response["Location"] == "/saint-essai/citoyens/"
    # Used once: a second visit has nothing to end.
    assert client.get("/citoyens/franceconnect/deconnexion/").status_code == 404


def test_another_commune_in_the_session_is_not_trusted(client, commune, provider):
    make_commune("sans-service", services=())
    location = start(client)
    session = client.session
    session[franceconnect.SESSION_START] = {"commune": "sans-service", "next": "/"}
    session.save()
    assert client.get(authorize(location)).status_code == 404
    assert not Citizen.objects.exists()
