"""differences(old, new) between two snapshots: a pure function, checked on generated frameworks."""

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.competencies.framework import differences

names = st.text(alphabet="abcdéèxyz ", min_size=1, max_size=8).map(str.strip).filter(bool)


@st.composite
def snapshots(draw):
    profiles = draw(st.lists(names, max_size=3, unique=True))
    domain_codes = draw(st.lists(st.sampled_from(["D1", "D2", "D3", "D4"]), max_size=4, unique=True))
    codes = iter(f"C{i}" for i in range(100))
    domains = []
    for code in domain_codes:
        competencies = [{"code": next(codes), "name": draw(names), "description": draw(st.sampled_from(["", "a", "b"])),
                         "profiles": draw(st.lists(st.sampled_from(profiles), unique=True)) if profiles else [],
                         "indicators": draw(st.lists(st.sampled_from(["i1", "i2", "i3", "i4"]), max_size=3, unique=True))}
                        for _ in range(draw(st.integers(0, 3)))]
        domains.append({"code": code, "name": draw(names), "description": "", "competencies": competencies})
    return {"levels": [{"name": n, "description": ""} for n in draw(st.lists(names, max_size=4))],
            "profiles": [{"name": n, "description": ""} for n in profiles], "domains": domains}


def keys(snapshot, what):
    if what == "domain":
        return {d["code"] for d in snapshot["domains"]}
    if what == "competency":
        return {c["code"] for d in snapshot["domains"] for c in d["competencies"]}
    if what == "profile":
        return {p["name"] for p in snapshot["profiles"]}
    return {str(i + 1) for i in range(len(snapshot["levels"]))}


@settings(max_examples=150, deadline=None)
@given(snapshots())
def test_a_snapshot_has_no_difference_with_itself(snapshot):
    assert differences(snapshot, snapshot) == []


@settings(max_examples=150, deadline=None)
@given(snapshots(), snapshots())
def test_added_and_removed_are_the_keys_on_one_side_only_and_swap_when_reversed(old, new):
    changes = differences(old, new)
    for what in ("level", "profile", "domain", "competency"):
        added = {c.key for c in changes if c.kind == "added" and c.what == what}
        removed = {c.key for c in changes if c.kind == "removed" and c.what == what}
        assert added == keys(new, what) - keys(old, what)
        assert removed == keys(old, what) - keys(new, what)
    backwards = differences(new, old)
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert sorted((flip[c.kind], c.what, c.key) for c in changes) == sorted((c.kind, c.what, c.key) for c in backwards)


@settings(max_examples=100, deadline=None)
@given(snapshots(), st.data())
def test_one_change_to_one_competency_is_reported_once_as_changed(snapshot, data):
    competencies = [c for d in snapshot["domains"] for c in d["competencies"]]
    if not competencies:
        return
    target = data.draw(st.sampled_from(competencies))
    import copy

    new = copy.deepcopy(snapshot)
    for domain in new["domains"]:
        for competency in domain["competencies"]:
            if competency["code"] == target["code"]:
                competency["description"] += " (revue)"
                competency["indicators"] = [*competency["indicators"], "nouvel indicateur"]
    changes = differences(snapshot, new)
    assert [(c.kind, c.what, c.key, c.detail) for c in changes if c.what == "competency"] == [
        ("changed", "competency", target["code"], "description")]
    assert [(c.kind, c.what) for c in changes if c.what == "indicator"] == [("added", "indicator")]
    assert len(changes) == 2


def test_a_hand_made_example():
    old = {"levels": [{"name": "Découverte"}], "profiles": [{"name": "A"}],
           "domains": [{"code": "D", "name": "Dom", "competencies": [
               {"code": "X", "name": "Écrire", "description": "", "profiles": ["A"], "indicators": ["lit", "écrit"]},
               {"code": "Y", "name": "Compter", "description": "", "profiles": [], "indicators": []}]}]}
    new = {"levels": [{"name": "Découverte"}, {"name": "Pratique"}], "profiles": [{"name": "A"}],
           "domains": [{"code": "D", "name": "Domaine", "competencies": [
               {"code": "X", "name": "Écrire", "description": "", "profiles": [], "indicators": ["écrit", "relit"]},
               {"code": "Z", "name": "Dessiner", "description": "", "profiles": [], "indicators": []}]}]}
    found = {(c.kind, c.what, c.label) for c in differences(old, new)}
    assert found == {("added", "level", "Pratique"), ("changed", "domain", "Domaine"), ("changed", "competency", "Écrire"),
                     ("added", "competency", "Dessiner"), ("removed", "competency", "Compter"),
                     ("added", "indicator", "X · relit"), ("removed", "indicator", "X · lit")}
