"""At 390 px: a contributor previews her Markdown without JavaScript's help and saves, then deletes
her page after the confirmation; a host's mention of a name two members share is refused with
a message (the feed's warning)."""

import pytest

from maillon.kb.models import Page
from maillon.spaces import services as space_services
from maillon.spaces.models import Role
from maillon.testing import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_save_delete_and_an_ambiguous_mention_at_390px(browser, kb):
    page = browser.phone()
    browser.force_login(page, kb.people.owner)
    page.goto(f"{browser.url}/espaces/{kb.space.slug}/base/nouvelle/")
    page.fill("#id_title", "Accueil des familles")
    page.fill("#id_body", "## Étapes\n\n1. **Accueillir** la famille\n2. Ouvrir le dossier\n\n> Penser au livret d'accueil.")
    page.get_by_role("button", name="Prévisualiser").click()
    page.wait_for_selector(".kb-preview strong")
    assert page.locator(".kb-preview strong").inner_text() == "Accueillir"
    assert not Page.objects.filter(title="Accueil des familles").exists()
    browser.screenshot(page, "kb-preview-390")
    page.get_by_role("button", name="Créer la page").click()
    page.wait_for_selector("h2.kb-title")
    created = Page.objects.get(title="Accueil des familles")
    page.get_by_role("link", name="Supprimer").click()
    page.wait_for_selector("text=Supprimer « Accueil des familles » ?")
    browser.screenshot(page, "kb-delete-390")
    page.get_by_role("button", name="Supprimer la page").click()
    page.wait_for_selector("text=La page « Accueil des familles » a été supprimée.")
    assert not Page.objects.filter(pk=created.pk).exists()

    twin = make_member(kb.third, sector_name="Secteur Enfance", username="jumelle", first_name="Claire", last_name="Fontaine")
    kb.people.owner.first_name, kb.people.owner.last_name = "Claire", "Fontaine"
    kb.people.owner.save()
    space_services.add_member(kb.space, twin, role=Role.READER, actor=kb.host)
    host = browser.phone()
    browser.force_login(host, kb.host)
    host.goto(f"{browser.url}/espaces/{kb.space.slug}/fil/publier/")
    host.fill("#id_text", "Merci @Claire Fontaine pour le compte rendu.")
    host.get_by_role("button", name="Publier").click()
    host.wait_for_selector("text=est le nom de plusieurs membres")
    browser.screenshot(host, "spaces-mention-ambiguous-390")
    browser.assert_clean()
