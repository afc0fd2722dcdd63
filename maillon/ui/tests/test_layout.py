"""Dashboard, layout and entrance pages: French text, permissions, constant query counts."""

import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.notifications.models import Notification
from maillon.testing import OrganisationFactory, QueryCounter, make_member

pytestmark = pytest.mark.django_db

DASHBOARD = "/essais/tableau-de-bord/"


def test_it_greets_the_member_with_the_organisation_panel(people, login):
    client = login(people.owner)
    html = client.get(DASHBOARD).content.decode()
    assert f"Bonjour {people.owner.first_name}" in html
    assert "Mon organisation" in html
    assert "Secteur principal" in html and "Secteur Enfance" in html
    assert "Salarié·e / animateur·rice" in html
    # No grid of links repeating the navigation; the account's security stays one link away.
    assert "Accès rapides" not in html and "Sécurité du compte" in html
    assert "Aucune notification pour le moment." in html


def test_it_lists_the_sectors_of_sector_roles(people, login):
    coordinator = people.with_role(Role.COORDINATOR)
    html = login(coordinator).get(DASHBOARD).content.decode()
    assert "Coordinateur·rice de secteur" in html
    assert re.search(r"Coordinateur·rice de secteur</li>|Coordinateur·rice de secteur <span class=\"muted\">\(Secteur Enfance\)", html)


def test_it_offers_quick_links_only_for_what_the_role_may_use(people, login):
    staff_html = login(people.owner).get(DASHBOARD).content.decode()
    assert "Équipe et comptes" not in staff_html
    admin_html = login(people.with_role(Role.ADMIN)).get(DASHBOARD).content.decode()
    assert "Équipe et comptes" in admin_html


def test_it_shows_only_this_organisations_notifications(people, login):
    Notification.objects.create(recipient=people.owner, organisation=people.org, title="Réunion du secteur jeudi")
    Notification.objects.create(recipient=people.owner, organisation=people.other_org, title="Notification de l'autre centre")
    Notification.objects.create(recipient=people.colleague, organisation=people.org, title="Message pour une collègue")
    html = login(people.owner).get(DASHBOARD).content.decode()
    assert "Réunion du secteur jeudi" in html
    assert "Notification de l'autre centre" not in html
    assert "Message pour une collègue" not in html


def test_the_badge_counts_the_unread_notifications_of_the_panel_list_in_one_query(people, login):
    Notification.objects.bulk_create(
        [Notification(recipient=people.owner, organisation=people.org, title=f"Ici {i}") for i in range(7)]
        + [Notification(recipient=people.owner, organisation=None, title="Votre mot de passe a changé")]
        + [Notification(recipient=people.owner, organisation=people.other_org, title=f"Ailleurs {i}") for i in range(4)]
    )
    read = Notification.objects.filter(title__in=["Ici 0", "Ici 1"])
    read.update(read_at=timezone.now())
    client = login(people.owner)
    client.get(DASHBOARD)
    with QueryCounter() as queries:
        html = client.get(DASHBOARD).content.decode()
    assert re.search(r'data-unread-count[^>]*>6</span>', html)  # 5 unread here + 1 account-level, not the 4 elsewhere
    assert not [q for q in queries.captured_queries if 'COUNT(*)' in q["sql"] and "notifications_notification" in q["sql"]]
    # Elsewhere than the dashboard, the badge still counts the same set.
    page = client.get("/essais/notifications/").content.decode()
    assert re.search(r'data-unread-count[^>]*>6</span>', page)


def test_it_answers_404_to_an_outsider_and_sends_anonymous_people_to_login(people, login, client):
    assert client.get(DASHBOARD).status_code == 302
    assert client.get(DASHBOARD)["Location"].startswith(reverse("account_login"))
    assert login(people.outsider).get(DASHBOARD).status_code == 404
    assert login(people.outsider).get("/essais/menu/").status_code == 404


def test_it_keeps_the_dashboard_query_count_flat(people, login):
    owner = people.owner
    client = login(owner)
    Notification.objects.bulk_create(Notification(recipient=owner, organisation=people.org, title=f"n{i}") for i in range(5))
    client.get(DASHBOARD)  # the first visit stores the organisation in the session
    with QueryCounter() as few:
        assert client.get(DASHBOARD).status_code == 200
    Notification.objects.bulk_create(Notification(recipient=owner, organisation=people.org, title=f"m{i}") for i in range(45))
    for _ in range(3):
        make_member(OrganisationFactory(), Role.COORDINATOR, user=owner)
    client.get(DASHBOARD)  # now in several organisations: this visit remembers the current one in the session
    with QueryCounter() as many:
        html = client.get(DASHBOARD).content.decode()
    assert html.count('class="unread"') == 5  # the panel shows the latest five
    assert html.count("Centre social ") >= 3  # the organisation switcher lists the others
    assert len(many) == len(few) <= 12, [q["sql"] for q in many.captured_queries]


