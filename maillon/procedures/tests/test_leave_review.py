"""Issue 13.5: approvers no longer decide blind. On a leave request's page the request comes first,
then what it means (the days counted and how, the applicant's balances before and after, who else
of the sector is away on those days), then the decision form; the applicant sees the count and the
balance after it live while filling the form (the leave app's estimate, htmx), not after a draft."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.leave import counting
from maillon.leave import services as leave
from maillon.testing import QueryCounter

pytestmark = pytest.mark.django_db


def a_quiet_monday(weeks_ahead=9):
    """A Monday far enough for the notice of paid leave, in a week without public holidays."""
    day = timezone.localdate() + timedelta(weeks=weeks_ahead)
    day += timedelta(days=-day.weekday() % 7)
    while any(d in counting.public_holidays(d.year) for d in (day + timedelta(days=i) for i in range(6))):
        day += timedelta(weeks=1)
    return day


def member(user, org):
    return Membership.objects.select_related("organisation").get(user=user, organisation=org)


def period(start, end, start_half="morning", end_half="afternoon"):
    return {"start": start.isoformat(), "start_half": start_half, "end": end.isoformat(), "end_half": end_half}


def approved_leave(user, org, start, end, reference, end_half="pm"):
    leave.ensure_default_types(org)
    paid = leave.leave_types(org).get(code="cp")
    m = member(user, org)
    leave.add_correction(membership=m, leave_type=paid, amount=20, reason="Ouverture", actor=None)
    leave.record_approved_request(membership=m, leave_type=paid, start_date=start, start_half="am", end_date=end, end_half=end_half,
                                  reference=reference, actor=None)


@pytest.fixture
def request_sent(people, chain, enable, flow, make_request):
    """The owner (Secteur Enfance) asks a week of paid leave, Monday to Friday, with 20 days of balance."""
    procedure = enable("absence-conge")
    leave.ensure_default_types(people.org)
    paid = leave.leave_types(people.org).get(code="cp")
    leave.add_correction(membership=make_request(people.owner).membership, leave_type=paid, amount=20, reason="Ouverture", actor=chain.hr)
    monday = a_quiet_monday()
    submission = flow.submit(people.owner, procedure, {"leave_type": "Congés payés", "period": period(monday, monday + timedelta(days=4))})
    return submission, monday


def page(login, user, submission):
    response = login(user).get(f"/essais/demarches/dossiers/{submission.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_approver_reads_the_request_its_days_and_balances_before_the_decision_form(people, chain, login, request_sent):
    submission, monday = request_sent
    html = page(login, chain.coordinator, submission)
    request_at, days_at, balances_at, form_at = (html.index(text) for text in (
        "La demande", "6 jours ouvrables", "Soldes :", "Votre décision"))
    assert request_at < days_at < balances_at < form_at
    # How: the Saturday before the Monday return is counted, and said so.
    assert "jusqu&#x27;à la veille de la reprise" in html or "jusqu'à la veille de la reprise" in html
    saturday = monday + timedelta(days=5)
    assert f"samedi {saturday.day}" in html
    # Balance before 20, after 14 (20 − 6), on the requested type's row.
    row = html[html.index('class="is-this"'):]
    row = row[:row.index("</tr>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in row.split("<td")[1:]]
    assert cells[0] == "20" and "14" in row.split("<td")[-1]
    # The decision and its signature are one form: the required mark is explained once.
    assert html.count('class="required-note"') == 1


def test_the_strip_shows_who_else_of_the_sector_is_away_and_no_one_else(people, chain, login, request_sent):
    submission, monday = request_sent
    approved_leave(people.colleague, people.org, monday + timedelta(days=1), monday + timedelta(days=2), "t:colleague")
    approved_leave(people.other_sector, people.org, monday, monday + timedelta(days=4), "t:other-sector")
    # Another organisation's member of a sector with the same name, away the same week: never shown.
    approved_leave(people.outsider, people.other_org, monday, monday + timedelta(days=4), "t:outsider")
    # The colleague's cancelled leave on the Friday is not an absence.
    approved_leave(people.colleague, people.org, monday + timedelta(days=4), monday + timedelta(days=4), "t:cancelled")
    leave.cancel_request("t:cancelled", None, organisation=people.org)
    html = page(login, chain.coordinator, submission)
    strip = html[html.index('class="absence-strip"'):]
    strip = strip[:strip.index("</ul>")]
    colleague = people.colleague.get_full_name()
    days = strip.split("<li")[1:]
    assert len(days) == 5  # Monday to Friday (no Sunday in the span)
    assert [colleague in d for d in days] == [False, True, True, False, False]
    assert "personne d&#x27;autre" in days[0] or "personne d'autre" in days[0]
    assert people.other_sector.get_full_name() not in html
    assert people.outsider.get_full_name() not in html


def test_a_colleague_request_awaiting_a_decision_is_marked(people, chain, login, flow, request_sent):
    submission, monday = request_sent
    leave.add_correction(membership=member(people.colleague, people.org), leave_type=leave.leave_types(people.org).get(code="cp"),
                         amount=10, reason="Ouverture", actor=chain.hr)
    flow.submit(people.colleague, submission.procedure, {"leave_type": "Congés payés", "period": period(
        monday + timedelta(days=3), monday + timedelta(days=3), end_half="morning")})
    html = page(login, chain.coordinator, submission)
    strip = html[html.index('class="absence-strip"'):]
    thursday = strip.split("<li")[4]
    assert people.colleague.get_full_name() in thursday and "(matin)" in thursday and "en attente de décision" in thursday


def test_the_applicant_sees_the_count_and_balances_but_not_the_team(people, login, request_sent):
    submission, _monday = request_sent
    html = page(login, people.owner, submission)
    assert "6 jours ouvrables" in html and "Vos soldes" in html
    assert "absence-strip" not in html and "Absences dans" not in html
    assert "Votre décision" not in html


def test_the_approval_page_reads_a_bounded_number_of_queries(people, chain, login, request_sent, flow):
    """More colleagues away and a longer leave do not add queries."""
    submission, monday = request_sent
    client = login(chain.coordinator)
    url = f"/essais/demarches/dossiers/{submission.pk}/"
    client.get(url)
    with QueryCounter() as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        from maillon.testing import make_member

        user = make_member(people.org, sector_name="Secteur Enfance", username=f"absent{n}")
        approved_leave(user, people.org, monday + timedelta(days=n % 3), monday + timedelta(days=4), f"t:many{n}")
    leave.add_correction(membership=member(people.owner, people.org), leave_type=leave.leave_types(people.org).get(code="cp"),
                         amount=20, reason="Report", actor=None)
    long_one = flow.submit(people.owner, submission.procedure, {"leave_type": "Congés payés", "period": period(
        monday + timedelta(weeks=3), monday + timedelta(weeks=5, days=4))})
    with QueryCounter() as many:
        assert client.get(f"/essais/demarches/dossiers/{long_one.pk}/").status_code == 200
    assert len(many) <= len(few) + 1  # the long request's own approval step row may differ
    assert len(few) <= 45


ESTIMATE = "/essais/conges/estimation/"


def estimate(client, start, end, **extra):
    params = {"leave_type": "Congés payés", "period__start": start, "period__start_half": "morning", "period__end": end,
              "period__end_half": "afternoon", **extra}
    response = client.get(ESTIMATE, params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_live_estimate_counts_the_days_and_the_balance_after(people, login, make_request):
    leave.ensure_default_types(people.org)
    paid = leave.leave_types(people.org).get(code="cp")
    leave.add_correction(membership=make_request(people.owner).membership, leave_type=paid, amount=Decimal("12.5"), reason="Ouverture", actor=None)
    monday = a_quiet_monday()
    client = login(people.owner)
    html = estimate(client, monday.isoformat(), (monday + timedelta(days=4)).isoformat())
    assert "6 jours ouvrables" in html and "12,5 jours" in html and "6,5 jours" in html
    # Until Friday noon: back on Friday afternoon, no Saturday.
    html = estimate(client, monday.isoformat(), (monday + timedelta(days=4)).isoformat(), period__end_half="morning")
    assert "4,5 jours ouvrables" in html
    # Too many days for the balance: said before signing.
    html = estimate(client, monday.isoformat(), (monday + timedelta(days=18)).isoformat())
    assert "18 jours ouvrables" in html and "votre solde est de 12,5 jours" in html


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-13-45", "2026-12-20", "Premier jour : Saisissez une date valide."),
    ("2027-03-10", "2027-03-01", "La fin du congé est avant son début."),
    ("2027-03-01", "9999-12-31", "Choisissez une date entre 2000 et 2100."),
    ("2027-01-01", "2028-06-01", "Une demande de congé ne peut pas dépasser un an."),
    ("<script>", "x", "Saisissez une date valide."),
])
def test_bad_dates_get_a_french_sentence_never_a_500(people, login, start, end, message):
    html = estimate(login(people.owner), start, end)
    assert "Pas encore compté" in html and message.replace("'", "&#x27;") in html


def test_incomplete_dates_and_types_the_leave_app_does_not_count(people, login):
    client = login(people.owner)
    assert "Choisissez le type de congé et les dates" in estimate(client, "2027-03-01", "")
    assert estimate(client, "2027-03-01", "2027-03-02", leave_type="Autorisation d'absence").strip() == ""
    assert "Choisissez le type de congé et les dates" in estimate(client, "", "", leave_type="")
    assert client.get(ESTIMATE, {"period__start_half": "soir", "leave_type": "cp", "period__start": "2027-03-01",
                                 "period__end": "2027-03-02"}).status_code == 200


def test_the_live_estimate_is_only_for_members_of_the_organisation(people, client, login):
    assert client.get(ESTIMATE).status_code in (302, 403, 404)  # anonymous: to the login page
    outsider = login(people.outsider)
    assert outsider.get(ESTIMATE, {"leave_type": "cp", "period__start": "2027-03-01", "period__end": "2027-03-05"}).status_code in (403, 404)
    # Their own organisation's estimate counts their own balance only.
    assert outsider.get("/autre/conges/estimation/", {"leave_type": "cp", "period__start": "2027-03-01",
                                                      "period__end": "2027-03-05"}).status_code == 200


def test_the_live_estimate_reads_a_bounded_number_of_queries(people, login):
    client = login(people.owner)
    estimate(client, "2027-03-01", "2027-03-05")
    with QueryCounter() as short:
        estimate(client, "2027-03-01", "2027-03-05")
    with QueryCounter() as long:
        estimate(client, "2027-03-01", "2028-02-25")
    assert len(long) == len(short) and len(short) <= 14


def test_the_form_asks_the_count_live_and_shows_it_after_a_draft(people, chain, enable, login, make_request):
    procedure = enable("absence-conge")
    client = login(people.owner)
    html = client.get(f"/essais/demarches/nouvelle/{procedure.slug}/").content.decode()
    assert 'id="leave-estimate"' in html and f'hx-get="{ESTIMATE}"' in html and "Choisissez le type de congé et les dates" in html
    monday = a_quiet_monday()
    response = client.post(f"/essais/demarches/nouvelle/{procedure.slug}/", {
        "action": "save", "leave_type": "Congés payés", "period__start": monday.isoformat(), "period__start_half": "morning",
        "period__end": (monday + timedelta(days=4)).isoformat(), "period__end_half": "afternoon"}, follow=True)
    assert "6 jours ouvrables" in response.content.decode()


def test_the_queue_says_what_each_leave_costs_in_one_query(people, chain, login, flow, request_sent):
    submission, monday = request_sent
    client = login(chain.coordinator)
    html = client.get("/essais/demarches/a-valider/").content.decode()
    assert "Congés payés : 6 jours" in html and submission.reference in html
    with QueryCounter() as one:
        client.get("/essais/demarches/a-valider/")
    leave.add_correction(membership=member(people.colleague, people.org), leave_type=leave.leave_types(people.org).get(code="cp"),
                         amount=10, reason="Ouverture", actor=chain.hr)
    for week in (2, 4):
        flow.submit(people.colleague, submission.procedure, {"leave_type": "Congés payés", "period": period(
            monday + timedelta(weeks=week), monday + timedelta(weeks=week, days=1))})
    with QueryCounter() as three:
        assert client.get("/essais/demarches/a-valider/").content.decode().count("Congés payés : 2 jours") == 2
    assert len(three) == len(one)


def test_a_closure_of_the_whole_organisation_is_not_counted_and_is_listed(people, login, make_request):
    """A day the whole centre is closed is not spent from the balance (like a public holiday not
    worked); a room's closure or another organisation's changes nothing."""
    from datetime import datetime, time

    from maillon.agenda.models import Closure, Resource

    leave.ensure_default_types(people.org)
    paid = leave.leave_types(people.org).get(code="cp")
    m = make_request(people.owner).membership
    leave.add_correction(membership=m, leave_type=paid, amount=20, reason="Ouverture", actor=None)
    monday = a_quiet_monday()
    zone = timezone.get_default_timezone()
    wednesday = monday + timedelta(days=2)

    def closed(organisation, day, resource=None):
        Closure.objects.create(organisation=organisation, resource=resource, reason="Travaux de peinture",
                               start=datetime.combine(day, time(0), zone), end=datetime.combine(day + timedelta(days=1), time(0), zone))

    room = Resource.objects.create(organisation=people.org, name="Salle bleue", kind=Resource.Kind.ROOM, category=Resource.Category.MEETING_ROOM)
    closed(people.org, monday, resource=room)
    closed(people.other_org, monday + timedelta(days=1))
    client = login(people.owner)
    assert "6 jours ouvrables" in estimate(client, monday.isoformat(), (monday + timedelta(days=4)).isoformat())
    closed(people.org, wednesday)
    html = estimate(client, monday.isoformat(), (monday + timedelta(days=4)).isoformat())
    assert "5 jours ouvrables" in html and "fermeture du centre (Travaux de peinture), non décompté" in html
    assert leave.count_request(m, paid, monday, "am", monday + timedelta(days=4), "pm") == 5
