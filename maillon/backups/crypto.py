"""Encrypted backup archives: a stream format over AES-256-GCM (the ``cryptography`` package).

Written down in docs/operations.md (« Format of an encrypted archive »), so an archive can be
read without Maillon. An encrypted archive is the header, then the chunks::

    header (58 bytes)
      magic        8 bytes   b"MAILLONB"
      version      1 byte    1
      key kind     1 byte    1 = passphrase (scrypt), 2 = key file (HKDF-SHA256)
      salt        16 bytes   random
      scrypt       3 bytes   log2(N), r, p (17, 8, 1); zeros for a key file
      nonce        7 bytes   random prefix of every chunk's nonce
      chunk size   4 bytes   big-endian, plaintext bytes per chunk (1 MiB)
      key check   18 bytes   the last 16 bytes of the derived 48, then 2 zero bytes (reserved)
    chunk i: AES-256-GCM(key, nonce = prefix (7) | i (4, big-endian) | final (1: 0 or 1),
                          plaintext chunk, associated data = the header) = ciphertext + 16-byte tag

Key derivation gives 48 bytes: the first 32 are the AES key, the last 16 are stored as the key
check, so a wrong passphrase is told apart from a damaged archive. A passphrase goes through
scrypt (N = 2^17, r = 8, p = 1: about 128 MiB and half a second); a key file (32 random bytes,
or any file of at least 32 bytes: ``maillon backup --new-key-file F`` writes one) through
HKDF-SHA256 with the salt. Every chunk holds ``chunk size`` plaintext bytes but the last, which
holds fewer (possibly none) and is marked final in its nonce: a cut archive, chunks swapped or
dropped, and a changed header all fail to decrypt.
"""

from __future__ import annotations

import hmac
import io
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"MAILLONB"
VERSION = 1
KIND_PASSPHRASE, KIND_KEY_FILE = 1, 2
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
SCRYPT = (17, 8, 1)
_HEADER = struct.Struct(">8sBB16s3s7sI16s2s")
HEADER_SIZE = _HEADER.size  # 58


class WrongKey(Exception):
    """The passphrase or key file is not the one the archive was written with."""


class Damaged(Exception):
    """The encrypted archive was changed or cut."""


class NotEncrypted(Exception):
    """The file does not start with the encrypted archive's magic."""


class Secret:
    """A passphrase or a key file, read once (``from_files``)."""

    def __init__(self, kind: int, material: bytes):
        if kind == KIND_PASSPHRASE and not material:
            raise ValueError("empty passphrase")
        if kind == KIND_KEY_FILE and len(material) < 32:
            raise ValueError("a key file holds at least 32 bytes")
        self.kind, self.material = kind, material

    @classmethod
    def from_files(cls, passphrase_file: str | os.PathLike | None = None, key_file: str | os.PathLike | None = None) -> Secret | None:
        if passphrase_file and key_file:
            raise ValueError("a passphrase file or a key file, not both")
        if passphrase_file:
            return cls(KIND_PASSPHRASE, Path(passphrase_file).read_bytes().rstrip(b"\r\n"))
        if key_file:
            return cls(KIND_KEY_FILE, Path(key_file).read_bytes())
        return None

    def derive(self, salt: bytes, scrypt: tuple[int, int, int]) -> bytes:
        if self.kind == KIND_PASSPHRASE:
            log_n, r, p = scrypt
            return Scrypt(salt=salt, length=48, n=2**log_n, r=r, p=p).derive(self.material)
        return HKDF(algorithm=hashes.SHA256(), length=48, salt=salt, info=b"maillon-backup v1").derive(self.material)


def new_key_file(path: str | os.PathLike) -> Path:
    """Write 32 random bytes to ``path`` (readable by its owner only) for ``--key-file``."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(32))
    return path


def is_encrypted(path: str | os.PathLike) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if final else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only file: what is written goes out encrypted to ``raw``. ``close()`` writes the
    final chunk (it does not close ``raw``)."""

    def __init__(self, raw, secret: Secret, *, chunk_size: int = CHUNK_SIZE, scrypt: tuple[int, int, int] = SCRYPT):
        super().__init__()
        salt, prefix = os.urandom(16), os.urandom(7)
        params = scrypt if secret.kind == KIND_PASSPHRASE else (0, 0, 0)
        derived = secret.derive(salt, params)
        self._aead, self._raw, self._chunk_size = AESGCM(derived[:32]), raw, chunk_size
        self._header = _HEADER.pack(MAGIC, VERSION, secret.kind, salt, bytes(params), prefix, chunk_size, derived[32:], b"\0\0")
        self._prefix, self._index, self._buffer = prefix, 0, bytearray()
        raw.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > self._chunk_size:  # keep at least one byte back: the final chunk is never full
            self._emit(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        self._raw.write(self._aead.encrypt(_nonce(self._prefix, self._index, final), plain, self._header))
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            if len(self._buffer) == self._chunk_size:
                self._emit(bytes(self._buffer), final=False)
                self._buffer.clear()
            self._emit(bytes(self._buffer), final=True)
        super().close()


class DecryptingReader(io.RawIOBase):
    """A read-only file giving the plaintext of the encrypted stream ``raw``. The key is checked
    when it is opened (``WrongKey``); a changed or cut stream raises ``Damaged`` while reading."""

    def __init__(self, raw, secret: Secret | None):
        super().__init__()
        header = raw.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or header[:8] != MAGIC:
            raise NotEncrypted
        _magic, version, kind, salt, params, prefix, chunk_size, check, _reserved = _HEADER.unpack(header)
        if version != VERSION or kind not in (KIND_PASSPHRASE, KIND_KEY_FILE) or not 0 < chunk_size <= 64 * CHUNK_SIZE:
            raise Damaged("unknown header")
        if secret is None:
            raise WrongKey("no passphrase or key file given")
        if secret.kind != kind:
            raise WrongKey("the archive was encrypted with a " + ("passphrase" if kind == KIND_PASSPHRASE else "key file"))
        if kind == KIND_PASSPHRASE and not (10 <= params[0] <= 22 and 1 <= params[1] <= 32 and 1 <= params[2] <= 16):
            raise Damaged("unknown scrypt parameters")
        derived = secret.derive(salt, tuple(params))
        if not hmac.compare_digest(derived[32:], check):
            raise WrongKey("wrong passphrase or key file")
        self._aead, self._raw, self._header = AESGCM(derived[:32]), raw, header
        self._prefix, self._chunk_size, self._index = prefix, chunk_size, 0
        self._plain, self._pos, self._done = b"", 0, False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        block = self._raw.read(self._chunk_size + TAG_SIZE)
        final = len(block) < self._chunk_size + TAG_SIZE
        try:
            self._plain = self._aead.decrypt(_nonce(self._prefix, self._index, final), block, self._header)
        except InvalidTag:
            raise Damaged(f"chunk {self._index} does not decrypt: the archive was changed or cut") from None
        self._index, self._pos, self._done = self._index + 1, 0, final
        if final and self._raw.read(1):
            raise Damaged("bytes after the final chunk")

    def readinto(self, buffer) -> int:
        while self._pos == len(self._plain) and not self._done:
            self._next_chunk()
        n = min(len(buffer), len(self._plain) - self._pos)
        buffer[:n] = memoryview(self._plain)[self._pos : self._pos + n]
        self._pos += n
        return n
