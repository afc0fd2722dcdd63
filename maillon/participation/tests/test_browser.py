"""The public pages of participation at 390 px with JavaScript disabled: a citizen answers a
consultation, proposes an idea and supports another; axe finds no violation on any public page
(WCAG 2.1 A/AA), nothing scrolls sideways. Screenshots under /tmp/participation/."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone

from maillon.citizens.models import Moderation
from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import login_citizen, make_commune
from maillon.participation import services
from maillon.participation.models import Answer, Consultation, Idea, IdeaSupport, Option
from maillon.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}
SHOTS = Path(os.environ.get("PARTICIPATION_SCREENSHOTS", "/tmp/participation"))


def _violations(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS)
    return [f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']}" for v in results.response["violations"]]


def _data():
    commune = make_commune("saint-essai", services=("participation",), name="Saint-Essai-sur-Gers")
    now = timezone.now()
    place = Consultation.objects.create(organisation=commune, title="Aménagement de la place de la mairie",
                                        question="La place sera refaite l'an prochain. Quel aménagement préférez-vous ?",
                                        opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=12))
    for i, label in enumerate(["Une place piétonne avec des arbres", "Un parking paysager", "Un espace mixte avec un marché"]):
        Option.objects.create(organisation=commune, consultation=place, label=label, position=i)
    closed = Consultation.objects.create(organisation=commune, title="Nom de la nouvelle école", question="Quel nom choisir ?",
                                         opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=10))
    options = [Option.objects.create(organisation=commune, consultation=closed, label=label, position=i)
               for i, label in enumerate(["École des Tilleuls", "École de la Gimone"])]
    people = [verified_citizen(f"habitant{n}@exemple.test") for n in range(7)]
    for n, citizen in enumerate(people):
        Answer.objects.create(organisation=commune, consultation=closed, citizen=citizen, identity_key=citizen.identity_key,
                              option=options[n % 2 if n < 5 else 0], moderation=Moderation.PUBLISHED)
    benches = Idea.objects.create(organisation=commune, citizen=people[0], title="Des bancs à l'ombre près de l'école",
                                  body="Les parents attendent en plein soleil.", status=Idea.Status.ACCEPTED,
                                  answer="Deux bancs seront posés avant l'été.", moderation=Moderation.PUBLISHED)
    for citizen in people[:4]:
        IdeaSupport.objects.create(organisation=commune, idea=benches, citizen=citizen, identity_key=citizen.identity_key)
    Idea.objects.create(organisation=commune, citizen=people[1], title="Une boîte à livres", body="À la salle des fêtes.",
                        status=Idea.Status.DONE, moderation=Moderation.PUBLISHED)
    return commune, place, closed, benches


def test_a_citizen_answers_proposes_and_supports_without_javascript(browser, capsys):
    commune, place, closed, benches = _data()
    citizen = verified_citizen("lea@exemple.test", given_name="Léa")
    client = Client()
    login_citizen(client, citizen)
    context = browser.chromium.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": browser.url}])
    anonymous = browser.chromium.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    page, visitor = context.new_page(), anonymous.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, seen = [], []

    # axe runs on a promise and timers, which a page without JavaScript never runs: the page the
    # script-less browser got is checked as it is, in a JavaScript-enabled tab of the same origin.
    auditor = browser.chromium.new_context(viewport=PHONE, locale="fr-FR").new_page()

    def check(p, name):
        auditor.goto(p.url)
        auditor.set_content(p.content())
        found = _violations(auditor)
        problems.extend(f"{name}: {v}" for v in found)
        width = p.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{name}: {width} px wide")
        p.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
        seen.append((name, len(found)))

    base = f"{browser.url}/{commune.slug}"
    visitor.goto(f"{base}/consultations/")
    check(visitor, "consultations")
    visitor.goto(f"{base}/consultations/{place.pk}/")
    assert visitor.get_by_role("link", name="Se connecter pour répondre").count() == 1
    check(visitor, "consultation-signed-out")
    visitor.goto(f"{base}/consultations/{closed.pk}/")
    assert "71,4 %" in visitor.content() and "28,6 %" in visitor.content()
    check(visitor, "consultation-results")
    visitor.goto(f"{base}/idees/")
    check(visitor, "ideas")

    # The citizen answers with the radio buttons and the submit button: no script.
    page.goto(f"{base}/consultations/{place.pk}/")
    check(page, "consultation-form")
    page.get_by_label("Un parking paysager").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    assert "Merci, votre réponse est enregistrée." in page.content()
    assert Answer.objects.get(consultation=place).identity_key == citizen.identity_key
    check(page, "consultation-answered")
    # A refused idea (empty), then a good one.
    page.goto(f"{base}/idees/proposer/")
    check(page, "propose")
    page.get_by_role("button", name="Envoyer mon idée").click()
    assert "Ce champ est obligatoire." in page.content()
    check(page, "propose-refused")
    page.get_by_label("Votre idée en quelques mots").fill("Une fontaine à eau sur la place")
    page.get_by_label("Décrivez-la").fill("Pour les cyclistes et les randonneurs.")
    page.get_by_role("button", name="Envoyer mon idée").click()
    assert "en attente de modération" in page.content()
    check(page, "idea-pending")
    # Support another idea, then withdraw.
    page.goto(f"{base}/idees/{benches.pk}/")
    page.get_by_role("button", name="Soutenir cette idée").click()
    assert "5 personnes soutiennent cette idée." in page.content()
    check(page, "idea")
    page.get_by_role("button", name="Retirer mon soutien").click()
    assert "4 personnes soutiennent cette idée." in page.content()
    assert services.supported_ids(citizen, [benches.pk]) == set()
    context.close()
    anonymous.close()
    auditor.context.close()
    with capsys.disabled():
        print("\naxe at 390 px, JavaScript off (page: violations):", ", ".join(f"{n}: {c}" for n, c in seen))
    assert problems == []
