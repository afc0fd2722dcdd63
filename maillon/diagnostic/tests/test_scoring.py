"""Scoring by area: hand cases and properties over any answers."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.diagnostic import questionnaire, selfcheck
from maillon.diagnostic.questionnaire import score

from .conftest import GOOD, worst


def test_it_scores_hand_cases():
    assert score(GOOD) == {"tools": 100, "web": 47, "data": 100, "security": 100, "participation": 100}
    # web: website « stale » 40, procedures « most » 100, no accessibility statement 0 → 140 / 3 = 46.7
    assert questionnaire.overall(score(GOOD)) == 89


def test_it_scores_nothing_done_as_zero():
    assert score(worst()) == dict.fromkeys(questionnaire.SCORED_AREAS, 0)
    assert score({}) == dict.fromkeys(questionnaire.SCORED_AREAS, 0)


def test_it_scores_a_mixed_security_area_by_hand():
    answers = {"backups": "occasional", "passwords": "personal", "updates": "regular", "antivirus": "yes", "admin_accounts": "no"}
    # (40 + 50 + 60 + 100 + 0) / 5 = 50
    assert score(answers)["security"] == 50


def test_it_counts_ticked_tools_and_ignores_unknown_or_repeated_ticks():
    assert score({"tools_used": ["office", "video"], "own_domain": "no"})["tools"] == 20  # (40 + 0) / 2
    assert score({"tools_used": ["office", "office", "spaceship"], "own_domain": "yes"})["tools"] == 60  # (20 + 100) / 2


def test_participation_wishes_are_not_scored():
    assert score({"participation_now": "occasional", "participation_wishes": ["ideas", "reports"]})["participation"] == 50


def _answer_strategy(q):
    values = [v for v, _label, _points in q.options]
    if q.kind == questionnaire.NUMBER:
        return st.integers(min_value=0, max_value=q.maximum)
    if q.kind == questionnaire.CHOICE:
        return st.sampled_from(values + ["", "n'importe quoi"])
    return st.lists(st.sampled_from(values + ["inconnu"]), max_size=8)


ANSWERS = st.fixed_dictionaries({}, optional={q.key: _answer_strategy(q) for q in questionnaire.QUESTIONS})


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANSWERS)
def test_every_area_scores_between_0_and_100(answers):
    result = score(answers)
    assert set(result) == set(questionnaire.SCORED_AREAS)
    assert all(0 <= v <= 100 for v in result.values())


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANSWERS, st.sampled_from([q for q in questionnaire.QUESTIONS if q.scored]))
def test_a_better_answer_never_lowers_a_score(answers, question):
    best = max(question.options, key=lambda o: o[2])[0]
    improved = dict(answers, **{question.key: best if question.kind == questionnaire.CHOICE else [v for v, _l, _p in question.options]})
    before, after = score(answers), score(improved)
    assert all(after[a] >= before[a] for a in before)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers())))
def test_malformed_answers_score_zero_without_error(garbage):
    assert score(garbage) == dict.fromkeys(questionnaire.SCORED_AREAS, 0)
    assert score(dict.fromkeys(questionnaire.BY_KEY, garbage)) == dict.fromkeys(questionnaire.SCORED_AREAS, 0)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sets(st.sampled_from([i.key for i in selfcheck.ITEMS] + ["unknown"])))
def test_selfcheck_score_is_the_share_of_practices_in_place(done):
    known = done - {"unknown"}
    assert selfcheck.score(done) == round(100 * len(known) / len(selfcheck.ITEMS))
    assert len(selfcheck.actions_left(done)) == len(selfcheck.ITEMS) - len(known)


def test_selfcheck_hand_cases():
    assert len(selfcheck.ITEMS) == 15
    assert selfcheck.score([]) == 0
    assert selfcheck.score([i.key for i in selfcheck.ITEMS]) == 100
    assert selfcheck.score(["backups", "updates", "mfa"]) == 20
