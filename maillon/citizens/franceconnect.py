"""FranceConnect (OpenID Connect) for citizens, with authlib's Django client.

Configured by environment (settings.FRANCECONNECT, see settings.py): without a discovery URL and a
client, ``enabled()`` is False and no page offers it. The flow:

1. ``/<commune>/citoyens/franceconnect/`` remembers the commune and ``next`` in the session and
   redirects to the provider's authorisation endpoint (scopes ``openid given_name family_name
   email``, ``acr_values=eidas1``, a ``state`` and a ``nonce`` kept in the session by authlib).
2. The provider comes back to the instance's one redirect URI, ``/citoyens/franceconnect/retour/``:
   the state must match, the code is exchanged for tokens, the ID token's signature (the provider's
   JWKS), issuer, audience, expiry and nonce are checked, then the user info is read (JSON, or a
   signed JWT as FranceConnect v2 sends it).
3. ``citizen_for(claims)``: the citizen of that ``sub``; else the citizen of that e-mail, to whom the
   identity is attached; else a new one.

Every failure is a ``FranceConnectError`` carrying a French message (never a 500).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Citizen

log = logging.getLogger(__name__)
NAME = "franceconnect"
TIMEOUT = 10  # seconds for each call to the provider
SESSION_ID_TOKEN = "citizen_fc_id_token"  # kept to end the FranceConnect session at logout
SESSION_START = "citizen_fc_start"  # {"commune": slug, "next": url} between start and callback

_clients: dict[tuple, object] = {}


class FranceConnectError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _config() -> dict:
    return getattr(settings, "FRANCECONNECT", {}) or {}


def enabled() -> bool:
    config = _config()
    return bool(config.get("discovery_url") and config.get("client_id") and config.get("client_secret"))


def client():
    """authlib's client for the current settings (one per configuration: tests change it); its
    discovery document and JWKS are fetched once, then kept."""
    from authlib.integrations.django_client import OAuth

    config = _config()
    key = (config.get("discovery_url"), config.get("client_id"), config.get("client_secret"), config.get("scope"))
    found = _clients.get(key)
    if found is None:
        oauth = OAuth()
        found = oauth.register(
            NAME, client_id=config["client_id"], client_secret=config["client_secret"],
            server_metadata_url=config["discovery_url"],
            client_kwargs={"scope": config.get("scope") or "openid given_name family_name email",
                           "token_endpoint_auth_method": "client_secret_post", "default_timeout": TIMEOUT,
                           # FranceConnect's access token lives 60 s and is used at once (authlib's default
                           # margin of 60 s would find it expired already).
                           "leeway": 5},
        )
        _clients[key] = found
    return found


def _failed(exc: Exception) -> FranceConnectError:
    log.warning("FranceConnect login refused: %s: %s", type(exc).__name__, exc)
    return FranceConnectError(_("The FranceConnect login could not be completed. Please try again, or sign in "
                                "with your e-mail address."))


def authorize_redirect(request, redirect_uri: str):
    try:
        return client().authorize_redirect(request, redirect_uri, acr_values=_config().get("acr_values") or "eidas1")
    except Exception as exc:  # the provider unreachable, a broken discovery document
        log.warning("FranceConnect unreachable: %s: %s", type(exc).__name__, exc)
        raise FranceConnectError(_("FranceConnect cannot be reached at the moment. Please try again later, or sign "
                                   "in with your e-mail address.")) from exc


def complete(request) -> tuple[dict, str]:
    """(claims, id_token) of the callback: state, signature, nonce and claims checked."""
    from authlib.integrations.base_client import MismatchingStateError, OAuthError

    if request.GET.get("error"):
        raise FranceConnectError(_("The FranceConnect login was cancelled or refused."))
    fc = client()
    try:
        token = fc.authorize_access_token(request)
    except MismatchingStateError as exc:
        log.warning("FranceConnect callback with an unknown state")
        raise FranceConnectError(_("This FranceConnect login is not the one started from this browser, or it "
                                   "took too long. Please start again.")) from exc
    except OAuthError as exc:
        raise _failed(exc) from exc
    except Exception as exc:  # a bad signature, a wrong nonce, an expired or foreign ID token, the network
        raise _failed(exc) from exc
    id_claims = token.get("userinfo")
    if not id_claims or not id_claims.get("sub"):
        raise _failed(ValueError("no ID token"))
    claims = dict(id_claims)
    try:
        claims.update(_userinfo(fc, token, id_claims["sub"]))
    except FranceConnectError:
        raise
    except Exception as exc:
        raise _failed(exc) from exc
    return claims, token.get("id_token", "")


def _userinfo(fc, token: dict, sub: str) -> dict:
    """The user info endpoint's claims: JSON, or a JWT signed with the provider's keys."""
    metadata = fc.load_server_metadata()
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    response = fc.get(endpoint, token=token)
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        from joserfc import jwt
        from joserfc.jwk import KeySet
        from joserfc.jws import JWSRegistry

        decoded = jwt.decode(response.text.strip(), KeySet.import_key_set(fc.fetch_jwk_set()),
                             registry=JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported"),
                                                  strict_check_header=False))
        data = dict(decoded.claims)
    else:
        data = response.json()
    if not isinstance(data, dict) or data.get("sub") != sub:
        raise _failed(ValueError("user info of another subject"))
    return {k: data[k] for k in ("given_name", "family_name", "email") if isinstance(data.get(k), str)}


def citizen_for(claims: dict) -> Citizen:
    """The citizen of this FranceConnect identity: found by ``sub``, else attached to the citizen of
    the same e-mail address (who signed in by link before), else created."""
    sub = str(claims["sub"])[:255]
    given = str(claims.get("given_name") or "")[:150]
    family = str(claims.get("family_name") or "")[:150]
    email = str(claims.get("email") or "").strip().lower()[:254] or None
    citizen = Citizen.objects.filter(franceconnect_sub=sub).first()
    if citizen is None and email:
        citizen = Citizen.objects.filter(email=email, franceconnect_sub__isnull=True).first()
        if citizen is not None:
            citizen.franceconnect_sub = sub
    if citizen is None:
        taken = email and Citizen.objects.filter(email=email).exists()
        try:
            with transaction.atomic():
                return Citizen.objects.create(franceconnect_sub=sub, email=None if taken else email,
                                              email_verified_at=timezone.now() if email and not taken else None,
                                              given_name=given, family_name=family)
        except IntegrityError:
            return Citizen.objects.get(franceconnect_sub=sub)
    # The names FranceConnect certifies are the ones to show.
    citizen.given_name, citizen.family_name = given or citizen.given_name, family or citizen.family_name
    citizen.save(update_fields=["franceconnect_sub", "given_name", "family_name"])
    return citizen


def logout_url(request, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address for this ID token, or None when it has none."""
    if not (enabled() and id_token):
        return None
    try:
        fc = client()
        if not fc.load_server_metadata().get("end_session_endpoint"):
            return None
        response = fc.logout_redirect(request, post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token)
    except Exception as exc:
        log.warning("FranceConnect logout unavailable: %s: %s", type(exc).__name__, exc)
        return None
    return response["Location"]
