"""Staff directory (issue 14): the list's query, compiled once per process without a search, gives
the people the ORM's query gives for every filter (sector, search, both), and no one of another
organisation, nor anyone inactive."""

from maillon.accounts.models import Membership
from maillon.directory import views
from maillon.organisations.models import Sector


def _built(org, sector=None, q=""):
    """What the view read before issue 14's fourth pass, built by the ORM at each request."""
    from django.db.models import Q

    qs = views.presence.with_work_cycles(
        Membership.objects.active().for_organisation(org).select_related("user")
        .only("user_id", "sector_id", "job_title", *(f"user__{f}" for f in ("username", "first_name", "last_name", "phone", "email"))))
    if sector is not None:
        qs = qs.filter(sector_id=sector)
    if q:
        qs = qs.filter(Q(user__first_name__icontains=q) | Q(user__last_name__icontains=q) | Q(job_title__icontains=q))
    return [(m.pk, m.user.username, m.user.email, m.sector_id, m.cycle_half_days) for m in qs.order_by("user__last_name", "user__first_name")]


def _names(page: str, people) -> set[str]:
    return {u.username for u in (people.owner, people.colleague, people.other_sector, people.outsider) if u.display_name in page}


def test_the_compiled_list_gives_what_the_built_one_gives(people):
    gone = Membership.objects.get(user=people.colleague, organisation=people.org)
    childhood = Sector.objects.get(organisation=people.org, name="Secteur Enfance")
    rows = [(m.pk, m.username, m.email, m.sector_id, m.cycle_half_days) for m in map(views.StaffPerson, views._staff_of(organisation=people.org.pk))]
    assert rows == _built(people.org) and len(rows) == 3
    in_sector = [(m.pk, m.username, m.email, m.sector_id, m.cycle_half_days)
                 for m in map(views.StaffPerson, views._staff_of_sector(organisation=people.org.pk, sector=childhood.pk))]
    assert in_sector == _built(people.org, sector=childhood.pk) and len(in_sector) == 2
    gone.is_active = False
    gone.save()
    assert [row[0] for row in views._staff_of(organisation=people.org.pk)] == [r[0] for r in _built(people.org)]
    assert gone.pk not in [row[0] for row in views._staff_of(organisation=people.org.pk)]


def test_every_filter_of_the_page_lists_the_right_people(people, login):
    childhood = Sector.objects.get(organisation=people.org, name="Secteur Enfance")
    client = login(people.owner)
    everyone = client.get("/essais/annuaire/equipe/").content.decode()
    assert _names(everyone, people) == {"proprietaire", "collegue", "autresecteur"}
    in_sector = client.get(f"/essais/annuaire/equipe/?secteur={childhood.pk}").content.decode()
    assert _names(in_sector, people) == {"proprietaire", "collegue"}
    searched = client.get(f"/essais/annuaire/equipe/?q={people.other_sector.last_name}").content.decode()
    assert "autresecteur" in _names(searched, people)
    both = client.get(f"/essais/annuaire/equipe/?secteur={childhood.pk}&q={people.other_sector.last_name}").content.decode()
    assert "autresecteur" not in _names(both, people)
    # Another organisation's sector id shows nobody of it.
    outsider_sector = Membership.objects.get(user=people.outsider).sector_id
    assert _names(client.get(f"/essais/annuaire/equipe/?secteur={outsider_sector}").content.decode(), people) <= {"proprietaire"}  # the viewer, in the header
