"""Leave requests never overdraw a balance (issue 12, item 2).

With 5 days of RTT, four 3-day requests used to be accepted and approved (balance −7). Now the days
of the requests awaiting a decision are held against the balance (« dont X jours en attente »), a
request sent beyond the available balance is refused, the final approval checks the balance again
under the person's lock, and each leave type says whether a negative balance is refused, allowed
with a warning to HR, or whether it has no balance at all. The races run with real concurrent
transactions (threads with their own connections)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.audit.models import AuditEntry
from maillon.leave import services
from maillon.leave.models import LeaveType, LedgerEntry, NegativeBalance, PendingRequest
from maillon.notifications.models import Notification
from maillon.procedures import services as procedures
from maillon.procedures.models import Step, Submission
from maillon.testing import TEST_PASSWORD, build_people, make_member, signed_in

SHORTFALL = ("Cette demande nécessite 3 jours mais seuls 2 jours sont disponibles : votre solde est de 5 jours, "
             "dont 3 jours en attente dans vos demandes pas encore validées.")


def request_of(user, organisation):
    request = RequestFactory().post("/x/")
    request.user = user
    request.session = SessionStore()
    request.organisation = organisation
    request.membership = Membership.objects.with_roles().select_related("sector").get(user=user, organisation=organisation)
    return request


def mondays(count: int) -> list:
    """``count`` Mondays at least 60 days ahead whose Monday–Wednesday are three days of leave (no public holiday)."""
    from maillon.leave import counting

    day = timezone.localdate() + timedelta(days=60)
    day += timedelta(days=(7 - day.weekday()) % 7)
    found = []
    while len(found) < count:
        holidays = counting.holidays_between(day, day + timedelta(days=2))
        if not holidays:
            found.append(day)
        day += timedelta(days=7)
    return found


def answers(monday, type_name="RTT") -> dict:
    return {"leave_type": type_name, "period": {"start": monday.isoformat(), "start_half": "morning",
                                                "end": (monday + timedelta(days=2)).isoformat(), "end_half": "afternoon"}}


class Setup:
    """People of the approval chain (coordinator of Secteur Enfance, HR, director), the leave
    procedure, and the owner with 5 days of RTT."""

    def __init__(self, people, rtt_days="5"):
        self.people, self.org = people, people.org
        self.coordinator = people.with_role(Role.COORDINATOR, sector_name="Secteur Enfance")
        self.hr = people.with_role(Role.HR, sector_name=None)
        self.director = people.with_role(Role.DIRECTOR, sector_name=None)
        self.procedure = procedures.enable_template(request_of(self.hr, self.org), "absence-conge")
        services.ensure_default_types(self.org)
        services.settings_for(self.org)  # created on first use: here, so that creating it does not queue the racing threads
        self.rtt = LeaveType.objects.get(organisation=self.org, code="rtt")
        self.membership = Membership.objects.get(user=people.owner, organisation=self.org)
        if rtt_days:
            services.add_correction(membership=self.membership, leave_type=self.rtt, amount=Decimal(rtt_days), reason="Solde d'ouverture", actor=self.hr)

    def draft(self, monday, type_name="RTT", user=None) -> Submission:
        return procedures.save_draft(request_of(user or self.people.owner, self.org), self.procedure, answers(monday, type_name))

    def submit(self, monday, type_name="RTT") -> Submission:
        submission = self.draft(monday, type_name)
        return procedures.submit(request_of(self.people.owner, self.org), submission, password=TEST_PASSWORD)

    def approve(self, submission, approver):
        step = Step.objects.get(submission=submission, status=Step.Status.WAITING)
        return procedures.decide(request_of(approver, self.org), step, "approve", password=TEST_PASSWORD)

    def approve_all(self, submission):
        for approver in (self.coordinator, self.hr, self.director):
            self.approve(submission, approver)

    def balance(self, leave_type=None):
        return services.balance(self.membership, leave_type or self.rtt)

    def pending(self, leave_type=None):
        return services.pending_days(self.membership, leave_type or self.rtt)


@pytest.fixture
def setup(people):
    return Setup(people)



# ---------------------------------------------------------------- the scenario, one after the other


def test_it_accepts_only_one_of_four_3_day_requests_on_5_days_and_the_balance_never_goes_negative(setup, django_capture_on_commit_callbacks):
    weeks = mondays(4)
    first = setup.submit(weeks[0])
    assert first.status == Submission.Status.PENDING
    assert (setup.balance(), setup.pending()) == (5, 3)
    for monday in weeks[1:]:
        with pytest.raises(ValidationError) as error:
            setup.submit(monday)
        assert error.value.messages == [SHORTFALL]
    # Nothing of the refused ones was sent: they stay drafts, unsigned, and hold nothing.
    assert list(Submission.objects.filter(applicant=setup.people.owner).values_list("status", flat=True).order_by("pk")) == [
        "pending", "draft", "draft", "draft"]
    assert PendingRequest.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        setup.approve_all(first)
    first.refresh_from_db()
    assert first.status == Submission.Status.APPROVED
    assert (setup.balance(), setup.pending()) == (2, 0)
    assert not PendingRequest.objects.exists()


def test_the_second_of_two_requests_sent_one_after_the_other_is_refused_on_the_form_with_the_numbers(setup):
    weeks = mondays(2)
    setup.submit(weeks[0])
    client = signed_in(setup.people.owner)
    url = f"/essais/demarches/nouvelle/{setup.procedure.slug}/"
    post = {"leave_type": "RTT", "period__start": weeks[1].isoformat(), "period__start_half": "morning",
            "period__end": (weeks[1] + timedelta(days=2)).isoformat(), "period__end_half": "afternoon"}
    page = client.post(url, {**post, "action": "save"}, follow=True).content.decode()
    # The form counts the pending request: the balance after this one would be 5 − 3 − 3.
    assert "3 jours ouvrés" in page and "RTT : solde actuel 5 jours, après cette demande <strong>-1 jour</strong>." in page
    assert "Dont 3 jours en attente dans vos demandes pas encore validées, déjà comptés dans le solde après cette demande." in page
    page = client.post(url, {**post, "action": "submit", "signature-password": TEST_PASSWORD}).content.decode()
    assert SHORTFALL.replace("'", "&#x27;") in page
    assert Submission.objects.filter(applicant=setup.people.owner, status=Submission.Status.PENDING).count() == 1


def test_it_shows_the_days_pending_wherever_the_person_sees_the_balance(setup, login):
    setup.submit(mondays(1)[0])
    client = login(setup.people.owner)
    pending = "dont 3 jours en attente (disponible : 2 jours)"
    mine = client.get("/essais/conges/").content.decode()
    assert pending in mine
    assert pending in client.get("/essais/tableau-de-bord/").content.decode()
    # The simulator counts what is available, and refuses beyond it with the numbers.
    monday = mondays(2)[1]
    simulate = (f"/essais/conges/?leave_type={setup.rtt.pk}&start_date={monday}&start_half=am"
                f"&end_date={monday + timedelta(days=1)}&end_half=pm")
    assert "Solde actuel : 5 jours, dont 3 jours en attente ; disponible après ce congé : 0 jour." in client.get(simulate).content.decode()
    refused = client.get(simulate.replace(f"end_date={monday + timedelta(days=1)}", f"end_date={monday + timedelta(days=2)}")).content.decode()
    assert SHORTFALL.replace("'", "&#x27;") in refused
    # The API too.
    from maillon.accounts import services_tokens

    api = Client(headers={"Authorization": f"Bearer {services_tokens.create_token(setup.people.owner, 't').raw}", "X-Organisation": "essais"})
    rtt = next(row for row in api.get("/api/v1/leave/balances").json() if row["leave_type"] == "rtt")
    assert (rtt["balance"], rtt["pending"], rtt["available"], rtt["balance_rule"]) == ("5.00", "3.00", "2.00", "refuse")
    body = {"leave_type": "rtt", "start_date": monday.isoformat(), "start_half": "am", "end_date": (monday + timedelta(days=2)).isoformat(), "end_half": "pm"}
    assert api.post("/api/v1/leave/count", body, content_type="application/json").json() == {
        "days": "3", "balance": "5.00", "pending": "3.00", "balance_after": "-1.00"}


def test_the_pending_days_cost_no_query_more_on_the_pages(setup, login):
    """The days held are summed in the balances' one query (a subquery): the panel stays one query
    and « Mes congés » and the dashboard read as much with requests awaiting a decision as without."""
    from maillon.leave.panels import balance_panel
    from maillon.testing import QueryCounter

    client = login(setup.people.owner)
    pages = ("/essais/conges/", "/essais/tableau-de-bord/")
    for path in pages:
        client.get(path)
    before = []
    for path in pages:
        with QueryCounter() as queries:
            client.get(path)
        before.append(len(queries))
    setup.submit(mondays(1)[0])
    after = []
    for path in pages:
        with QueryCounter() as queries:
            page = client.get(path).content.decode()
        after.append(len(queries))
        assert "dont 3 jours en attente" in page
    assert after == before
    request = RequestFactory().get("/")
    request.membership = Membership.objects.with_roles().select_related("organisation").get(pk=setup.membership.pk)
    with QueryCounter() as panel:
        rows = balance_panel(request)["balances"]
    assert len(panel) == 1
    assert next(r for r in rows if r["type"].code == "rtt")["pending"] == 3


def test_the_days_are_no_longer_held_once_the_request_is_rejected_withdrawn_or_sent_back(setup):
    weeks = mondays(3)
    rejected = setup.submit(weeks[0])
    procedures.decide(request_of(setup.coordinator, setup.org), Step.objects.get(submission=rejected, status=Step.Status.WAITING),
                      "reject", comment="Période de séjour.", password=TEST_PASSWORD)
    assert setup.pending() == 0
    sent_back = setup.submit(weeks[1])
    procedures.decide(request_of(setup.coordinator, setup.org), Step.objects.get(submission=sent_back, status=Step.Status.WAITING),
                      "changes", comment="Précisez le motif.", password=TEST_PASSWORD)
    assert setup.pending() == 0
    withdrawn = setup.submit(weeks[2])
    assert setup.pending() == 3
    procedures.withdraw(request_of(setup.people.owner, setup.org), withdrawn)
    assert setup.pending() == 0
    # Sent again after the changes: held again, once.
    procedures.submit(request_of(setup.people.owner, setup.org), Submission.objects.get(pk=sent_back.pk), password=TEST_PASSWORD)
    assert setup.pending() == 3 and PendingRequest.objects.count() == 1


# ---------------------------------------------------------------- the final approval checks again


def test_the_final_approval_is_refused_when_the_balance_dropped_meanwhile_and_nothing_is_written(setup):
    request = setup.submit(mondays(1)[0])
    setup.approve(request, setup.coordinator)
    setup.approve(request, setup.hr)
    services.add_correction(membership=setup.membership, leave_type=setup.rtt, amount=Decimal("-3"), reason="Erreur de reprise", actor=setup.hr)
    entries, audit = LedgerEntry.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        setup.approve(request, setup.director)
    message = error.value.message_dict["__all__"][0]
    assert message.startswith("Ce congé ne peut pas être approuvé : il nécessite 3 jours de RTT mais le solde de ")
    assert "n'est plus que de 2 jours, et ce type de congé n'accepte pas de solde négatif." in message
    request.refresh_from_db()
    assert request.status == Submission.Status.PENDING
    assert Step.objects.get(submission=request, status=Step.Status.WAITING).role == Role.DIRECTOR
    assert (LedgerEntry.objects.count(), AuditEntry.objects.count()) == (entries, audit)
    assert (setup.balance(), setup.pending()) == (2, 3)


def test_the_approver_reads_why_on_the_page(setup):
    request = setup.submit(mondays(1)[0])
    setup.approve(request, setup.coordinator)
    setup.approve(request, setup.hr)
    services.add_correction(membership=setup.membership, leave_type=setup.rtt, amount=Decimal("-3"), reason="Erreur de reprise", actor=setup.hr)
    response = signed_in(setup.director).post(f"/essais/demarches/dossiers/{request.pk}/decision/", {"decision": "approve"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce congé ne peut pas être approuvé" in page and "Refusez la demande, ou faites d&#x27;abord corriger le solde par les RH." in page
    assert Submission.objects.get(pk=request.pk).status == Submission.Status.PENDING
    # The director rejects it instead: the days are no longer held.
    signed_in(setup.director).post(f"/essais/demarches/dossiers/{request.pk}/decision/", {"decision": "reject", "comment": "Solde insuffisant."})
    assert Submission.objects.get(pk=request.pk).status == Submission.Status.REJECTED
    assert (setup.balance(), setup.pending()) == (2, 0)


def test_the_api_approval_answers_422_with_the_message(setup):
    from maillon.accounts import services_tokens

    request = setup.submit(mondays(1)[0])
    setup.approve(request, setup.coordinator)
    setup.approve(request, setup.hr)
    services.add_correction(membership=setup.membership, leave_type=setup.rtt, amount=Decimal("-4"), reason="Erreur de reprise", actor=setup.hr)
    api = Client(headers={"Authorization": f"Bearer {services_tokens.create_token(setup.director, 't').raw}", "X-Organisation": "essais"})
    response = api.post(f"/api/v1/procedures/submissions/{request.pk}/decisions",
                        {"decision": "approve", "password": TEST_PASSWORD}, content_type="application/json")
    assert response.status_code == 422
    assert "n'est plus que de 1 jours" in response.json()["detail"]
    assert setup.balance() == 1


# ---------------------------------------------------------------- the per-type setting


def test_a_type_that_allows_a_negative_balance_lets_the_request_through_and_warns_hr(setup, login, django_capture_on_commit_callbacks):
    LeaveType.objects.filter(pk=setup.rtt.pk).update(negative_balance=NegativeBalance.WARN)
    weeks = mondays(2)
    first, second = setup.submit(weeks[0]), setup.submit(weeks[1])
    assert setup.pending() == 6  # both sent: 5 days, 6 held
    page = login(setup.people.owner).get("/essais/conges/").content.decode()
    assert "dont 6 jours en attente (disponible : -1 jour)" in page
    with django_capture_on_commit_callbacks(execute=True):
        setup.approve_all(first)
        setup.approve_all(second)
    assert (setup.balance(), setup.pending()) == (-1, 0)
    warnings = AuditEntry.objects.filter(action="leave.negative_balance")
    assert warnings.count() == 1 and warnings.get().data["balance_after"] == "-1.00"
    notice = Notification.objects.get(recipient=setup.hr, title__startswith="Solde négatif")
    assert notice.title == f"Solde négatif : RTT de {setup.people.owner} à -1 jours"
    assert "Un congé de 3 jours du" in notice.body and "alors que le solde était de 2 jours" in notice.body
    assert notice.url == f"/essais/conges/equipe/mouvements/?q={setup.people.owner.username}"
    assert not Notification.objects.filter(recipient=setup.people.owner, title__startswith="Solde négatif").exists()


def test_a_type_without_a_balance_holds_nothing_and_never_refuses(setup):
    unpaid = LeaveType.objects.get(organisation=setup.org, code="sans-solde")
    assert unpaid.balance_rule == "none" and not unpaid.counts_against_balance
    weeks = mondays(3)
    submitted = [setup.submit(monday, "Congé sans solde") for monday in weeks]
    assert not PendingRequest.objects.exists()
    for submission in submitted:
        setup.approve_all(submission)
    assert services.balance(setup.membership, unpaid) == 0
    assert LedgerEntry.objects.filter(leave_type=unpaid, kind=LedgerEntry.Kind.DEBIT).count() == 3


def test_hr_chooses_the_rule_per_type_in_the_settings(setup):
    client = signed_in(setup.hr)
    page = client.get(f"/essais/conges/parametres/types/{setup.rtt.pk}/").content.decode()
    assert "Décompté d&#x27;un solde : solde négatif refusé" in page
    assert "Décompté d&#x27;un solde : solde négatif autorisé avec avertissement aux RH" in page
    assert "Sans solde (pas de compteur, par exemple le congé sans solde)" in page
    base = {"name": "RTT", "code": "rtt", "notice_days": "7", "order": "1", "is_active": "on"}
    assert client.post(f"/essais/conges/parametres/types/{setup.rtt.pk}/", {**base, "balance_rule": "warn"}).status_code == 302
    setup.rtt.refresh_from_db()
    assert setup.rtt.counts_against_balance and setup.rtt.negative_balance == "warn" and setup.rtt.balance_rule == "warn"
    assert "solde négatif autorisé, RH averties" in client.get("/essais/conges/parametres/").content.decode()
    assert re.search(r'value="warn"[^>]*checked', client.get(f"/essais/conges/parametres/types/{setup.rtt.pk}/").content.decode())
    client.post(f"/essais/conges/parametres/types/{setup.rtt.pk}/", {**base, "balance_rule": "none"})
    setup.rtt.refresh_from_db()
    assert not setup.rtt.counts_against_balance and setup.rtt.balance_rule == "none"
    client.post(f"/essais/conges/parametres/types/{setup.rtt.pk}/", {**base, "balance_rule": "refuse"})
    setup.rtt.refresh_from_db()
    assert setup.rtt.counts_against_balance and setup.rtt.negative_balance == "refuse"
    assert "Ce champ est obligatoire." in client.post(f"/essais/conges/parametres/types/{setup.rtt.pk}/", base).content.decode()
    # New types refuse a negative balance unless told otherwise.
    assert LeaveType.objects.get(organisation=setup.org, code="cp").negative_balance == "refuse"


# ---------------------------------------------------------------- real races: threads, each with its own connection


def _run_at_once(actions) -> list[str]:
    """Run the callables at the same moment, each in its own thread (and database connection);
    returns « ok » or « refused » for each, in order."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str | None] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index, action):
        try:
            barrier.wait(timeout=30)
            action()
            outcomes[index] = "ok"
        except ValidationError:
            outcomes[index] = "refused"
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [], errors
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_four_requests_sent_at_the_same_moment_only_one_is_accepted():
    setup = Setup(build_people())
    drafts = [setup.draft(monday) for monday in mondays(4)]
    requests = [request_of(setup.people.owner, setup.org) for _ in drafts]
    outcomes = _run_at_once([lambda d=d, r=r: procedures.submit(r, d, password=TEST_PASSWORD) for d, r in zip(drafts, requests, strict=True)])
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"], connection.vendor
    assert Submission.objects.filter(status=Submission.Status.PENDING).count() == 1
    assert (setup.balance(), setup.pending()) == (5, 3)


