"""Subresource integrity on every script and stylesheet the app's pages load.

Each ``<script src="/static/…">`` and ``<link rel="stylesheet|modulepreload"
href="/static/…">`` (and ``rel="preload"`` of a script or a style) of an HTML response gets ``integrity="sha384-…"``, the digest of the file as
it is served: the collected file (hashed and compacted by ``ui/storage.py``) in production, the
app's source through the finders in development and tests. Doing it on the response rather than
in each template covers every page, ours and those of Wagtail's admin, Django's admin and the API
docs, and any template added later. A digest is computed once per file and kept in memory with the
file's modification time and size (a file changed in development is hashed again).

The browser then refuses a stylesheet or script whose bytes differ from what the page expected
(a tampered file on the server or a proxy); the service worker's cached shell (notifications/sw.js)
holds the same bytes, so it still passes.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders

# One expression per tag name, each starting with its literal text: the regular expression engine
# then jumps from one « <script » to the next instead of trying every « < » of the page (about four
# times faster on a 25 KB page). Tag names are lowercase in every template the app renders.
TAGS = (re.compile(rb"<(script)\b([^>]*?)(/?)>"), re.compile(rb"<(link)\b([^>]*?)(/?)>"))
URL = re.compile(rb"""\b(?:src|href)\s*=\s*(["'])([^"'<>]+)\1""", re.I)
REL = re.compile(rb"""\brel\s*=\s*(["']?)([^"'>]*)\1""", re.I)
AS = re.compile(rb"""\bas\s*=\s*(["']?)(script|style)\1""", re.I)
HAS_INTEGRITY = re.compile(rb"\bintegrity\s*=", re.I)

_digests: dict[Path, tuple[int, int, str]] = {}
_paths: dict[str, Path] = {}
_lock = threading.Lock()


def static_path(url: str) -> Path | None:
    """The file served at ``url`` (a path under STATIC_URL), or None. Kept per address once found
    (finding a file through the finders costs a tenth of a millisecond)."""
    found = _paths.get(url)
    if found is None:
        found = _find(url)
        if found is not None:
            with _lock:
                _paths[url] = found
    return found


def _find(url: str) -> Path | None:
    prefix = settings.STATIC_URL
    if not prefix.startswith("/") or not url.startswith(prefix):
        return None
    name = unquote(url[len(prefix):].split("?", 1)[0].split("#", 1)[0])
    if not name or ".." in Path(name).parts or name.startswith("/"):
        return None
    if getattr(settings, "WHITENOISE_USE_FINDERS", False):  # tests, DEBUG: the source file
        found = finders.find(name)
        if found:
            return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


def digest(path: Path) -> str:
    """``sha384-<base64>`` of the file, kept while its modification time and size do not change
    (checked only where files are read from the sources: collected files never change in place)."""
    kept = _digests.get(path)
    if kept is not None and not getattr(settings, "WHITENOISE_USE_FINDERS", False):
        return kept[2]
    stat = path.stat()
    if kept is not None and kept[:2] == (stat.st_mtime_ns, stat.st_size):
        return kept[2]
    value = "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()
    with _lock:
        _digests[path] = (stat.st_mtime_ns, stat.st_size, value)
    return value


def integrity_for(url: str) -> str | None:
    path = static_path(url)
    if path is None:
        return None
    try:
        return digest(path)
    except OSError:  # moved or deleted since: look for it again next time
        _paths.pop(url, None)
        return None


def _with_integrity(match: re.Match) -> bytes:
    name, attributes, closing = match.group(1), match.group(2), match.group(3)
    if HAS_INTEGRITY.search(attributes):
        return match.group(0)
    if name == b"link":
        rel = REL.search(attributes)
        rels = set(rel.group(2).lower().split()) if rel else set()
        if not ({b"stylesheet", b"modulepreload"} & rels or (b"preload" in rels and AS.search(attributes))):
            return match.group(0)
    url = URL.search(attributes)
    if url is None:
        return match.group(0)
    value = integrity_for(url.group(2).decode("utf-8", "replace").replace("&amp;", "&"))
    if value is None:
        return match.group(0)
    return b"<" + match.group(1) + attributes.rstrip() + b' integrity="' + value.encode() + b'"' + closing + b">"


def add_integrity(html: bytes) -> bytes:
    """``html`` with ``integrity`` on each script and stylesheet served from STATIC_URL."""
    for tag in TAGS:
        html = tag.sub(_with_integrity, html)
    return html


class SubresourceIntegrityMiddleware:
    """Placed inside GZipMiddleware: it reads the page before it is compressed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.streaming or response.has_header("Content-Encoding")
                or not response.get("Content-Type", "").startswith("text/html")):
            return response
        content = response.content
        if b"<script" not in content and b"<link" not in content:
            return response
        changed = add_integrity(content)
        if changed != content:
            response.content = changed
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(changed))
        return response
