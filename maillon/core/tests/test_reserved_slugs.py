"""Every first segment of a root address (an app's own pages, /espaces/, /competences/…) is a
reserved identifier: no organisation may take it, and the organisations' pattern never reads it."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from maillon.organisations.models import RESERVED_SLUGS

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def _first_segments(patterns, prefix=""):
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        full = prefix + route
        if full.startswith("<"):
            continue  # an organisation's pages (<org:org>/) or Wagtail's pages
        if isinstance(pattern, URLResolver) and not route:
            yield from _first_segments(pattern.url_patterns, prefix)
            continue
        first = re.split(r"[/<(\\\[$]", full, maxsplit=1)[0]
        if first and SLUG.match(first):
            yield first, pattern
        elif isinstance(pattern, URLPattern) or first:
            continue


def test_every_root_page_is_a_reserved_identifier():
    found = {first for first, _pattern in _first_segments(get_resolver().url_patterns)}
    assert "espaces" in found and "comptes" in found
    assert found - RESERVED_SLUGS == set()