@pytest.mark.django_db(transaction=True)
def test_two_final_approvals_at_the_same_moment_exactly_one_wins_when_the_balance_covers_one():
    setup = Setup(build_people(), rtt_days="6")
    first, second = (setup.submit(monday) for monday in mondays(2))
    for submission in (first, second):
        setup.approve(submission, setup.coordinator)
        setup.approve(submission, setup.hr)
    services.add_correction(membership=setup.membership, leave_type=setup.rtt, amount=Decimal("-2"), reason="Erreur de reprise", actor=setup.hr)
    steps = [Step.objects.get(submission=s, status=Step.Status.WAITING) for s in (first, second)]
    requests = [request_of(setup.director, setup.org) for _ in steps]
    outcomes = _run_at_once([lambda s=s, r=r: procedures.decide(r, s, "approve", password=TEST_PASSWORD) for s, r in zip(steps, requests, strict=True)])
    assert sorted(outcomes) == ["ok", "refused"], connection.vendor
    assert sorted(Submission.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == ["approved", "pending"]
    assert (setup.balance(), setup.pending()) == (1, 3)


@pytest.mark.django_db(transaction=True)
def test_the_ledger_debits_of_two_approvals_at_the_same_moment_never_overdraw():
    """The same race on the leave service alone (without the audit log's lock, that an approval's
    signature also takes): its own lock makes the second read the first's debit."""
    setup = Setup(build_people(), rtt_days="4")
    weeks = mondays(3)
    holds = [services.hold_request(membership=setup.membership, leave_type=setup.rtt, start_date=monday, start_half="am",
                                   end_date=monday + timedelta(days=1), end_half="pm", reference=f"race:{i}") for i, monday in enumerate(weeks[:2])]
    assert [h.days for h in holds] == [2, 2]
    services.add_correction(membership=setup.membership, leave_type=setup.rtt, amount=Decimal("-1"), reason="Erreur de reprise", actor=setup.hr)
    outcomes = _run_at_once([
        lambda h=h: services.record_approved_request(membership=setup.membership, leave_type=setup.rtt, start_date=h.start_date, start_half="am",
                                                     end_date=h.end_date, end_half="pm", reference=h.reference, actor=setup.director)
        for h in holds])
    assert sorted(outcomes) == ["ok", "refused"], connection.vendor
    assert (setup.balance(), setup.pending()) == (1, 2)


@pytest.mark.django_db(transaction=True)
def test_requests_approvals_and_a_correction_at_the_same_moment_never_overdraw():
    """A mix on one person: two requests sent, one final approval and an HR debit, all at once."""
    setup = Setup(build_people(), rtt_days="6")
    weeks = mondays(3)
    approved = setup.submit(weeks[0])
    setup.approve(approved, setup.coordinator)
    setup.approve(approved, setup.hr)
    drafts = [setup.draft(monday) for monday in weeks[1:]]
    step = Step.objects.get(submission=approved, status=Step.Status.WAITING)
    senders = [request_of(setup.people.owner, setup.org) for _ in drafts]
    actions = [lambda d=d, r=r: procedures.submit(r, d, password=TEST_PASSWORD) for d, r in zip(drafts, senders, strict=True)]
    director = request_of(setup.director, setup.org)
    actions.append(lambda: procedures.decide(director, step, "approve", password=TEST_PASSWORD))
    actions.append(lambda: services.add_correction(membership=setup.membership, leave_type=setup.rtt, amount=Decimal("-1"),
                                                   reason="Jour de solidarité", actor=setup.hr))
    _run_at_once(actions)  # no deadlock, no error other than a refusal: the locks are always taken in the same order
    assert setup.balance() >= 0
    # What was held when sent was available then: at most one of the two new requests (6 − 3 held, then 3 − 3).
    assert Submission.objects.filter(pk__in=[d.pk for d in drafts], status=Submission.Status.PENDING).count() <= 1


# ---------------------------------------------------------------- property: under « refused », never below zero


operations = st.lists(st.one_of(
    st.tuples(st.just("send"), st.integers(1, 4)),  # a request of 1 to 4 days
    st.tuples(st.just("approve"), st.integers(0, 9)),  # the final approval of the n-th request sent
    st.tuples(st.just("reject"), st.integers(0, 9)),
    st.tuples(st.just("cancel"), st.integers(0, 9)),  # an approved leave cancelled: credited back
    st.tuples(st.just("credit"), st.integers(1, 3)),
    st.tuples(st.just("debit"), st.integers(1, 3)),  # an HR correction, never below zero by itself
), max_size=14)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(opening=st.integers(0, 8), ops=operations)
def test_under_refused_the_balance_never_goes_below_zero_whatever_the_sequence(people, opening, ops):
    org = people.org
    services.ensure_default_types(org)
    rtt = LeaveType.objects.get(organisation=org, code="rtt")
    m = Membership.objects.get(user=make_member(org), organisation=org)
    if opening:
        services.add_correction(membership=m, leave_type=rtt, amount=Decimal(opening), reason="Ouverture", actor=None)
    start = timezone.localdate() + timedelta(days=400)
    start += timedelta(days=(7 - start.weekday()) % 7)
    sent, approved, decided = [], set(), set()
    model_balance, model_pending = Decimal(opening), {}
    for op, n in ops:
        if op == "send":
            monday = start + timedelta(weeks=len(sent))
            reference = f"prop:{m.pk}:{len(sent)}"
            days = services.count_request(m, rtt, monday, "am", monday + timedelta(days=n - 1), "pm")
            try:
                services.hold_request(membership=m, leave_type=rtt, start_date=monday, start_half="am", end_date=monday + timedelta(days=n - 1),
                                      end_half="pm", reference=reference)
            except ValidationError:
                assert model_balance - sum(model_pending.values()) - days < 0
            else:
                assert model_balance - sum(model_pending.values()) - days >= 0
                model_pending[reference] = days
            sent.append((reference, monday, n))
        elif op in ("approve", "reject") and n < len(sent) and sent[n][0] in model_pending and sent[n][0] not in decided:
            reference, monday, length = sent[n]
            if op == "reject":
                services.release_request(reference, organisation=org)
                del model_pending[reference]
                decided.add(reference)
                continue
            try:
                services.record_approved_request(membership=m, leave_type=rtt, start_date=monday, start_half="am",
                                                 end_date=monday + timedelta(days=length - 1), end_half="pm", reference=reference, actor=None)
            except ValidationError:
                assert model_balance < model_pending[reference]
            else:
                model_balance -= model_pending.pop(reference)
                approved.add(reference)
                decided.add(reference)
        elif op == "cancel" and n < len(sent) and sent[n][0] in approved:
            reference = sent[n][0]
            services.cancel_request(reference, None, organisation=org)
            model_balance += services.count_request(m, rtt, sent[n][1], "am", sent[n][1] + timedelta(days=sent[n][2] - 1), "pm")
            approved.discard(reference)
        elif op == "credit":
            services.add_correction(membership=m, leave_type=rtt, amount=Decimal(n), reason="Crédit", actor=None)
            model_balance += n
        elif op == "debit" and model_balance >= n:
            services.add_correction(membership=m, leave_type=rtt, amount=Decimal(-n), reason="Débit", actor=None)
            model_balance -= n
        balance = services.balance(m, rtt)
        assert balance == model_balance >= 0
        assert services.pending_days(m, rtt) == sum(model_pending.values(), Decimal(0))


def test_the_upgrade_holds_the_requests_already_awaiting_a_decision(setup):
    """Migration 0004: requests sent before this version hold their days once it is installed."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("maillon.leave.migrations.0004_hold_pending_requests")
    LeaveType.objects.filter(pk=setup.rtt.pk).update(negative_balance=NegativeBalance.WARN)
    weeks = mondays(3)
    sent = [setup.submit(monday) for monday in weeks[:2]]
    approved = setup.submit(weeks[2])
    setup.approve_all(approved)
    unpaid = setup.submit(weeks[2], "Congé sans solde")
    PendingRequest.objects.all().delete()  # as before the upgrade
    migration.hold_pending(apps, None)
    migration.hold_pending(apps, None)  # idempotent
    held = PendingRequest.objects.order_by("start_date")
    assert [(h.reference, h.days, h.membership_id) for h in held] == [
        (f"procedures.submission:{s.pk}", Decimal(3), setup.membership.pk) for s in sent]
    assert not PendingRequest.objects.filter(reference__in=[f"procedures.submission:{s.pk}" for s in (approved, unpaid)]).exists()
    assert (setup.balance(), setup.pending()) == (2, 6)


def test_a_leave_import_file_with_null_characters_is_refused_in_french():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillon.leave.forms import ImportForm

    form = ImportForm(files={"file": SimpleUploadedFile("soldes.csv", "login;CP;5\n".encode("utf-16"))})
    assert not form.is_valid()
    assert "caractères nuls" in form.errors["file"][0]
