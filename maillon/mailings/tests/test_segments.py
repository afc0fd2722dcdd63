"""Segment counts against a hand count: the people are read into Python and filtered by the rules
of segments.py written again plainly (AND between criteria, OR inside one)."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.mailings import segments
from maillon.organisations.models import Federation, Organisation
from maillon.spaces import services as space_services
from maillon.spaces.models import Role as SpaceRole
from maillon.spaces.models import SpaceMember, SpaceOrganisation
from maillon.testing import OrganisationFactory, make_member

ROLE_PATTERN = [(), (Role.COORDINATOR,), (Role.HR,), (Role.DIRECTOR,), (Role.RECEPTION, Role.COMMUNICATION), (Role.SUPERVISOR,)]


@pytest.fixture
def population(senders):
    people, world = senders.people, senders.world
    for index in range(10):
        user = make_member(people.org, *ROLE_PATTERN[index % len(ROLE_PATTERN)], username=f"essai{index}")
        if index == 3:
            user.email = ""
            user.save()
        if index == 4:
            Membership.objects.filter(user=user).update(is_active=False)
        if index == 5:
            user.is_active = False
            user.save()
        if index % 3 == 0:
            space_services.add_member(world.space, user, role=SpaceRole.READER, actor=world.host)
    for index in range(4):
        make_member(people.other_org, *ROLE_PATTERN[index], username=f"autre{index}")
    link = SpaceOrganisation.objects.create(space=world.space, organisation=world.third)
    link.accepted_at = timezone.now()
    link.save()
    make_member(world.third, Role.DIRECTOR, username="troisieme_directeur")
    # A communication officer of the other centre who hosts the space too: both ways in.
    both = make_member(people.other_org, Role.COMMUNICATION, username="comm_hote")
    SpaceMember.objects.create(space=world.space, user=both, role=SpaceRole.HOST)
    return {"director": senders.director, "host": world.host, "both": both}


def hand_count(scope, criteria) -> set[int]:
    users = {u.pk: u for u in get_user_model().objects.all()}
    memberships = [(m.user_id, m.organisation_id, m.organisation.kind, m.is_active and m.organisation.is_active,
                    {a.role for a in m.role_assignments.all()})
                   for m in Membership.objects.select_related("organisation").prefetch_related("role_assignments")]
    direct = set(SpaceMember.objects.values_list("space_id", "user_id"))
    accepted = set(SpaceOrganisation.objects.filter(accepted_at__isnull=False).values_list("space_id", "organisation_id"))
    reach = set(scope.organisation_ids) if scope.full else set()

    def active_in(uid, orgs):
        return any(m[0] == uid and m[3] and m[1] in orgs for m in memberships)

    def in_spaces(uid, space_ids):
        return any((sid, uid) in direct or active_in(uid, {o for s, o in accepted if s == sid}) for sid in space_ids)

    found = set()
    for uid, user in users.items():
        if not user.is_active or not user.email:
            continue
        if not (active_in(uid, reach) or in_spaces(uid, scope.space_ids)):
            continue
        if criteria.get("organisations") and not active_in(uid, {int(v) for v in criteria["organisations"]}):
            continue
        if criteria.get("kinds") and not active_in(uid, {o.pk for o in scope.organisations if o.kind in criteria["kinds"]}):
            continue
        if criteria.get("roles") and not any(m[0] == uid and m[3] and m[1] in reach and m[4] & set(criteria["roles"]) for m in memberships):
            continue
        if criteria.get("spaces") and not in_spaces(uid, [int(v) for v in criteria["spaces"]]):
            continue
        found.add(uid)
    return found


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_it_counts_what_a_hand_count_finds(population, senders, data):
    who = data.draw(st.sampled_from(["director", "host", "both"]))
    user = population[who]
    organisation = senders.people.org if who == "director" else senders.people.other_org
    scope = senders.scope(user, organisation)
    criteria = {}
    for criterion in segments.criteria_for(scope):
        values = [v for v, _label in criterion.choices(scope)]
        picked = data.draw(st.lists(st.sampled_from(values), unique=True, max_size=3) if values else st.just([]))
        if picked:
            criteria[criterion.key] = picked
    found = segments.recipients(scope, segments.clean_criteria(scope, criteria))
    assert found.count() == len(hand_count(scope, criteria))
    assert set(found.values_list("pk", flat=True)) == hand_count(scope, criteria)


def test_it_gives_a_host_only_the_spaces_criterion(population, senders):
    scope = senders.scope(population["host"], senders.people.other_org)
    assert not scope.full
    assert [c.key for c in segments.criteria_for(scope)] == ["spaces", "skills"]
    # Criteria the host may not use are dropped, not obeyed.
    assert segments.clean_criteria(scope, {"roles": [Role.DIRECTOR], "organisations": [str(senders.people.org.pk)]}) == {}
    names = set(segments.recipients(scope, {}).values_list("username", flat=True))
    assert {"proprietaire", "hote", "troisieme_directeur", "etranger", "essai0"} <= names
    assert "collegue" not in names  # a colleague of a member who is not in the space


def test_it_reaches_the_federations_organisations_from_a_federation_office(people):
    federation = Federation.objects.create(name="Fédération des essais", slug="fede-essais")
    office = OrganisationFactory(name="Bureau fédéral", slug="bureau", kind=Organisation.Kind.FEDERATION)
    for organisation in (office, people.org, people.other_org):
        organisation.federations.add(federation)
    director = make_member(office, Role.DIRECTOR, username="deleguee")
    scope = segments.scope_for(director.memberships.with_roles().get())
    assert set(scope.organisation_ids) == {office.pk, people.org.pk, people.other_org.pk}
    assert {k for k, _label in segments.CRITERIA["kinds"].choices(scope)} == {Organisation.Kind.FEDERATION, Organisation.Kind.SOCIAL_CENTRE}
    only_centres = segments.recipients(scope, {"kinds": [Organisation.Kind.SOCIAL_CENTRE]})
    assert set(only_centres.values_list("username", flat=True)) == {"proprietaire", "collegue", "autresecteur", "exterieur"}
    # A centre's director reaches only their own centre.
    centre_director = make_member(people.org, Role.DIRECTOR, username="dir_essais")
    assert segments.scope_for(centre_director.memberships.with_roles().get()).organisation_ids == [people.org.pk]


def test_it_lets_another_app_add_a_criterion(senders):
    from django.db.models import Q

    scope = senders.scope(senders.director)
    segments.register_criterion(segments.Criterion("test_names", "Noms", lambda s: [("p", "P")],
                                                   lambda s, values: Q(username="proprietaire"), order=99))
    try:
        found = segments.recipients(scope, segments.clean_criteria(scope, {"test_names": ["p"], "unknown": ["x"]}))
        assert list(found.values_list("username", flat=True)) == ["proprietaire"]
    finally:
        segments.CRITERIA.pop("test_names")


def test_it_finds_people_by_skill_as_the_skills_directory_lets_them(senders):
    from maillon.expertise import services as expertise
    from maillon.expertise.models import Domain, Profile, Skill

    people = senders.people
    skill = Skill.objects.create(domain=Domain.objects.create(name="Numérique"), name="Accompagnement aux démarches")
    expertise.declare(people.owner, skill, level=3, contactable=True)
    expertise.declare(people.colleague, skill, level=3, contactable=False)  # did not accept to be contacted
    expertise.declare(people.other_sector, skill, level=2, contactable=True)
    Profile.objects.create(user=people.other_sector, hidden=True)  # hid themselves
    expertise.declare(people.outsider, skill, level=3, contactable=True)  # outside the sender's reach
    scope = senders.scope(senders.director)
    assert (str(skill.pk), "Numérique › Accompagnement aux démarches") in segments.CRITERIA["skills"].choices(scope)
    found = segments.recipients(scope, segments.clean_criteria(scope, {"skills": [str(skill.pk)]}))
    assert list(found.values_list("username", flat=True)) == ["proprietaire"]
