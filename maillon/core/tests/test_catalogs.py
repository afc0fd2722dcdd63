"""The French catalogs: every app keeps its own, but Django merges them into one (the app listed
first in INSTALLED_APPS wins). The same English text translated two ways in two apps means one
app silently shows the other's words (« Agenda » for an agenda of items, « De » for « Du »);
a different meaning takes a context (``pgettext``, ``{% translate … context … %}``)."""

import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)  # the maillon package


def catalogs() -> dict[str, dict]:
    found = {}
    for mo in sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.mo")):
        with mo.open("rb") as handle:
            found[mo.parts[-5]] = gettext.GNUTranslations(handle)._catalog
    return found


def test_every_app_has_a_compiled_french_catalog_without_fuzzy_entries():
    sources = list(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"))
    assert len(sources) >= 12
    for po in sources:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{po}: run compilemessages"
        assert "#, fuzzy" not in po.read_text(encoding="utf-8"), f"{po}: a fuzzy translation is not shown; fix it"


def test_no_text_is_translated_two_ways_by_two_apps():
    seen: dict[object, tuple[str, object]] = {}
    clashes = []
    for app, catalog in catalogs().items():
        for key, french in catalog.items():
            if key == "":  # the header
                continue
            if key in seen and seen[key][1] != french:
                clashes.append(f"{key!r}: {seen[key][0]} « {seen[key][1]} », {app} « {french} »")
            seen.setdefault(key, (app, french))
    assert not clashes, "\n".join(clashes)


def test_words_with_two_meanings_are_told_apart_by_their_context():
    with translation.override("fr"):
        assert translation.pgettext("meeting", "Agenda") == "Ordre du jour"
        assert translation.gettext("Agenda") == "Agenda"
        assert translation.pgettext("date range", "From") == "Du"
        assert translation.gettext("From") == "De"
        assert translation.pgettext("page title", "Search") == "Recherche"
