"""Archives changed on purpose, and the fingerprint of a database and of a directory."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path


def read_members(path: Path) -> dict[str, bytes]:
    with gzip.open(path) as zipped, tarfile.open(fileobj=zipped, mode="r|") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar}


def write_members(path: Path, members: dict[str, bytes]) -> Path:
    with gzip.open(path, "wb") as zipped, tarfile.open(fileobj=zipped, mode="w|") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


def rewrite(source: Path, target: Path, *, manifest=None, member=None, rehash: bool = False) -> Path:
    """A copy of an archive with its manifest (``manifest(dict)``) or a member (``member(name, bytes)
    -> bytes``) changed; ``rehash``: the manifest lists the changed member's new SHA-256."""
    members = read_members(source)
    document = json.loads(members.pop("manifest.json"))
    if member is not None:
        members = {name: member(name, body) for name, body in members.items()}
    if rehash:
        document["members"] = [{"path": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in members.items()]
    if manifest is not None:
        manifest(document)
    members["manifest.json"] = json.dumps(document).encode()
    return write_members(target, members)


def table_fingerprints(wrapper) -> dict[str, tuple[int, str]]:
    """Every table of a database (a Django connection): (row count, SHA-256 of its rows' hashes,
    sorted), so two databases compare row for row whatever the order the rows come in."""
    found = {}
    with wrapper.cursor() as cursor:
        for table in wrapper.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {wrapper.ops.quote_name(table)}")
            rows = sorted(hashlib.sha256(repr(tuple(row)).encode()).hexdigest() for row in cursor.fetchall())
            found[table] = (len(rows), hashlib.sha256("".join(rows).encode()).hexdigest())
    return found


def tree_fingerprint(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()} if root.is_dir() else {}
