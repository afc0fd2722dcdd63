"""The form built from a schema: every kind, French messages on the field, kept input,
conditional rules, repeatable groups and their totals, IBAN and phone checks."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from maillon.procedures import schema as s
from maillon.procedures.catalog import TEMPLATES

SCHEMA = [
    {"key": "titre", "label": "Titre", "kind": "text", "required": True},
    {"key": "montant", "label": "Montant", "kind": "amount", "required": True},
    {"key": "iban", "label": "IBAN", "kind": "iban", "required": False},
    {"key": "tel", "label": "Téléphone", "kind": "phone", "required": False},
    {"key": "mail", "label": "E-mail", "kind": "email", "required": False},
    {"key": "periode", "label": "Période", "kind": "daterange", "required": False},
    {"key": "vehicule", "label": "Véhicule personnel", "kind": "yesno", "required": False},
    {"key": "immat", "label": "Immatriculation", "kind": "text", "required": True, "show_if": {"field": "vehicule", "value": "oui"}},
    {"key": "piece", "label": "Pièce", "kind": "file", "required": False, "extensions": ["pdf"], "max_size_mb": 1},
    {"key": "lignes", "label": "Lignes", "kind": "group", "required": False, "total": "prix",
     "fields": [{"key": "objet", "label": "Objet", "kind": "text"}, {"key": "prix", "label": "Prix", "kind": "amount"}]},
]


def bound(data, files=None, draft=False, answers=None):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return s.SubmissionForm(SCHEMA, query, files or {}, draft=draft, answers=answers)


VALID = {"titre": "Sortie", "montant": "12,50"}


def test_it_accepts_good_answers_and_stores_json():
    form = bound({**VALID, "iban": "fr76 3000 6000 0112 3456 7890 189", "tel": "06 12 34 56 78", "mail": "a@b.fr",
                  "periode__start": "2026-07-01", "periode__start_half": "afternoon", "periode__end": "2026-07-03", "periode__end_half": "morning",
                  "vehicule": "no", "lignes__rows": "2", "lignes__0__objet": "Car", "lignes__0__prix": "10,00", "lignes__1__prix": "2,5"})
    assert form.is_valid(), form.errors
    out = form.answers_out
    assert out["montant"] == "12.50"
    assert out["iban"] == "FR7630006000011234567890189"
    assert out["periode"] == {"start": "2026-07-01", "start_half": "afternoon", "end": "2026-07-03", "end_half": "morning"}
    assert out["vehicule"] is False and "immat" not in out
    assert out["lignes"] == [{"objet": "Car", "prix": "10.00"}, {"prix": "2.50"}]
    assert s.totals(SCHEMA, out) == {"lignes": Decimal("12.50")}
    assert s.amount_of(SCHEMA, out) == Decimal("12.50")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"montant": "5"}, "titre", "Ce champ est obligatoire."),
    ({**VALID, "montant": "douze"}, "montant", "Saisissez un montant en euros, par exemple 12,50."),
    ({**VALID, "montant": "-3"}, "montant", "supérieure ou égale à 0"),
    ({**VALID, "iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban", "Cet IBAN n’est pas valide"),
    ({**VALID, "tel": "12345"}, "tel", "Saisissez un numéro de téléphone"),
    ({**VALID, "mail": "pas-une-adresse"}, "mail", "Saisissez une adresse e-mail valide"),
    ({**VALID, "periode__start": "2026-07-03", "periode__end": "2026-07-01"}, "periode__end", "La fin est avant le début"),
    ({**VALID, "periode__start": "2026-07-03", "periode__start_half": "afternoon", "periode__end": "2026-07-03", "periode__end_half": "morning"},
     "periode__end", "La fin est avant le début"),
    ({**VALID, "vehicule": "yes"}, "immat", "Ce champ est obligatoire."),
])
def test_it_puts_a_french_message_on_the_field_and_keeps_what_was_typed(data, field, message):
    form = bound(data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    for key, value in data.items():
        assert form[key].value() == value


def test_it_checks_the_file_type_size_and_content():
    pdf = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    assert bound(VALID, {"piece": pdf}).is_valid()
    exe = SimpleUploadedFile("devis.exe", b"MZ....", content_type="application/octet-stream")
    form = bound(VALID, {"piece": exe})
    assert not form.is_valid() and "Ce type de fichier n’est pas accepté : utilisez pdf." in form.errors["piece"]
    big = SimpleUploadedFile("gros.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    form = bound(VALID, {"piece": big})
    assert not form.is_valid() and "Ce fichier est trop volumineux : 1 Mo au plus." in form.errors["piece"]
    fake = SimpleUploadedFile("faux.pdf", b"GIF89a", content_type="application/pdf")
    form = bound(VALID, {"piece": fake})
    assert not form.is_valid() and "ne correspond pas" in form.errors["piece"][0]


def test_it_lets_a_draft_skip_required_fields_but_not_formats():
    assert bound({}, draft=True).is_valid()
    form = bound({"iban": "FR00"}, draft=True)
    assert not form.is_valid() and "iban" in form.errors


def test_it_adds_a_group_line_on_request():
    form = bound({**VALID, "lignes__rows": "1", "add_row": "lignes"})
    assert form.rows["lignes"] == 2
    assert "lignes__1__prix" in form.fields


def test_it_ignores_hidden_fields_even_when_they_have_bad_values():
    form = bound({**VALID, "vehicule": "no", "immat": ""})
    assert form.is_valid(), form.errors
    assert "immat" not in form.answers_out


@pytest.mark.parametrize(("value", "expected", "result"), [
    (True, "oui", True), (False, "oui", False), (False, "non", True), ("RTT", "rtt", True),
    (["A", "B"], "b", True), (["A"], "b", False), (None, "x", False),
])
def test_it_matches_show_rules(value, expected, result):
    assert s.rule_matches(value, expected) is result


def _with_check_digits(country: str, bban: str) -> str:
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


@given(st.text(alphabet="0123456789", min_size=23, max_size=23))
def test_it_accepts_every_iban_with_right_check_digits_and_rejects_a_changed_digit(bban):
    iban = _with_check_digits("FR", bban)
    assert s.iban_is_valid(iban)
    assert s.iban_is_valid(" ".join(iban[i:i + 4] for i in range(0, len(iban), 4)).lower())
    changed = iban[:10] + str((int(iban[10]) + 1) % 10) + iban[11:]
    assert not s.iban_is_valid(changed)


@pytest.mark.parametrize("phone", ["06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "01.23.45.67.89", "+32 470 12 34 56"])
def test_it_accepts_french_and_international_phones(phone):
    s.validate_phone(phone)


def test_it_reports_schema_problems_in_french():
    problems = s.check_schema([{"key": "a", "label": "A", "kind": "choice", "choices": []},
                               {"key": "b", "label": "B", "kind": "text", "show_if": {"field": "zz", "value": "1"}}])
    assert "Champ « A » : donnez au moins un choix." in problems
    assert "Champ « B » : sa règle d’affichage doit porter sur un champ placé au-dessus." in problems
    assert s.check_schema([]) == ["Ajoutez au moins un champ avant de publier."]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_it_ships_sound_templates(key):
    template = TEMPLATES[key]
    assert s.check_schema(template["fields"]) == []
    form = s.SubmissionForm(template["fields"])
    assert form.sections()


def test_it_ships_the_17_procedures_of_seed_001_and_the_order_of_mission():
    titles = {t["title"] for t in TEMPLATES.values()}
    assert len(titles) == 18
    assert "Demande de véhicule / ordre de mission" in titles
    assert "Autorisation d'absence et demande de congé" in titles
    assert "Fiche de remboursement de frais / kilométrique" in titles


def test_a_select_offers_choose_like_every_other_form_not_a_dash():
    from maillon.ui.forms import empty_choice_label

    schema = [{"key": "salle", "label": "Salle", "kind": "choice", "required": True, "choices": ["Le Chêne", "Le Tilleul"]},
              {"key": "repas", "label": "Repas", "kind": "yesno", "required": True},
              {"key": "etage", "label": "Étage", "kind": "choice", "required": False, "choices": ["RDC", "1er"]}]
    for draft in (False, True):  # a draft kept with errors still says what is required
        html = str(s.SubmissionForm(schema, draft=draft))
        assert html.count('<option value="" selected>Choisir…</option>') == 2, html
        assert '<option value="" selected>Non précisé</option>' in html and "—" not in html
    assert empty_choice_label(True) == "Choisir…"
