"""The builder's primary button: « Aucune modification à publier » (disabled) while the draft is
the online version, even after a save that changed nothing; « Publier une nouvelle version »
once something differs; a stale POST never creates an identical version."""

import pytest

from maillon.procedures import services

pytestmark = pytest.mark.django_db

BASE = "/essais/demarches/gestion/"


def test_the_publish_button_says_there_is_nothing_to_publish_until_the_draft_changes(people, chain, login, enable, make_request):
    procedure = enable("frais-kilometriques")
    client = login(chain.communication)
    editor = f"{BASE}{procedure.pk}/"
    page = client.get(editor).content.decode()
    assert "Aucune modification à publier" in page and "Publier une nouvelle version" not in page

    client.post(f"{editor}publier/")  # a stale page: no identical version 2
    assert procedure.versions.count() == 1

    services.update_procedure(make_request(chain.communication), procedure, title=procedure.title)  # saved, unchanged
    page = client.get(editor).content.decode()
    assert "Aucune modification à publier" in page and "modifications non publiées" not in page

    services.update_procedure(make_request(chain.communication), procedure, title="Frais kilométriques (2027)")
    page = client.get(editor).content.decode()
    assert "Publier une nouvelle version" in page and "Aucune modification à publier" not in page
    client.post(f"{editor}publier/")
    assert procedure.versions.count() == 2
    assert "Aucune modification à publier" in client.get(editor).content.decode()
