"""From scores and answers to a bundle of services and a training plan; rules edited by their owner."""

import pytest
from django.core.exceptions import ValidationError

from maillon.diagnostic import questionnaire, rules, services
from maillon.diagnostic.models import Rule

from .conftest import GOOD, worst


def keys(recommended):
    bundle, plan = recommended
    return [s.key for s in bundle], [m.key for m in plan]


def test_defaults_recommend_little_to_a_well_equipped_commune():
    bundle, plan = keys(rules.recommend(GOOD, questionnaire.score(GOOD), rules.DEFAULTS))
    # web 47 < 60 → procedures (staff's and citizens'); website « stale » → content; « newsletter » wished → mailings
    assert bundle == ["procedures", "content", "mailings", "citizen_procedures"]
    assert plan == ["online_procedures", "website"]


def test_defaults_recommend_a_full_bundle_to_a_commune_starting_out():
    answers = worst()
    bundle, plan = keys(rules.recommend(answers, questionnaire.score(answers), rules.DEFAULTS))
    # the catalogue's order; participation < 50 → consultations and ideas
    assert bundle == ["procedures", "agenda", "meetings", "content", "directory", "citizen_procedures", "participation"]
    assert plan == ["digital_basics", "online_procedures", "gdpr", "security", "incident", "participation", "meetings"]


def test_a_rule_on_a_ticked_option_fires_only_when_ticked():
    rule = rules.Condition("service", "mailings", question="participation_wishes", value="newsletter")
    assert rule.fires({"participation_wishes": ["ideas", "newsletter"]}, {})
    assert not rule.fires({"participation_wishes": ["ideas"]}, {})
    assert not rule.fires({}, {})


def test_wishes_of_participation_recommend_the_citizens_services():
    answers = {"participation_wishes": ["ideas", "reports"]}
    bundle, _plan = keys(rules.recommend(answers, dict.fromkeys(questionnaire.SCORED_AREAS, 100), rules.DEFAULTS))
    assert bundle == ["participation", "problem_reports"]


def test_a_rule_naming_a_removed_service_is_ignored():
    assert rules.recommend({}, {"web": 0}, [rules.Condition("service", "teleportation", area="web", below=50)]) == ([], [])


def test_the_commune_own_rules_replace_the_defaults(town, django_assert_max_num_queries):
    services.add_rule(town.commune, actor=town.director, kind="service", target="reception", area="security", below=101 - 1)
    assert Rule.objects.for_organisation(town.commune).count() == len(rules.DEFAULTS) + 1  # the defaults copied first
    conditions, defaults = services.conditions_for(town.commune)
    assert not defaults and conditions[-1].target == "reception"
    services.reset_rules(town.commune, actor=town.director)
    assert services.conditions_for(town.commune) == (list(rules.DEFAULTS), True)
    assert services.conditions_for(town.other)[1]  # the other commune never saw them


@pytest.mark.parametrize("fields, field", [
    ({"kind": "service", "target": "nope", "area": "web", "below": 50}, "target"),
    ({"kind": "training", "target": "procedures", "area": "web", "below": 50}, "target"),
    ({"kind": "service", "target": "procedures", "area": "size", "below": 50}, "area"),
    ({"kind": "service", "target": "procedures", "area": "web"}, "below"),
    ({"kind": "service", "target": "procedures", "area": "web", "below": 500}, "below"),
    ({"kind": "service", "target": "procedures", "question": "website", "value": "yes"}, "value"),
    ({"kind": "service", "target": "procedures", "question": "population", "value": "1"}, "question"),
    ({"kind": "service", "target": "procedures"}, "area"),
])
def test_a_bad_rule_is_refused_with_a_message_on_its_field(town, fields, field):
    with pytest.raises(ValidationError) as error:
        services.add_rule(town.commune, actor=town.director, **fields)
    assert field in error.value.message_dict
    assert not Rule.objects.exists()


def test_the_last_rule_cannot_be_removed(town):
    services.add_rule(town.commune, actor=town.director, kind="service", target="reception", area="web", below=10)
    for rule in Rule.objects.for_organisation(town.commune)[1:]:
        services.delete_rule(rule, actor=town.director)
    with pytest.raises(ValidationError):
        services.delete_rule(Rule.objects.for_organisation(town.commune).get(), actor=town.director)
