"""A FranceConnect-like OpenID Connect provider for the tests, on a local port in a thread:
discovery, JWKS (an RSA key generated here), authorize (redirects back with a code), token (an ID
token signed RS256 with the nonce received), userinfo (JSON, or a signed JWT like FranceConnect v2)
and end_session. ``tamper`` makes it misbehave: "nonce" (another nonce), "signature" (signed by a
key it does not publish), "audience" (for another client)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "maillon-test-client"
CLIENT_SECRET = "secret-de-test"


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stub-1", "use": "sig", "alg": "RS256"}, private=True)
        self.rogue = RSAKey.generate_key(2048, parameters={"kid": "stub-1"}, private=True)
        self.claims = {"sub": "fc-7f3a9c", "given_name": "Camille", "family_name": "Durand-Lacoste",
                       "email": "camille.durand@exemple.test"}
        self.tamper: str | None = None
        self.userinfo_jwt = False
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def settings(self) -> dict:
        return {"discovery_url": self.discovery_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "scope": "openid given_name family_name email", "acr_values": "eidas1"}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def metadata(self) -> dict:
        i = self.issuer
        return {"issuer": i, "authorization_endpoint": i + "/authorize", "token_endpoint": i + "/token",
                "userinfo_endpoint": i + "/userinfo", "jwks_uri": i + "/jwks", "end_session_endpoint": i + "/logout",
                "id_token_signing_alg_values_supported": ["RS256"], "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "scopes_supported": ["openid", "given_name", "family_name", "email"]}

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": self.claims["sub"], "aud": CLIENT_ID, "iat": now, "exp": now + 60,
                  "nonce": "pas-le-bon" if self.tamper == "nonce" else nonce, "acr": "eidas1"}
        if self.tamper == "audience":
            claims["aud"] = "un-autre-client"
        key = self.rogue if self.tamper == "signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "stub-1"}, claims, key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: str | bytes = b"", content_type="application/json", headers=None):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._send(200, json.dumps(provider.metadata()))
                if url.path == "/jwks":
                    return self._send(200, json.dumps({"keys": [provider.key.as_dict(private=False)]}))
                if url.path == "/authorize":
                    provider.authorize_requests.append(query)
                    code = secrets.token_urlsafe(12)
                    provider.codes[code] = {"nonce": query.get("nonce", ""), "redirect_uri": query["redirect_uri"],
                                            "client_id": query.get("client_id")}
                    target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
                    return self._send(302, b"", headers={"Location": target})
                if url.path == "/userinfo":
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if bearer not in provider.tokens:
                        return self._send(401, json.dumps({"error": "invalid_token"}))
                    if provider.userinfo_jwt:
                        body = jwt.encode({"alg": "RS256", "kid": "stub-1"},
                                          {**provider.claims, "iss": provider.issuer, "aud": CLIENT_ID}, provider.key)
                        return self._send(200, body, content_type="application/jwt")
                    return self._send(200, json.dumps(provider.claims))
                if url.path == "/logout":
                    return self._send(200, "<p>Déconnecté de FranceConnect</p>", content_type="text/html")
                return self._send(404, "{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                if urlparse(self.path).path != "/token":
                    return self._send(404, "{}")
                grant = provider.codes.pop(form.get("code", ""), None)
                if (grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET
                        or form.get("redirect_uri") != grant["redirect_uri"]):
                    return self._send(400, json.dumps({"error": "invalid_grant"}))
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant
                return self._send(200, json.dumps({"access_token": access, "token_type": "Bearer", "expires_in": 60,
                                                   "id_token": provider._id_token(grant["nonce"])}))

        return Handler
