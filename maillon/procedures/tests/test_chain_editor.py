"""The approval chain editor: the amount field the thresholds read, skip rules by the applicant's
role; their effect on real submissions; bad input in French; who may edit it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillon.accounts.roles import SECTOR_ROLES, Role
from maillon.procedures import services
from maillon.procedures.forms import ChainForm
from maillon.procedures.models import Procedure, Step
from maillon.procedures.policies import SKIP_RULE, SKIP_SELF, plan_chain

BASE = "/essais/demarches/gestion/"
SCHEMA = [
    {"key": "fournisseur", "label": "Fournisseur", "kind": "text", "required": True},
    {"key": "acompte", "label": "Acompte versé", "kind": "amount", "required": False},
    {"key": "lignes", "label": "Articles", "kind": "group", "required": True, "total": "prix",
     "fields": [{"key": "designation", "label": "Désignation", "kind": "text"}, {"key": "prix", "label": "Prix", "kind": "amount"}]},
]


def chain_post(**extra):
    data = {"reminder_days": "3", "amount_field": "", **{f"role_{i}": "" for i in range(5)}, **{f"label_{i}": "" for i in range(5)},
            **{f"min_amount_{i}": "" for i in range(5)}}
    data.update(extra)
    return data


@pytest.fixture
def order(enable):
    return enable("bon-commande")


def test_the_editor_lists_the_amount_fields_and_saves_a_threshold_on_the_chosen_one(people, chain, login, order):
    client = login(chain.hr)
    url = f"{BASE}{order.pk}/circuit/"
    html = client.get(url).content.decode()
    assert "Montant comparé aux seuils" in html and "Articles (total)" in html and "ignorer cette étape quand la personne qui demande est" in html
    response = client.post(url, chain_post(amount_field="lignes", role_0="coordinator", role_1="director", min_amount_1="500",
                                           label_1="Direction", role_2="hr", skip_roles_0=["supervisor"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.chain["amount_field"] == "lignes"
    assert order.chain["steps"] == [{"role": "coordinator", "skip_roles": ["supervisor"]},
                                    {"role": "director", "label": "Direction", "min_amount": "500"}, {"role": "hr"}]
    editor = client.get(f"{BASE}{order.pk}/").content.decode()
    assert "ignorée quand la personne qui demande est Encadrant·e" in editor


def test_the_threshold_reads_the_chosen_field_on_real_submissions(people, chain, make_request, order, flow):
    request = make_request(chain.hr)
    services.save_field(request, order, {"label": "Acompte versé", "kind": "amount", "required": False, "help": ""})
    key = order.schema[-1]["key"]
    # The organisation's own rule (the shipped chain has no threshold): the director from 500 €.
    steps = [{"role": "coordinator"}, {"role": "director", "min_amount": "500"}, {"role": "hr"}]
    services.update_procedure(request, order, chain={**order.chain, "steps": steps, "amount_field": key})
    services.publish(request, order)
    order.refresh_from_db()
    lines = [{"designation": "Table lumineuse", "quantite": "1", "prix": "900.00"}]
    answers = {"fournisseur": "Papeterie", "action": "Atelier BD", "lignes": lines}
    small = flow.submit(people.owner, order, {**answers, key: "50.00"})
    assert small.amount == Decimal("50.00")
    assert [s.role for s in Step.objects.filter(submission=small)] == ["coordinator", "hr"]  # 900 € of lines, but the deposit is read
    big = flow.submit(people.owner, order, {**answers, key: "600.00"})
    assert [s.role for s in Step.objects.filter(submission=big)] == ["coordinator", "director", "hr"]


def test_a_skip_rule_skips_the_step_for_an_applicant_with_that_role(people, chain, make_request, enable, flow):
    procedure = enable("formation")
    request = make_request(chain.hr)
    steps = [{"role": "coordinator", "skip_roles": ["supervisor"]}, {"role": "hr"}, {"role": "director"}]
    services.update_procedure(request, procedure, chain={**procedure.chain, "steps": steps})
    services.publish(request, procedure)
    procedure.refresh_from_db()
    supervisor = people.with_role(Role.SUPERVISOR, sector_name="Secteur Enfance")
    answers = {"intitule": "PSC1", "organisme": "Protection civile", "dates": {"start": "2030-03-05", "start_half": "morning", "end": "2030-03-05", "end_half": "afternoon"},
               "cout": "60.00", "financement": "CPF", "objectifs": "Secourir"}
    skipped = flow.submit(supervisor, procedure, answers)
    first = Step.objects.get(submission=skipped, position=1)
    assert first.status == Step.Status.SKIPPED and first.skip_reason == SKIP_RULE
    assert flow.waiting(skipped).role == "hr"
    kept = flow.submit(people.owner, procedure, answers)
    assert flow.waiting(kept).role == "coordinator"


def test_bad_chain_input_is_explained_in_french_and_kept(people, chain, login, enable):
    client = login(chain.hr)
    badge = enable("remise-badge")  # its only amount field is conditional: still an amount field
    acompte = enable("convention-benevolat")  # no amount at all
    response = client.post(f"{BASE}{acompte.pk}/circuit/", chain_post(role_0="director", min_amount_0="100", label_0="Direction générale"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cette démarche n’a pas de champ montant" in html and 'value="Direction générale"' in html
    response = client.post(f"{BASE}{acompte.pk}/circuit/", chain_post(min_amount_0="100"))
    assert "Choisissez le rôle de cette étape" in response.content.decode()
    response = client.post(f"{BASE}{badge.pk}/circuit/", chain_post(role_0="hr", amount_field="nimporte"))
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(f"{BASE}{badge.pk}/circuit/", chain_post(role_0="hr", min_amount_0="-3"))
    assert response.status_code == 200 and "supérieure ou égale à 0" in response.content.decode()


def test_only_managers_of_the_organisation_edit_the_chain(people, chain, login, order):
    url = f"{BASE}{order.pk}/circuit/"
    assert login(people.owner).get(url).status_code == 403
    assert login(chain.coordinator).post(url, chain_post(role_0="hr")).status_code == 403
    assert login(people.outsider).get(f"/autre/demarches/gestion/{order.pk}/circuit/").status_code == 403
    other_hr = people.with_role(Role.HR, sector_name=None, organisation=people.other_org)
    assert login(other_hr).get(f"/autre/demarches/gestion/{order.pk}/circuit/").status_code == 404
    assert Procedure.objects.get(pk=order.pk).chain == order.chain


def test_deleting_the_amount_field_falls_back_to_the_first_amount(people, chain, make_request, order):
    request = make_request(chain.hr)
    services.update_procedure(request, order, chain={**order.chain, "amount_field": "lignes"})
    services.delete_field(request, order, "lignes")
    assert Procedure.objects.get(pk=order.pk).chain["amount_field"] == ""


# ---- properties of the form and of the plan ---------------------------------------------

ROLES = ["coordinator", "supervisor", "hr", "director", "reception"]
step_rows = st.lists(st.fixed_dictionaries({
    "role": st.sampled_from(ROLES), "min_amount": st.one_of(st.none(), st.sampled_from(["0", "100", "500.5"])),
    "skip_roles": st.lists(st.sampled_from(ROLES + ["staff"]), unique=True, max_size=3)}), min_size=1, max_size=5)


@given(step_rows, st.sampled_from(["", "acompte", "lignes"]))
def test_the_form_round_trips_any_chain(rows, amount_field):
    data = {"reminder_days": "2", "amount_field": amount_field}
    for i, row in enumerate(rows):
        data[f"role_{i}"] = row["role"]
        data[f"min_amount_{i}"] = (row["min_amount"] or "").replace(".", ",")
        data[f"skip_roles_{i}"] = row["skip_roles"]
    form = ChainForm(data, schema=SCHEMA)
    assert form.is_valid(), form.errors
    assert form.chain["amount_field"] == amount_field
    saved = form.chain["steps"]
    assert [s["role"] for s in saved] == [r["role"] for r in rows]
    for step, row in zip(saved, rows, strict=True):
        assert step.get("skip_roles", []) == [r for r in row["skip_roles"] if r != row["role"]]
        assert (Decimal(step["min_amount"]) if "min_amount" in step else None) == (Decimal(row["min_amount"]) if row["min_amount"] else None)
    again = ChainForm(schema=SCHEMA, chain=form.chain)
    assert [again.initial.get(f"role_{i}") for i in range(len(rows))] == [r["role"] for r in rows]


assignment = st.tuples(st.sampled_from(ROLES + ["staff"]), st.one_of(st.none(), st.sampled_from([1, 2])))


@given(step_rows, st.lists(assignment, max_size=4), st.sampled_from([1, 2]))
def test_a_step_is_skipped_by_rule_exactly_when_the_applicant_holds_a_skip_role(rows, applicant, sector):
    chain = {"steps": [{k: v for k, v in r.items() if v not in (None, [])} for r in rows]}
    everyone = [(r, s) for r in ROLES for s in (1, 2)] + [(r, None) for r in ROLES]
    planned = plan_chain(chain, applicant, sector, Decimal("1000"), holders=everyone)
    assert len(planned) == len(rows)
    for step, row in zip(planned, rows, strict=True):
        own = any(r == row["role"] and (row["role"] not in SECTOR_ROLES or s == sector) for r, s in applicant)
        rule = any(r == skip and (skip not in SECTOR_ROLES or s == sector) for skip in row["skip_roles"] for r, s in applicant)
        expected = SKIP_SELF if own else ("rule" if rule else "")
        assert step.skip_reason == expected
