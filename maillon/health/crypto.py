"""Encryption at rest of children's health records: AES-256-GCM (the ``cryptography``
package), authenticated, with the key's id in front of every ciphertext so that several keys
can be read at once while ``maillon health rotate-key`` re-encrypts under the current one.

Keys (settings, read from the environment by ``maillon/settings.py``):

- ``HEALTH_KEY``: the current key, 32 random bytes in URL-safe base64 (``maillon health
  new-key`` prints one). Required in production; in development generated once into the data
  directory (``data/health_key``), like the development SECRET_KEY.
- ``HEALTH_OLD_KEYS``: earlier keys, still accepted for reading (comma-separated; the
  single ``HEALTH_OLD_KEY`` is read too). Needed only while a rotation runs.

A ciphertext is ``version (1 byte) | key id (4 bytes) | nonce (12 bytes) | AES-GCM output``.
The key id is the start of SHA-256 of the key: it names the key without revealing it. The
associated data binds a value to its column (``health.healthrecord.allergies``): a ciphertext
copied into another column does not decrypt. Text columns hold it in URL-safe base64 with the
prefix ``h1:``; scans are stored as raw bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
TEXT_PREFIX = "h1:"
NONCE_SIZE = 12
KEY_ID_SIZE = 4
HEADER_SIZE = 1 + KEY_ID_SIZE + NONCE_SIZE


class DecryptionError(Exception):
    """The value was not written by any of the configured keys, or it was altered."""


def new_key() -> str:
    """A fresh key, in the form HEALTH_KEY takes."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("HEALTH_KEY must be 32 bytes in URL-safe base64 (maillon health new-key)") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("HEALTH_KEY must be 32 bytes in URL-safe base64 (maillon health new-key)")
    return raw


def key_id(raw: bytes) -> bytes:
    return hashlib.sha256(b"maillon-health-key-id" + raw).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class Keyring:
    current_id: bytes
    ciphers: dict  # key id -> AESGCM

    @property
    def current(self) -> AESGCM:
        return self.ciphers[self.current_id]


@lru_cache(maxsize=4)
def _keyring(current: str, old: tuple[str, ...]) -> Keyring:
    if not current:
        raise ImproperlyConfigured("HEALTH_KEY is required to read or write health records (maillon health new-key)")
    ciphers = {}
    for text in (*old, current):
        raw = parse_key(text)
        ciphers[key_id(raw)] = AESGCM(raw)
    return Keyring(key_id(parse_key(current)), ciphers)


def keyring() -> Keyring:
    """The keys of the settings (cached: settings may change in tests and during a rotation)."""
    return _keyring(settings.HEALTH_KEY, tuple(settings.HEALTH_OLD_KEYS))


def encrypt_bytes(plain: bytes, context: str) -> bytes:
    ring = keyring()
    nonce = os.urandom(NONCE_SIZE)
    return VERSION + ring.current_id + nonce + ring.current.encrypt(nonce, plain, context.encode())


def decrypt_bytes(token: bytes, context: str) -> bytes:
    token = bytes(token)
    if len(token) < HEADER_SIZE + 16 or token[:1] != VERSION:
        raise DecryptionError("not a health ciphertext")
    cipher = keyring().ciphers.get(token[1:1 + KEY_ID_SIZE])
    if cipher is None:
        raise DecryptionError("written under a key that is not configured (HEALTH_KEY / HEALTH_OLD_KEYS)")
    try:
        return cipher.decrypt(token[1 + KEY_ID_SIZE:HEADER_SIZE], token[HEADER_SIZE:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("altered, or moved from another column") from exc


def token_key_id(token: bytes | str) -> bytes:
    """The id of the key a ciphertext was written with (for rotation and its tests)."""
    if isinstance(token, str):
        token = base64.urlsafe_b64decode(token.removeprefix(TEXT_PREFIX).encode())
    return bytes(token)[1:1 + KEY_ID_SIZE]


def is_current(token: bytes | str) -> bool:
    return token_key_id(token) == keyring().current_id


def encrypt_text(plain: str | bytes, context: str) -> str:
    """``plain`` (text, or bytes already encoded) encrypted, as the text columns hold it."""
    raw = plain.encode() if isinstance(plain, str) else plain
    return TEXT_PREFIX + base64.urlsafe_b64encode(encrypt_bytes(raw, context)).decode()


def decrypt_text(token: str, context: str) -> str:
    if not token.startswith(TEXT_PREFIX):
        raise DecryptionError("not a health ciphertext")
    try:
        raw = base64.urlsafe_b64decode(token[len(TEXT_PREFIX):].encode())
    except ValueError as exc:
        raise DecryptionError("not a health ciphertext") from exc
    return decrypt_bytes(raw, context).decode()