def test_the_last_organisation_is_remembered_only_for_people_in_several(people, login):
    client = login(people.owner)
    client.get(DASHBOARD)
    assert "organisation" not in client.session  # one organisation: nothing to remember, no session write
    assert client.get("/")["Location"] == DASHBOARD
    make_member(people.other_org, user=people.owner)
    client.get("/autre/tableau-de-bord/")
    assert client.session["organisation"] == "autre"
    assert client.get("/")["Location"] == "/autre/tableau-de-bord/"


def test_it_lets_a_person_of_several_organisations_choose(people, login):
    make_member(people.other_org, user=people.owner)
    client = login(people.owner)
    html = client.get("/").content.decode()
    assert "Choisir une organisation" in html
    assert "/essais/tableau-de-bord/" in html and "/autre/tableau-de-bord/" in html
    # Once an organisation is used, the home page goes straight to it.
    client.get("/autre/tableau-de-bord/")
    assert client.get("/")["Location"] == "/autre/tableau-de-bord/"


def test_it_explains_when_no_organisation_is_active(people, login):
    Membership.objects.filter(user=people.owner).update(is_active=False)
    html = login(people.owner).get("/").content.decode()
    assert "rattaché à aucune organisation active" in html


def test_it_renders_an_accessible_layout_without_inline_script(people, login):
    client = login(people.owner)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    assert 'class="skip-link" href="#contenu"' in html and "Aller au contenu" in html
    assert '<main id="contenu"' in html and "<header" in html and "<footer" in html
    assert 'aria-label="Navigation principale"' in html and 'aria-label="Navigation rapide"' in html
    assert 'aria-current="page"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("style-src")[0]
    # htmx only where a page uses it (issue 14: lighter first loads): not on the dashboard.
    assert "htmx.min.js" not in html
    menu = client.get("/essais/menu/").content.decode()
    assert "Tableau de bord" in menu and "Notifications" in menu


def test_htmx_is_loaded_by_every_page_that_uses_it_and_no_other():
    """Every template with hx- attributes fills base.html's htmx block, and no other does (a
    partial with hx- attributes would fail here: its pages must load htmx)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    uses, loads = set(), set()
    for path in root.glob("*/templates/**/*.html"):
        text = path.read_text()
        if re.search(r"\bhx-(get|post|put|patch|delete|trigger)=", text):
            uses.add(path.name)
        if 'include "ui/partials/htmx.html"' in text:
            loads.add(path.name)
    assert uses == loads, {"use htmx but do not load it": uses - loads, "load htmx for nothing": loads - uses}


def test_it_shows_the_feder_block_only_when_the_organisation_asks(people, login):
    client = login(people.owner)
    people.org.show_feder_block = False
    people.org.save()
    assert "cofinancé" not in client.get(DASHBOARD).content.decode()
    people.org.show_feder_block = True
    people.org.save()
    assert "Ce projet est cofinancé par l'Union Européenne avec le FEDER" in client.get(DASHBOARD).content.decode()


def test_it_styles_the_login_page_without_public_sign_up(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Connexion à Maillon" in html
    assert "Votre compte est créé par votre structure" in html
    assert "enregistrer" not in html and "signup" not in html
    assert 'class="field' in html and 'class="btn"' in html and 'class="btn secondary"' in html


def test_it_shows_french_errors_on_a_failed_login(people, client):
    response = client.post(reverse("account_login"), {"login": people.owner.username, "password": "mauvais"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="alert alert-error"' in html
    assert "incorrect" in html


def test_it_renders_allauth_panels_with_our_components(people, login):
    html = login(people.owner).get(reverse("mfa_index")).content.decode()
    assert 'class="box stack"' in html and 'class="btn"' in html
    assert "Retour à mon organisation" in html


def _current(html: str, nav_id: str) -> list[str]:
    """The labels of the links marked as the current page in one navigation."""
    nav = re.search(rf'<nav[^>]*id="{nav_id}".*?</nav>', html, re.S).group(0)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", a)).strip() for a in re.findall(r'<a [^>]*aria-current="page"[^>]*>.*?</a>', nav, re.S)]


def test_only_the_most_specific_navigation_entry_is_the_current_page(people, login):
    client = login(people.with_role(Role.COORDINATOR))
    plannings = client.get("/essais/agenda/plannings/").content.decode()
    assert _current(plannings, "navigation") == ["Plannings d'équipe"]
    agenda = client.get("/essais/agenda/").content.decode()
    assert _current(agenda, "navigation") == ["Planning"]
    assert _current(client.get("/essais/agenda/nouveau/").content.decode(), "navigation") == ["Planning"]
    # The phone's bottom bar has no « Plannings d'équipe »: its closest entry is « Planning », alone.
    bottom = re.search(r'<nav[^>]*aria-label="Navigation rapide".*?</nav>', plannings, re.S).group(0)
    assert len(re.findall(r'aria-current="page"', bottom)) == 1 and re.search(r'aria-current="page"[^>]*>.*?Planning<', bottom, re.S)
