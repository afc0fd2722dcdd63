"""The comms back office (Wagtail at /cms/) looks like part of Maillon: the organisation's colours
and logo, Maillon's style sheet and favicon, and « Publier » as the editor's main button."""

from django.core.files.base import ContentFile

from maillon.accounts.roles import Role
from maillon.content.editors import ensure_home
from maillon.content.templatetags.cms_brand import wagtail_variables
from maillon.organisations.forms import stored_logo
from maillon.organisations.tests.test_settings_page import png_bytes


def test_the_back_office_wears_the_organisations_colours_logo_and_name(people, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people.org.primary_colour = "#0b6e4f"
    people.org.logo = stored_logo(ContentFile(png_bytes(), name="logo.png"))
    people.org.save()
    comms = people.with_role(Role.COMMUNICATION)
    ensure_home(people.org)
    html = login(comms).get("/cms/").content.decode()
    assert "/static/content/css/cms.css" in html
    assert wagtail_variables("#0b6e4f", people.org.accent_colour) in html
    assert "--w-color-secondary-hue:161.2" in html  # Wagtail's buttons in the centre's green
    assert f'src="{people.org.logo.url}" alt="{people.org.name}" class="maillon-cms-logo"' in html
    assert "ui/img/favicon.svg" in html and "- Maillon</title>" in html
    assert f'<span class="maillon-cms-welcome"><img src="{people.org.logo.url}" alt=""' in html  # also on phones


def test_without_a_logo_the_back_office_shows_maillons_mark(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    ensure_home(people.org)
    html = login(comms).get("/cms/").content.decode()
    assert 'alt="Maillon" class="maillon-cms-logo"' in html


def test_publier_is_the_editors_main_button(people, login):
    comms = people.with_role(Role.COMMUNICATION)
    home = ensure_home(people.org)
    html = login(comms).get(f"/cms/pages/add/content/sectionpage/{home.pk}/").content.decode()
    footer = html[html.index('<footer class="footer'):]
    publish, draft = footer.find('name="action-publish"'), footer.find("Enregistrer le brouillon")
    assert -1 < publish < draft, footer[:1500]


def test_the_colours_given_to_wagtail_keep_white_text_readable():
    # A light yellow is darkened (organisations.theme) before it becomes Wagtail's button colour.
    variables = dict(rule.split(":") for rule in wagtail_variables("#ffdd00", "#b8336a").split(";"))
    assert float(variables["--w-color-secondary-lightness"].rstrip("%")) < 30
