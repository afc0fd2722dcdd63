"""The publications on a phone (390 px) and a desktop (1280 px): the list, a published narrative
with its quotes and tables, the edit page of a draft; no console error nor CSP violation."""

from __future__ import annotations

import pytest

from maillon.competencies import publications as services

from .test_publications import END, START, World


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_publications_pages_on_a_phone_and_a_desktop(browser, people):
    from datetime import date

    w = World(people)
    w.entry(w.alice, date(2027, 1, 5), consent=True, themes=[w.rights], competencies=[w.c1, w.c2],
            happened="Une famille a ouvert son espace CAF seule après trois ateliers.", blocked="Le site était en panne le matin.",
            tried="Un pas-à-pas imprimé, laissé à l’accueil.")
    w.entry(w.bruno, date(2027, 2, 3), themes=[w.parents], competencies=[w.c2], happened="Atelier parents.")
    published = services.prepare(w.framework, "narrative", START, END, user=w.editor)
    services.publish(published, user=w.editor)
    draft = services.prepare(w.framework, "yearly_note", date(2027, 1, 1), date(2027, 12, 31), user=w.editor)
    base = f"{browser.url}/{w.org.slug}/parcours/publications/"
    for viewport, suffix in (("phone", "390"), ("desktop", "1280")):
        page = getattr(browser, viewport)()
        browser.force_login(page, w.editor)
        page.goto(base)
        assert page.get_by_text(published.title).first.is_visible()
        browser.screenshot(page, f"publications-list-{suffix}")
        page.goto(f"{base}{published.pk}/")
        assert page.locator(".kb-body blockquote").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1
        browser.screenshot(page, f"publications-narrative-{suffix}")
        page.goto(f"{base}{draft.pk}/modifier/")
        assert page.locator("textarea[name=body]").is_visible()
        browser.screenshot(page, f"publications-edit-{suffix}")
    browser.assert_clean()
