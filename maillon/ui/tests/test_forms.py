"""Every form: no Django « --------- » choice, the « * » explained once, and after a refused
submission an error summary (linking to each field) and « Erreur : » in the page title."""

import re

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.template.loader import render_to_string

from maillon.organisations.models import Sector


class Request(forms.Form):
    sector = forms.ModelChoiceField(label="Secteur", queryset=Sector.objects.all())
    room = forms.ModelChoiceField(label="Salle", queryset=Sector.objects.all(), required=False)
    colour = forms.ChoiceField(label="Couleur", choices=BLANK_CHOICE_DASH + [("bleu", "Bleu")])
    mood = forms.ChoiceField(label="Humeur", choices=BLANK_CHOICE_DASH + [("ok", "Bien")], required=False)
    kind = forms.ModelChoiceField(label="Type", queryset=Sector.objects.all(), required=False, empty_label="Tous")
    agree = forms.BooleanField(label="J’accepte", required=False)


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>(.*?)</option>", select)


def test_the_empty_choice_is_french_never_dashes(people):
    Sector.objects.create(organisation=people.org, name="Jeunesse")
    html = render_to_string("ui/partials/form.html", {"form": Request()})
    assert "---------" not in html
    assert _options(html, "sector")[0] == "Choisir…" and _options(html, "colour")[0] == "Choisir…"
    assert _options(html, "room")[0] == "Non précisé" and _options(html, "mood")[0] == "Non précisé"
    assert _options(html, "kind")[0] == "Tous"  # a label the form chose stays


def test_the_required_mark_is_explained_once_and_only_when_a_field_is_required(people):
    html = render_to_string("ui/partials/form.html", {"form": Request()})
    assert html.count('class="required-note"') == 1 and "champ obligatoire" in html

    class Optional(forms.Form):
        note = forms.CharField(label="Note", required=False)

    assert "required-note" not in render_to_string("ui/partials/form.html", {"form": Optional()})


def test_a_refused_form_opens_with_a_summary_that_links_to_each_field(people):
    form = Request(data={"sector": "", "colour": "rouge"})
    assert not form.is_valid()
    html = render_to_string("ui/partials/form.html", {"form": form})
    summary = re.search(r'<div class="error-summary"(.*?)</div>', html, re.S).group(0)
    assert "autofocus" in summary and 'tabindex="-1"' in summary and "Il y a un problème" in summary
    assert re.findall(r'<a href="#(id_\w+)">', summary) == ["id_sector", "id_colour"]
    # each field's message is tied to its input, once, with a unique id
    assert html.count('id="id_sector_error"') == 1 and 'aria-describedby="id_sector_error"' in html


def test_the_page_title_says_error_after_a_refused_submission(people, login):
    client = login(people.owner)
    ok = client.get("/comptes/jetons/").content.decode()
    assert "<title>Erreur" not in ok and "data-error-summary" not in ok
    page = client.post("/comptes/jetons/", {"name": "", "expires_in_days": ""}).content.decode()
    assert re.search(r"<title>Erreur : ", page)
    assert "data-error-summary" in page and 'href="#id_name"' in page


class Sectioned(forms.Form):
    title = forms.CharField(label="Titre")
    day = forms.DateField(label="Date")
    place = forms.CharField(label="Lieu", required=False)
    note = forms.CharField(label="Note", required=False)
    field_sections = [("Quoi", ["title"]), ("Vide", ["absent"]), ("Quand et où", ["day", "place"])]


def test_a_long_form_shows_its_fields_in_titled_sections_and_its_errors_in_that_order(db):
    html = render_to_string("ui/partials/form.html", {"form": Sectioned()})
    sections = re.findall(r'<section class="form-section"><h2>(.*?)</h2>(.*?)</section>', html, re.S)
    assert [title for title, _body in sections] == ["Quoi", "Quand et où"]  # an empty section is dropped
    assert "Titre" in sections[0][1] and "Date" in sections[1][1] and "Lieu" in sections[1][1]
    assert "Note" in sections[1][1]  # a field no section names goes into the last one
    refused = render_to_string("ui/partials/form.html", {"form": Sectioned({"place": "Salle"}), "section_level": 3})
    assert '<section class="form-section"><h3>Quoi</h3>' in refused
    summary = re.search(r'class="error-summary".*?</div>', refused, re.S).group(0)
    assert summary.index("Titre") < summary.index("Date")
    assert "<section" not in render_to_string("ui/partials/form.html", {"form": Request()})
