"""Scale bench (issue 14): build an instance 10× or 100× the demo, then measure every main page.

``.venv/bin/python bench/scale.py build --scale 10 --data-dir /tmp/maillon-scale-10``
``.venv/bin/python bench/scale.py measure --scales 1,10,100``

What ``build --scale N`` makes, in a data directory laid out as ``maillon serve`` uses it
(``MAILLON_DATA_DIR`` with ``maillon.sqlite3``, or the PostgreSQL database of ``DATABASE_URL``):

1. the 1× instance: ``migrate``, ``collectstatic``, ``maillon.core.demo.seed()`` and the 40
   notifications of ``bench/run.py``'s ``prepare`` (exactly what ``bench/pages.py`` measures);
2. a federation of ``N // 5`` centres of 50 staff each (``--scale 10``: Les Tilleuls and
   Arc-en-Ciel; ``--scale 100``: those two and 18 new centres, all in the demo's federation);
   Les Tilleuls keeps its demo people (``animateur``, ``coordo.enfance``, ``rh``…), who stay
   the measured ones, and gets two more colleagues;
3. three years of history (``--days 1095``) for every person of every centre, up to today and a
   few weeks ahead: leave requests (submitted, decided, debited), expense claims, trainings and
   purchase orders at every stage, holiday-club plannings with published shifts, room bookings,
   weekly activities, team meetings and COORDO meetings with published minutes, tasks and
   outcomes, a news item a week, and about two notifications a week per person.

Through the project's services (as the app does it): the centres (``create_organisation``), their
leave types and settings (``leave.services.ensure_default_types``), the monthly paid-leave
accruals of the three years (``leave.services.accrue_month``), the procedures enabled from the
catalogue (``procedures.services.enable_template``), the meeting types
(``meetings.services.meeting_types``), the home pages and editors' groups
(``content.editors.ensure_home``, ``sync_editors``), the news pages (Wagtail's ``add_child``,
then ``content.services.index_page`` for the search index), and at the end, at Les Tilleuls, a
week of fresh activity through the real write paths: leave requests signed and decided
(``procedures.services.submit`` / ``decide``, which debit the ledger), room bookings
(``agenda.services.create_event``) and a meeting with its minutes (``meetings.services``).

Bulk-created (``bulk_create``, one statement per few hundred rows), because a service call per
row would not fit 100× in ten minutes on two cores (a signed submission and its decisions cost
tens of queries and an Argon2 check each; three years of one centre are about 1,000 of them,
plus 3,000 bookings and shifts whose conflict checks each scan the agenda): the people (users
with the demo password's hash, memberships, roles), and the history rows: submissions with their
steps and events (the steps planned by ``procedures.policies.plan_chain``, the days counted by
``leave.services.count_request``), their ledger debits (the ``procedures.submission:<id>``
reference the approval writes), pending holds, agenda events with their occurrences and
allocations, plannings with shifts and the events their publication makes, meetings with
participants, minutes, tasks and outcomes, notifications. Their dates are set as the services
would have set them at the time (``auto_now`` fields are switched off while they are written).
Not written for the bulk rows: signatures and the audit log (their hash chains need the real
write path; no measured page lists them).

Deterministic: ``random.Random(--seed)`` per centre; the dates follow today, as the demo's.
A built directory has ``scale.json``; ``build`` on it does nothing (``--force`` rebuilds).

``measure`` imports ``PAGES``/``fill``/``measure`` from ``bench/pages.py``, runs each scale's
pages in a fresh process (one Django setup per data directory), prints page × scale and writes
``bench/results/scale.json``: a page whose CPU median at the largest scale is over 1.5× the 1×
one, or whose queries grow, is flagged. Les Tilleuls' own history is the same at 10× and 100×
(same seed, built first): from 1× to 10× its lists grow, from 10× to 100× only the federation
around it does, so a page slower at 100× than at 10× (flagged over 1.3×) reads other centres' rows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import RESULTS, ROOT, setup_django  # noqa: E402

MEASURED_ORG = "les-tilleuls"
CENTRE_NAMES = [
    "Les Capucines", "La Passerelle", "Le Phare", "Les Coquelicots", "La Ruche", "Le Moulin", "Les Hirondelles",
    "La Source", "Le Kiosque", "Les Glycines", "La Boussole", "Le Trait d'Union", "Les Saules", "La Marelle",
    "Le Lien", "Les Mimosas", "La Fontaine", "Le Carrefour", "Les Peupliers", "La Clairière",
]
T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] {message}", flush=True)


def ascii_slug(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in value.lower()).strip("-")


@contextlib.contextmanager
def dated_rows(*models):
    """Let bulk rows carry their own created/updated dates (``auto_now``/``auto_now_add`` off)."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def bulk(model, rows, size=500):
    return model.objects.bulk_create(rows, batch_size=size)


# ----------------------------------------------------------------------------- build


class Centre:
    """One organisation being grown: its members, sectors, rooms, a random source."""

    busy = None  # Busy, made by the first AgendaMaker

    def __init__(self, org, index, rng, today, first_day):
        from maillon.accounts.models import Membership
        from maillon.organisations.models import VISITOR_TOPICS, Sector

        self.org, self.index, self.rng, self.today, self.first_day = org, index, rng, today, first_day
        self.sectors = list(Sector.objects.for_organisation(org).exclude(name__in=[*VISITOR_TOPICS, "Non renseigné"]).order_by("position", "pk"))
        self.members = list(Membership.objects.with_roles().select_related("user", "organisation").filter(organisation=org, is_active=True).order_by("pk"))

    def reload(self):
        self.__init__(self.org, self.index, self.rng, self.today, self.first_day)

    def with_role(self, role, sector_id=None):
        return [m for m in self.members if any(a.role == role and (sector_id is None or a.sector_id == sector_id) for a in m.role_assignments.all())]


def grow_people(centre: Centre, staff: int, password_hash: str) -> None:
    """Add people until the centre has ``staff`` active members (bulk: users, memberships, roles)."""
    from maillon.accounts.models import Membership, RoleAssignment, User
    from maillon.accounts.roles import Role
    from maillon.core.demo import FIRST_NAMES, LAST_NAMES

    missing = staff - len(centre.members)
    if missing <= 0:
        return
    rng, org, sectors = centre.rng, centre.org, centre.sectors
    fresh = not centre.members
    users = []
    for i in range(missing):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"c{centre.index:02d}-{i:02d}.{ascii_slug(first)}.{ascii_slug(last)}"
        users.append(User(username=username, first_name=first, last_name=last, email=f"{username}@scale.maillon.localhost", password=password_hash))
    users = bulk(User, users)
    if connection_vendor() != "postgresql" and users and users[0].pk is None:
        users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))
    memberships, roles = [], []
    for i, user in enumerate(users):
        sector = sectors[i % len(sectors)] if sectors else None
        role, role_sector = Role.STAFF, None
        if fresh:  # a new centre: its management first
            role, role_sector, sector = {
                0: (Role.DIRECTOR, None, None), 1: (Role.HR, None, None), 2: (Role.RECEPTION, None, None),
                3: (Role.COMMUNICATION, None, None), 4: (Role.EQUIPMENT_MANAGER, None, None),
            }.get(i, (None, None, sector))
            if role is None:
                if 5 <= i < 5 + len(sectors):
                    sector = sectors[i - 5]
                    role, role_sector = Role.COORDINATOR, sector
                elif i % 9 == 0:
                    role, role_sector = Role.SUPERVISOR, sector
                else:
                    role = Role.STAFF
        memberships.append((Membership(user=user, organisation=org, sector=sector, job_title="Animateur·rice" if i % 3 else "Intervenant·e"),
                            role, role_sector))
    created = bulk(Membership, [m for m, _r, _s in memberships])
    if created and created[0].pk is None:
        created = list(Membership.objects.filter(organisation=org, user__in=users).order_by("user_id"))
    for membership, (_m, role, role_sector) in zip(created, memberships, strict=True):
        roles.append(RoleAssignment(membership=membership, role=Role.STAFF, sector=None))
        if role != Role.STAFF:
            roles.append(RoleAssignment(membership=membership, role=role, sector=role_sector))
    bulk(RoleAssignment, roles)
    from maillon.content import editors

    editors.sync_editors(org)
    centre.reload()


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def as_request(membership):
    from maillon.procedures.demo import as_request as demo_request

    return demo_request(membership.user, membership.organisation)


def setup_centre(centre: Centre) -> None:
    """Services: leave types, procedures, rooms, meeting types, home page."""
    from maillon.accounts.roles import Role
    from maillon.agenda.demo import EQUIPMENT, ROOMS
    from maillon.agenda.models import Resource
    from maillon.content.editors import ensure_home
    from maillon.leave import services as leave
    from maillon.meetings import services as meetings
    from maillon.procedures import services as procedures
    from maillon.procedures.models import Procedure

    org = centre.org
    leave.ensure_default_types(org)
    meetings.meeting_types(org)
    ensure_home(org)
    wanted = ("absence-conge", "frais-kilometriques", "ordre-mission", "bon-commande", "formation")
    have = set(Procedure.objects.for_organisation(org).values_list("template_key", flat=True))
    manager = (centre.with_role(Role.HR) or centre.with_role(Role.DIRECTOR))[0]
    for key in wanted:
        if key not in have:
            procedures.enable_template(as_request(manager), key)
    for name, category, capacity, accessible, location in ROOMS:
        Resource.objects.get_or_create(organisation=org, name=name, defaults={
            "kind": Resource.Kind.ROOM, "category": category, "capacity": capacity, "wheelchair_accessible": accessible, "location": location})
    for name, category, description in EQUIPMENT:
        Resource.objects.get_or_create(organisation=org, name=name, defaults={
            "kind": Resource.Kind.EQUIPMENT, "category": category, "description": description,
            "waits_for_procedure": category == Resource.Category.VEHICLE})


def months(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def at(day: date, hour: int, minute: int = 0) -> datetime:
    from maillon.agenda.recurrence import PARIS

    return datetime.combine(day, datetime.min.time().replace(hour=hour, minute=minute), tzinfo=PARIS)


class SubmissionMaker:
    """Bulk submissions of one centre: steps from ``plan_chain``, events, leave debits."""

    def __init__(self, centre: Centre):
        from maillon.accounts.models import RoleAssignment
        from maillon.procedures.models import Procedure

        self.centre = centre
        self.procedures = {p.template_key: p for p in Procedure.objects.for_organisation(centre.org).select_related("current_version")
                           if p.current_version_id}
        self.holders = list(RoleAssignment.objects.filter(membership__organisation=centre.org, membership__is_active=True)
                            .values_list("membership__user_id", "role", "sector_id"))
        self.rows = []  # (Submission, [Step], [events as (kind, at, actor, step index)], leave or None)

    def deciders(self, role, sector_id, applicant_id):
        return [u for u, r, s in self.holders if r == role and (sector_id is None or s == sector_id) and u != applicant_id]

    def add(self, key, membership, data, submitted: datetime, outcome: str, leave=None):
        """outcome: approved, rejected, pending (first step waiting), changes, draft."""
        from maillon.procedures import policies
        from maillon.procedures import schema as schema_mod
        from maillon.procedures.models import Step, Submission

        procedure = self.procedures.get(key)
        if procedure is None:
            return
        version = procedure.current_version
        rng = self.centre.rng
        amount = schema_mod.amount_of(version.schema, data, (version.chain or {}).get("amount_field"))
        user_id = membership.user_id
        status = {"approved": Submission.Status.APPROVED, "rejected": Submission.Status.REJECTED, "pending": Submission.Status.PENDING,
                  "changes": Submission.Status.CHANGES, "draft": Submission.Status.DRAFT}[outcome]
        created = submitted - timedelta(minutes=rng.randint(5, 600))
        submission = Submission(organisation=self.centre.org, procedure=procedure, version=version, applicant_id=user_id,
                                sector_id=membership.sector_id, status=status, data=data, amount=amount, round=0 if outcome == "draft" else 1,
                                created_at=created, updated_at=submitted, submitted_at=None if outcome == "draft" else submitted)
        steps, events = [], [("created", created, user_id, None)]
        when = submitted
        if outcome != "draft":
            events.append(("submitted", submitted, user_id, None))
            holders = [(r, s) for u, r, s in self.holders if u != user_id]
            planned = policies.plan_chain(version.chain or {}, [(a.role, a.sector_id) for a in membership.role_assignments.all()],
                                          membership.sector_id, amount, holders=holders)
            live = [p for p in planned if not p.skip_reason]
            decide_last = len(live) - 1 if outcome in ("rejected", "changes") else len(live)
            if outcome == "pending":
                decide_last = 0
            done = 0
            for position, plan in enumerate(planned, start=1):
                step = Step(organisation=self.centre.org, round=1, position=position, role=plan.role, sector_id=plan.sector_id,
                            label=plan.label[:120], skip_reason=plan.skip_reason)
                if plan.skip_reason:
                    step.status = Step.Status.SKIPPED
                elif done < decide_last:
                    when = when + timedelta(hours=rng.randint(2, 60))
                    deciders = self.deciders(plan.role, plan.sector_id, user_id)
                    step.status, step.activated_at, step.decided_at = Step.Status.APPROVED, when - timedelta(hours=1), when
                    step.decided_by_id = deciders[0] if deciders else None
                    events.append(("approved", when, step.decided_by_id, len(steps)))
                    done += 1
                elif done == decide_last and outcome in ("rejected", "changes", "pending"):
                    when = when + timedelta(hours=rng.randint(2, 60))
                    deciders = self.deciders(plan.role, plan.sector_id, user_id)
                    if outcome == "pending":
                        step.status, step.activated_at = Step.Status.WAITING, submitted
                    else:
                        step.status = Step.Status.REJECTED if outcome == "rejected" else Step.Status.CHANGES
                        step.activated_at, step.decided_at = when - timedelta(hours=1), when
                        step.decided_by_id = deciders[0] if deciders else None
                        step.comment = "Merci de préciser le motif." if outcome == "changes" else "Période déjà très demandée dans l'équipe."
                        events.append((outcome, when, step.decided_by_id, len(steps)))
                    done += 1
                else:
                    step.status = Step.Status.CANCELLED if outcome in ("rejected", "changes") else Step.Status.PLANNED
                steps.append(step)
            if outcome == "approved":
                events.append(("completed", when, events[-1][2] if len(events) > 2 else user_id, None))
            if outcome in ("approved", "rejected"):
                submission.closed_at = when
            submission.updated_at = when
        self.rows.append((submission, steps, events, leave))

    def flush(self):
        from maillon.leave.models import LedgerEntry, PendingRequest
        from maillon.procedures.models import Event, Step, Submission

        if not self.rows:
            return 0
        with dated_rows(Submission, LedgerEntry, PendingRequest):
            submissions = bulk(Submission, [r[0] for r in self.rows])
            steps, events, ledger, holds = [], [], [], []
            for submission, (_s, sub_steps, _e, _l) in zip(submissions, self.rows, strict=True):
                for step in sub_steps:
                    step.submission = submission
                steps.extend(sub_steps)
            bulk(Step, steps)
            for submission, (_s, sub_steps, sub_events, leave) in zip(submissions, self.rows, strict=True):
                for kind, when, actor, step_index in sub_events:
                    events.append(Event(organisation_id=submission.organisation_id, submission=submission, kind=kind, at=when, actor_id=actor,
                                        step=sub_steps[step_index] if step_index is not None else None))
                if leave is not None:
                    membership, leave_type, start, start_half, end, end_half, days = leave
                    reference = f"procedures.submission:{submission.pk}"
                    if submission.status == Submission.Status.APPROVED:
                        ledger.append(LedgerEntry(
                            organisation_id=submission.organisation_id, membership=membership, leave_type=leave_type, kind=LedgerEntry.Kind.DEBIT,
                            amount=-days if leave_type.counts_against_balance else Decimal(0), start_date=start, start_half=start_half,
                            end_date=end, end_half=end_half, reference=reference, created_at=submission.closed_at))
                    elif submission.status == Submission.Status.PENDING:
                        holds.append(PendingRequest(organisation_id=submission.organisation_id, membership=membership, leave_type=leave_type,
                                                    days=days, start_date=start, start_half=start_half, end_date=end, end_half=end_half,
                                                    reference=reference, created_at=submission.submitted_at))
            bulk(Event, events, 1000)
            bulk(LedgerEntry, ledger, 1000)
            bulk(PendingRequest, holds)
        count = len(self.rows)
        self.rows = []
        return count


def grow_leave_and_procedures(centre: Centre) -> int:
    from maillon.accounts.roles import Role
    from maillon.leave import services as leave

    rng, today, org = centre.rng, centre.today, centre.org
    for month in months(centre.first_day, today):
        leave.accrue_month(org, month)
    types = {t.code: t for t in leave.leave_types(org)}
    # RTT and time off in lieu are credited by HR once a year (a correction, as HR records it)
    from maillon.leave.models import LedgerEntry

    hr = (centre.with_role(Role.HR) or centre.members[:1])[0]
    credits = []
    for year in range(centre.first_day.year, today.year + 1):
        for code, days in (("rtt", Decimal(8)), ("recup", Decimal(2))):
            if code in types:
                credits += [LedgerEntry(organisation=org, membership=m, leave_type=types[code], kind=LedgerEntry.Kind.CORRECTION, amount=days,
                                        reason=f"Droits {year}", created_by_id=hr.user_id, created_at=at(max(date(year, 1, 2), centre.first_day), 9))
                            for m in centre.members]
    with dated_rows(LedgerEntry):
        bulk(LedgerEntry, credits, 1000)
    maker = SubmissionMaker(centre)
    recent = today - timedelta(days=12)

    def outcome_for(submitted: datetime, start: date) -> str:
        if submitted.date() >= recent:
            return rng.choice(["pending", "pending", "approved", "changes"])
        return "rejected" if rng.random() < 0.06 else "approved"

    def leave_request(m, code, start, end, start_half="am", end_half="pm"):
        leave_type = types.get(code)
        if leave_type is None or start < centre.first_day:
            return
        submitted = at(start - timedelta(days=rng.randint(15, 60)), rng.randint(8, 18), rng.randint(0, 59))
        if submitted.date() > today:
            return
        days = leave.count_request(m, leave_type, start, start_half, end, end_half)
        data = {"leave_type": leave_type.name, "commentaire": rng.choice(["", "Vacances en famille.", "Pont.", "Rendez-vous personnel."]),
                "period": {"start": start.isoformat(), "start_half": "morning" if start_half == "am" else "afternoon",
                           "end": end.isoformat(), "end_half": "morning" if end_half == "am" else "afternoon"}}
        maker.add("absence-conge", m, data, submitted, outcome_for(submitted, start),
                  leave=(m, leave_type, start, start_half, end, end_half, days))

    last = today + timedelta(days=60)
    for m in centre.members:
        for year in range(centre.first_day.year, last.year + 1):
            summer = monday_of(date(year, 7, 1) + timedelta(days=7 * rng.randint(0, 6)))
            if summer <= last:
                leave_request(m, "cp", summer, summer + timedelta(days=11 if rng.random() < 0.6 else 4))
            winter = monday_of(date(year, 2, 1) + timedelta(days=7 * rng.randint(0, 3))) if rng.random() < 0.5 else \
                monday_of(date(year, 12, 18))
            if winter <= last:
                leave_request(m, "cp", winter, winter + timedelta(days=4))
            for _ in range(6):
                day = date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day.weekday() < 5 and day <= last:
                    leave_request(m, "rtt", day, day, "am", rng.choice(["am", "pm"]))
            if rng.random() < 0.4:
                day = date(year, rng.randint(1, 12), rng.randint(1, 28))
                if day.weekday() < 5 and day <= last:
                    leave_request(m, "recup", day, day, "pm", "pm")
    # Expense claims (a third of the staff, every two months), trainings (one a year for a
    # third), purchase orders (coordinators, monthly), a few drafts.
    coordinators = centre.with_role(Role.COORDINATOR)
    for index, m in enumerate(centre.members):
        if index % 3 == 0:
            for month in months(centre.first_day, today):
                if (month.month + index) % 2:
                    continue
                day = month + timedelta(days=rng.randint(0, 25))
                if day > today:
                    continue
                km = rng.randint(8, 90)
                data = {"trajets": [{"date": day.isoformat(), "objet": rng.choice(["Sortie ferme pédagogique", "Réunion fédération", "Achats matériel"]),
                                     "km": str(km), "montant": f"{km * Decimal('0.35'):.2f}"}], "iban": "FR7630006000011234567890189"}
                submitted = at(min(today, day + timedelta(days=rng.randint(1, 10))), 17, rng.randint(0, 59))
                maker.add("frais-kilometriques", m, data, submitted, outcome_for(submitted, day))
        if index % 3 == 1:
            for year in range(centre.first_day.year, today.year + 1):
                day = date(year, rng.randint(1, 12), rng.randint(1, 28))
                submitted = at(day - timedelta(days=40), 10)
                if centre.first_day <= submitted.date() <= today:
                    data = {"intitule": rng.choice(["PSC1", "BAFA approfondissement", "Accueil du public", "Gestion des conflits"]),
                            "organisme": "Organisme de formation du Val-Fleuri",
                            "dates": {"start": day.isoformat(), "start_half": "morning", "end": day.isoformat(), "end_half": "afternoon"},
                            "cout": f"{rng.randint(60, 900)}.00", "financement": "Plan de développement des compétences", "objectifs": "Se former."}
                    maker.add("formation", m, data, submitted, outcome_for(submitted, day))
    for m in coordinators:
        for month in months(centre.first_day, today):
            day = month + timedelta(days=rng.randint(0, 25))
            if day > today:
                continue
            price = rng.randint(20, 900)
            data = {"fournisseur": rng.choice(["Papeterie des Quatre Vents", "Jeux et Loisirs du Nord", "Bricolage Fontclair"]),
                    "action": "Activités du secteur", "lignes": [{"designation": "Fournitures", "quantite": "1", "prix": f"{price}.00"}]}
            maker.add("bon-commande", m, data, at(day, 11), outcome_for(at(day, 11), day))
    for m in centre.members[::10]:
        maker.add("frais-kilometriques", m, {"trajets": [], "iban": ""}, at(today - timedelta(days=rng.randint(0, 20)), 9), "draft")
    count = maker.flush()
    # each period change of the history (1 June): reliquats carried over, then expired (the job's service)
    for year in range(centre.first_day.year, today.year + 1):
        change = date(year, leave.settings_for(org).period_start_month, 1)
        if centre.first_day < change <= today:
            leave.period_change(org, change)
    return count


class Busy:
    """The rooms' and equipment's booked intervals of a centre (start → end + buffer), by day, so
    that bulk bookings never overlap (PostgreSQL's exclusion constraint refuses it, as the
    agenda's conflict engine does)."""

    def __init__(self, org):
        from maillon.agenda.models import Allocation

        self.slots: dict[tuple[int, date], list[tuple[datetime, datetime]]] = {}
        for resource_id, start, block_end in Allocation.objects.filter(organisation=org, resource__isnull=False, active=True).values_list(
                "resource_id", "start", "block_end"):
            self._add(resource_id, start, block_end)

    @staticmethod
    def _days(start, end):
        day, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
        while day <= last:
            yield day
            day += timedelta(days=1)

    def _add(self, resource_id, start, end):
        for day in self._days(start, end):
            self.slots.setdefault((resource_id, day), []).append((start, end))

    def free(self, resource, start, end) -> bool:
        end = end + timedelta(minutes=resource.buffer_minutes)
        return not any(s < end and start < e for day in self._days(start, end) for s, e in self.slots.get((resource.pk, day), ()))

    def claim(self, resource, start, end) -> bool:
        if not self.free(resource, start, end):
            return False
        self._add(resource.pk, start, end + timedelta(minutes=resource.buffer_minutes))
        return True


class AgendaMaker:
    """Bulk agenda events: (Event, [(start, end, [resources], [memberships])]). A resource
    already booked at that time is left out of that occurrence."""

    def __init__(self, centre):
        self.centre, self.rows = centre, []
        if getattr(centre, "busy", None) is None:
            centre.busy = Busy(centre.org)

    def free(self, resource, start, end) -> bool:
        return self.centre.busy.free(resource, start, end)

    def add(self, event, occurrences):
        kept = [(start, end, [r for r in resources if self.centre.busy.claim(r, start, end)], people)
                for start, end, resources, people in occurrences]
        self.rows.append((event, kept))

    def flush(self):
        from maillon.agenda.models import Allocation, Event, Occurrence

        if not self.rows:
            return [], []
        org = self.centre.org
        with dated_rows(Event, Allocation):
            events = bulk(Event, [e for e, _o in self.rows])
            occurrence_rows = []
            for event, (_e, occs) in zip(events, self.rows, strict=True):
                for start, end, resources, people in occs:
                    occurrence_rows.append((Occurrence(organisation=org, event=event, start=start, end=end, original_start=start), resources, people))
            occurrences = bulk(Occurrence, [o for o, _r, _p in occurrence_rows], 1000)
            allocations = []
            for occ, (_o, resources, people) in zip(occurrences, occurrence_rows, strict=True):
                booked_by = occ.event.created_by_id
                for resource in resources:
                    allocations.append(Allocation(organisation=org, occurrence=occ, resource=resource, start=occ.start, end=occ.end,
                                                  block_end=occ.end + timedelta(minutes=resource.buffer_minutes), booked_by_id=booked_by,
                                                  created_at=occ.event.created_at))
                for m in people:
                    allocations.append(Allocation(organisation=org, occurrence=occ, membership=m, start=occ.start, end=occ.end, block_end=occ.end,
                                                  booked_by_id=booked_by, created_at=occ.event.created_at))
            bulk(Allocation, allocations, 1000)
        self.rows = []
        return events, occurrences


def grow_agenda(centre: Centre) -> int:
    """Weekly activities per sector, one-off room bookings, holiday plannings with published shifts.
    Returns the number of agenda events written."""
    from maillon.accounts.roles import Role
    from maillon.agenda import pending
    from maillon.agenda.models import Event, Planning, Resource, Shift

    rng, org, today = centre.rng, centre.org, centre.today
    rooms = list(Resource.objects.for_organisation(org).filter(kind=Resource.Kind.ROOM).order_by("pk"))
    # the weekly activities: Tuesday to Friday afternoons, one room each, one sector each
    first_monday = monday_of(centre.first_day)
    weeks = (today + timedelta(days=28) - first_monday).days // 7
    maker = AgendaMaker(centre)
    creator = centre.members[0]
    activity_rooms = rooms[:2] or rooms
    for i, sector in enumerate(centre.sectors[:4]):
        weekday, hour = 1 + i % 4, 14 + (i // 4)
        room = activity_rooms[i % len(activity_rooms)] if activity_rooms else None
        staff = [m for m in centre.members if m.sector_id == sector.pk][:2]
        start = at(first_monday + timedelta(days=weekday), hour)
        event = Event(organisation=org, title=f"Atelier hebdomadaire – {sector.name}", kind=Event.Kind.ACTIVITY, sector=sector,
                      place=room.name if room else "", start=start, end=start + timedelta(hours=2),
                      rrule=f"FREQ=WEEKLY;COUNT={weeks}", created_by_id=creator.user_id, created_at=start - timedelta(days=7), updated_at=start)
        occs = [(start + timedelta(days=7 * w), start + timedelta(days=7 * w, hours=2), [room] if room else [], staff) for w in range(weeks)]
        maker.add(event, occs)
    # one-off bookings: about eight a week, morning slots that never overlap in one room
    day = first_monday
    booking_titles = ["Permanence administrative", "Atelier parents", "Réunion partenaires", "Accueil d'un groupe", "Entretien individuel",
                      "Répétition théâtre", "Atelier numérique", "Point d'équipe"]
    while day <= today + timedelta(days=28):
        if day.weekday() < 5 and rooms:
            for slot, hour in enumerate((9, 11)):
                room = rooms[(slot + day.toordinal()) % len(rooms)]
                start = at(day, hour)
                if rng.random() < 0.8 and maker.free(room, start, start + timedelta(hours=1, minutes=30)):
                    who = rng.choice(centre.members)
                    event = Event(organisation=org, title=rng.choice(booking_titles), kind=Event.Kind.BOOKING, place=room.name, start=start,
                                  end=start + timedelta(hours=1, minutes=30), created_by_id=who.user_id,
                                  created_at=start - timedelta(days=rng.randint(1, 20)), updated_at=start - timedelta(days=1))
                    maker.add(event, [(start, event.end, [room], [])])
        day += timedelta(days=1)
    events, _o = maker.flush()
    count = len(events)
    # holiday-club plannings: ten weeks a year, Enfance team (or the first sector), published when past
    sector = next((s for s in centre.sectors if s.name == "Secteur Enfance"), centre.sectors[0] if centre.sectors else None)
    if sector is None:
        return count
    coordinator = (centre.with_role(Role.COORDINATOR, sector.pk) or [creator])[0]
    team = [m for m in centre.members if m.sector_id == sector.pk and m.pk != coordinator.pk][:6] or centre.members[:6]
    holiday_weeks = []
    for year in range(centre.first_day.year, today.year + 1):
        for month, day_of in ((2, 15), (4, 15), (7, 8), (7, 15), (7, 22), (7, 29), (8, 19), (8, 26), (10, 22), (12, 27)):
            monday = monday_of(date(year, month, day_of))
            # the demo's own holiday plannings are next week and the week after
            if centre.first_day <= monday <= today - timedelta(days=7):
                holiday_weeks.append(monday)
    with dated_rows(Planning):
        planned = bulk(Planning, [Planning(organisation=org, title=f"Accueil de loisirs – semaine du {monday:%d/%m/%Y}", sector=sector,
                                           start_date=monday, end_date=monday + timedelta(days=4), status=Planning.Status.PUBLISHED,
                                           published_at=at(monday - timedelta(days=10), 18), created_by_id=coordinator.user_id,
                                           created_at=at(monday - timedelta(days=20), 10)) for monday in holiday_weeks])
    shifts, people = [], []
    for planning, monday in zip(planned, holiday_weeks, strict=True):
        for d in range(5):
            for title, h0, h1, who in (("Accueil du matin", 8, 12, team[:3]), ("Activités de l'après-midi", 13, 17, team[2:5])):
                shifts.append(Shift(organisation=org, planning=planning, title=title, start=at(monday + timedelta(days=d), h0),
                                    end=at(monday + timedelta(days=d), h1, 30), supervisors_needed=2, children_from_6=12))
                people.append(who)
    shifts = bulk(Shift, shifts, 1000)
    through = Shift.people.through
    bulk(through, [through(shift_id=s.pk, membership_id=m.pk) for s, who in zip(shifts, people, strict=True) for m in who], 2000)
    # what the publication makes: one agenda event per shift, the people allocated
    for s, who in zip(shifts, people, strict=True):
        maker.add(Event(organisation=org, title=s.title, kind=Event.Kind.SHIFT, status=Event.Status.PUBLISHED, sector=sector, start=s.start,
                        end=s.end, description=s.planning.title, created_by_id=coordinator.user_id, created_at=s.planning.published_at,
                        updated_at=s.planning.published_at), [(s.start, s.end, [], who)])
    events, occurrences = maker.flush()
    count += len(events)
    for s, occ, who in zip(shifts, occurrences, people, strict=True):
        s.occurrence = occ
        s.members = who
    Shift.objects.bulk_update(shifts, ["occurrence"], batch_size=1000)
    by_planning = {}
    for s in shifts:
        by_planning.setdefault(s.planning_id, []).append(s)
    for planning in planned:
        planning.published_snapshot = {"shifts": pending.state(by_planning.get(planning.pk, []))}
    Planning.objects.bulk_update(planned, ["published_snapshot"], batch_size=200)
    return count


def grow_meetings(centre: Centre) -> int:
    """A weekly team meeting and a monthly COORDO, with minutes, tasks and outcomes (past ones published)."""
    from maillon.accounts.roles import Role
    from maillon.agenda.models import Event, Resource
    from maillon.meetings import services as meetings
    from maillon.meetings.models import Meeting, Minutes, Outcome, Participant, Series, Task

    rng, org, today = centre.rng, centre.org, centre.today
    types = {t.name: t for t in meetings.meeting_types(org)}
    room = Resource.objects.for_organisation(org).filter(kind=Resource.Kind.ROOM, name="Salle de réunion Le Chêne").first() or \
        Resource.objects.for_organisation(org).filter(kind=Resource.Kind.ROOM).order_by("-pk").first()
    director = (centre.with_role(Role.DIRECTOR) or centre.members[:1])[0]
    coordinators = centre.with_role(Role.COORDINATOR)
    plans = []  # (type, title, series title, day, hour, people)
    first_monday = monday_of(centre.first_day)
    week = 0
    while first_monday + timedelta(days=7 * week) <= today + timedelta(days=21):
        monday = first_monday + timedelta(days=7 * week)
        week += 1
        # Thursday mornings, one sector's team each week (people of one sector, its coordinator)
        sector = centre.sectors[week % len(centre.sectors)] if centre.sectors else None
        team = [m for m in centre.members if sector and m.sector_id == sector.pk][:8]
        plans.append((types["Réunion d'équipe"], f"Réunion d'équipe – {sector.name if sector else 'centre'}", "Réunion d'équipe",
                      monday + timedelta(days=3), 8, team))
        if monday.day <= 7:  # first week of the month: COORDO on Friday morning
            plans.append((types["COORDO"], "COORDO", "COORDO", monday + timedelta(days=4), 8, [director, *coordinators]))
    series = {}
    for name in ("Réunion d'équipe", "COORDO"):
        series[name] = Series.objects.create(organisation=org, title=f"{name} (historique)", meeting_type=types[name], created_by=director.user)
    maker = AgendaMaker(centre)
    rooms = [room, *Resource.objects.for_organisation(org).filter(kind=Resource.Kind.ROOM).exclude(pk=getattr(room, "pk", None)).order_by("pk")]
    for _mt, title, _s, day, hour, people in plans:
        start = at(day, hour)
        room = next((r for r in rooms if r is not None and maker.free(r, start, start + timedelta(hours=1, minutes=30))), None)
        maker.add(Event(organisation=org, title=title, kind=Event.Kind.MEETING, place=room.name if room else "", start=start,
                        end=start + timedelta(hours=1, minutes=30), description="Point régulier", created_by_id=director.user_id,
                        created_at=start - timedelta(days=14), updated_at=start - timedelta(days=14)),
                  [(start, start + timedelta(hours=1, minutes=30), [room] if room else [], list({m.pk: m for m in [director, *people]}.values()))])
    events, _occ = maker.flush()
    with dated_rows(Meeting, Minutes, Task, Outcome):
        rows = bulk(Meeting, [Meeting(organisation=org, title=title, meeting_type=mt, series=series[s], event=event, start=event.start,
                                      end=event.end, objective="Faire le point.", agenda="Tour de table\nInformations\nDécisions\nQuestions diverses",
                                      organiser_id=director.user_id, created_at=event.created_at)
                              for (mt, title, s, _d, _h, _p), event in zip(plans, events, strict=True)])
        participants, minutes = [], []
        for meeting, (mt, _t, _s, _d, _h, people) in zip(rows, plans, strict=True):
            past = meeting.end.date() < today
            for m in {p.pk: p for p in [director, *people]}.values():
                answer = Participant.Answer.ACCEPTED if past or m.pk == director.pk else rng.choice([Participant.Answer.ACCEPTED, Participant.Answer.PENDING])
                participants.append(Participant(organisation=org, meeting=meeting, membership=m, answer=answer,
                                                attendance=("present" if rng.random() < 0.9 else "excused") if past else "",
                                                minutes_read_at=meeting.end + timedelta(days=3) if past and rng.random() < 0.7 else None))
            sections = [{"key": f"s{i}", "title": t, "text": (f"Échanges sur « {t.lower()} ».\nRien de bloquant." if past else "")}
                        for i, t in enumerate(mt.sections or ["Notes"], start=1)]
            minutes.append(Minutes(organisation=org, meeting=meeting, sections=sections, version=2 if past else 1,
                                   status=Minutes.Status.PUBLISHED if past and meeting.end.date() < today - timedelta(days=7) else Minutes.Status.DRAFT,
                                   published_at=meeting.end + timedelta(days=2) if past else None, updated_at=meeting.end + timedelta(days=2),
                                   updated_by_id=director.user_id))
        bulk(Participant, participants, 1000)
        minutes = bulk(Minutes, minutes)
        tasks, outcomes = [], []
        for meeting, (_mt, _t, _s, _d, _h, people) in zip(rows, plans, strict=True):
            if meeting.end.date() >= today:
                continue
            for n in range(2):
                assignee = rng.choice(people or [director])
                due = meeting.start.date() + timedelta(days=rng.randint(7, 30))
                done = due < today - timedelta(days=3) and rng.random() < 0.85
                tasks.append(Task(organisation=org, meeting=meeting, assignee=assignee, description=rng.choice(
                    ["Préparer le bilan de l'action", "Relancer les familles inscrites", "Commander le matériel", "Mettre à jour les affiches",
                     "Contacter le partenaire"]) + f" ({n + 1})", due=due, done=done, done_at=at(due, 17) if done else None,
                    created_by_id=director.user_id, created_at=meeting.end))
        tasks = bulk(Task, tasks, 1000)
        by_meeting = {}
        for task in tasks:
            by_meeting.setdefault(task.meeting_id, []).append(task)
        for meeting, minute in zip(rows, minutes, strict=True):
            if meeting.end.date() >= today:
                continue
            outcomes.append(Outcome(organisation=org, minutes=minute, item=2, kind=Outcome.Kind.INFORMATION,
                                    text="Point d'information partagé avec l'équipe.", created_by_id=director.user_id, created_at=meeting.end))
            for task in by_meeting.get(meeting.pk, [])[:1]:
                outcomes.append(Outcome(organisation=org, minutes=minute, item=3, kind=Outcome.Kind.TASK, text=task.description, task=task,
                                        created_by_id=director.user_id, created_at=meeting.end))
        bulk(Outcome, outcomes, 1000)
    return len(rows)


def grow_news(centre: Centre) -> int:
    """A news item a week (Wagtail's add_child, indexed for the search by the content service)."""
    from maillon.accounts.roles import Role
    from maillon.content import services as content
    from maillon.content.editors import ensure_home
    from maillon.content.models import NewsPage

    rng, today = centre.rng, centre.today
    home = ensure_home(centre.org)
    editor = (centre.with_role(Role.COMMUNICATION) or centre.members[:1])[0]
    topics = [("Retour sur la sortie familles", "vie"), ("Nouvelle convention avec un partenaire", "admin"), ("Formation des animateurs", "formation"),
              ("Bienvenue dans l'équipe", "equipe"), ("Réunion d'information des habitants", "evenement"), ("Le centre en images", "vie")]
    count = 0
    day = centre.first_day
    while day < today - timedelta(days=35):  # the demo's own news cover the last month
        title, category = rng.choice(topics)
        intro = f"{title} : ce qu'il faut retenir de la semaine du {day:%d/%m/%Y}."
        page = home.add_child(instance=NewsPage(
            title=f"{title} ({day:%d/%m/%Y})", category=category, date=day, intro=intro, live=True, owner=editor.user,
            first_published_at=at(day, 9), last_published_at=at(day, 9),
            body=json.dumps([{"type": "text", "value": f"<p>{intro}</p><p>Plus d'informations auprès de l'équipe.</p>"}])))
        content.index_page(page)
        count += 1
        day += timedelta(days=7)
    return count


def grow_notifications(centre: Centre, per_week: float = 2.0) -> int:
    from maillon.notifications.models import Notification

    rng, org, today = centre.rng, centre.org, centre.today
    titles = [("Réunion d'équipe : compte rendu disponible", "meetings.minutes", "reunions/"),
              ("À valider : Frais kilométriques", "procedures.approval", "demarches/a-valider/"),
              ("Approuvé : Autorisation d'absence et demande de congé", "procedures.decision", "demarches/"),
              ("Planning publié : accueil de loisirs", "agenda.planning", "agenda/plannings/"),
              ("Nouvelle actualité", "content.news", "actualites/")]
    span = (today - centre.first_day).days
    total = int(span / 7 * per_week)
    rows = []
    for m in centre.members:
        for _ in range(total):
            title, kind, path = rng.choice(titles)
            when = at(today - timedelta(days=rng.randint(0, span)), rng.randint(8, 18), rng.randint(0, 59))
            read = when.date() < today - timedelta(days=7) or rng.random() < 0.5
            rows.append(Notification(organisation=org, recipient_id=m.user_id, title=title, kind=kind, url=f"/{org.slug}/{path}",
                                     created_at=when, read_at=when + timedelta(hours=rng.randint(1, 72)) if read else None))
    with dated_rows(Notification):
        bulk(Notification, rows, 2000)
    return len(rows)


def fresh_activity(centre: Centre) -> int:
    """A week of real activity at the measured centre through the services: leave requests signed
    and decided (the ledger debited by the approval), bookings, a meeting with minutes."""
    from django.contrib.auth.hashers import make_password

    from maillon.accounts.roles import Role
    from maillon.agenda import services as agenda
    from maillon.agenda.models import Event, Resource
    from maillon.core.demo import DEMO_PASSWORD
    from maillon.meetings import services as meetings
    from maillon.meetings import services_minutes
    from maillon.procedures import demo as procedures_demo
    from maillon.procedures import services as procedures
    from maillon.procedures.models import Procedure

    rng, org, today = centre.rng, centre.org, centre.today
    procedure = Procedure.objects.for_organisation(org).get(template_key="absence-conge")
    approvers = [m.user for m in [*centre.with_role(Role.COORDINATOR), *centre.with_role(Role.HR), *centre.with_role(Role.DIRECTOR)]]
    count = 0
    staff = [m for m in centre.members if m.user.username != "animateur"][10:16]
    for index, m in enumerate(staff):
        day = monday_of(today + timedelta(days=35 + 7 * index)) + timedelta(days=index % 5)
        request = as_request(m)
        if not m.user.check_password(DEMO_PASSWORD):  # bulk people carry the demo password's hash already
            m.user.password = make_password(DEMO_PASSWORD)
            m.user.save(update_fields=["password"])
        submission = procedures.save_draft(request, procedure, {
            "leave_type": "RTT", "commentaire": "Pont.",
            "period": {"start": day.isoformat(), "start_half": "morning", "end": day.isoformat(), "end_half": "afternoon"}})
        procedures.submit(request, submission, password=DEMO_PASSWORD)
        if index % 2 == 0:
            procedures_demo._approve_all(approvers, org, submission)
        count += 1
    rooms = list(Resource.objects.for_organisation(org).filter(kind=Resource.Kind.ROOM).order_by("pk"))
    for index, m in enumerate(centre.members[20:26]):
        for hour in (16, 17, 18, 19, 20):  # the demo's own bookings of that day may hold the room
            start = at(today + timedelta(days=1 + index), hour)
            try:
                agenda.create_event(m, title="Réservation de salle", start=start, end=start + timedelta(hours=1), kind=Event.Kind.BOOKING,
                                    resources=[rooms[index % len(rooms)]], people=[], allow_past=True, skip_conflicting=True)
            except agenda.ConflictError:
                continue
            count += 1
            break
    director = centre.with_role(Role.DIRECTOR)[0]
    types = {t.name: t for t in meetings.meeting_types(org)}
    team = centre.with_role(Role.COORDINATOR)[:3]
    slot = meetings_slot(org, today - timedelta(days=3), [director, *team])
    if slot is not None:
        start, end, room = slot
        meeting = meetings.create_meeting(director, title="Réunion de direction élargie", meeting_type=types["COPIL"], start=start, end=end,
                                          people=team, room=room, objective="Suivi du projet social.", agenda_text="Avancement\nIndicateurs",
                                          send_email=False, allow_past=True)
        ids = {m.pk for m in team} | {director.pk}
        services_minutes.save_minutes(director, meeting.minutes, {"s1": "Le projet avance.", "s2": "Fréquentation en hausse."}, 1, ids)
        services_minutes.add_task(director, meeting, assignee=team[0], description="Préparer les indicateurs du trimestre", participant_ids=ids)
        count += 1
    del rng
    return count


def meetings_slot(org, day, people):
    from maillon.agenda.models import Resource
    from maillon.meetings.demo import _free_slot

    rooms = list(Resource.objects.for_organisation(org).filter(kind=Resource.Kind.ROOM).order_by("pk"))
    return _free_slot(org, day, people, rooms)


def ensure_centres(count: int):
    from maillon.organisations.models import Federation, Organisation
    from maillon.organisations.services import create_organisation

    federation = Federation.objects.get(slug="federation-val-fleuri")
    orgs = [Organisation.objects.get(slug=MEASURED_ORG)]
    if count > 1:
        orgs.append(Organisation.objects.get(slug="arc-en-ciel"))
    for i in range(len(orgs), count):
        name = CENTRE_NAMES[(i - 2) % len(CENTRE_NAMES)]
        slug = ascii_slug(name) + ("" if i - 2 < len(CENTRE_NAMES) else f"-{i}")
        org = Organisation.objects.filter(slug=slug).first() or create_organisation(
            name=f"Centre social {name}", slug=slug, address=f"{i} rue des Écoles\n59000 Val-Fleuri")
        org.federations.add(federation)
        orgs.append(org)
    return orgs


def build(args) -> int:
    from run import prepare

    data_dir = Path(args.data_dir)
    marker = data_dir / "scale.json"
    if marker.exists() and not args.force:
        log(f"{data_dir} is already built ({marker.read_text().strip()}); --force to rebuild")
        return 0
    data_dir.mkdir(parents=True, exist_ok=True)
    copied = False
    if args.from_dir and not os.environ.get("DATABASE_URL"):
        source = Path(args.from_dir)
        if json.loads((source / "scale.json").read_text()).get("history_days") != 0:
            raise SystemExit(f"--from-dir: {source} is not a 1× build")
        shutil.copytree(source, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("scale.json"))
        copied = True
    setup_django(str(data_dir))
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from maillon.accounts.models import User

    log(f"building scale {args.scale} in {data_dir} ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    if copied:
        log(f"1× demo copied from {args.from_dir}")
    else:
        prepare(40)
        log("1× demo ready (migrate, collectstatic, demo.seed, 40 notifications)")
    centres_count = args.centres or (args.scale // 5)
    if args.scale <= 1 or centres_count < 1:
        marker.write_text(json.dumps({"scale": args.scale, "centres": 1, "history_days": 0}))
        return 0
    today = timezone.localdate()
    first_day = today - timedelta(days=args.days)
    password_hash = User.objects.get(username="animateur").password
    totals: dict[str, int] = {}
    for index, org in enumerate(ensure_centres(centres_count)):
        rng = random.Random(args.seed * 1000 + index)
        with transaction.atomic():
            centre = Centre(org, index, rng, today, first_day)
            grow_people(centre, args.staff, password_hash)
            setup_centre(centre)
            centre.reload()
            steps = [("submissions", lambda c=centre: grow_leave_and_procedures(c)), ("agenda events", lambda c=centre: grow_agenda(c)),
                     ("meetings", lambda c=centre: grow_meetings(c)), ("news", lambda c=centre: grow_news(c)),
                     ("notifications", lambda c=centre: grow_notifications(c))]
            done = []
            for name, step in steps:
                n = step()
                totals[name] = totals.get(name, 0) + n
                done.append(f"{n} {name}")
            log(f"centre {index + 1}/{centres_count} {org.slug}: {len(centre.members)} people, " + ", ".join(done))
    with transaction.atomic():
        n = fresh_activity(Centre(ensure_centres(1)[0], 0, random.Random(args.seed), today, first_day))
    log(f"fresh activity at {MEASURED_ORG} through the services: {n} actions")
    if connection_vendor() == "sqlite":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    marker.write_text(json.dumps({"scale": args.scale, "centres": centres_count, "staff": args.staff, "history_days": args.days,
                                  "seed": args.seed, "built": str(today), "rows": totals, "seconds": round(time.monotonic() - T0)}))
    log(f"done ({time.process_time():.0f} s of CPU in this process): {totals}")
    return 0


# ----------------------------------------------------------------------------- measure


def measure_one(args) -> int:
    """In a child process, on one data directory: read page names on stdin, one a line, answer
    each with ``bench/pages.py``'s ``measure`` of that page as one JSON line on stdout."""
    setup_django(args.data_dir)
    import pages
    from ab import answer_measures

    from maillon.organisations.models import Organisation

    return answer_measures(pages, Organisation.objects.get(slug=MEASURED_ORG), args.runs)


def data_dir_for(scale: int, cache: str) -> str:
    return str(Path(cache.format(scale=scale)))


def scale_env(scale: int) -> dict:
    """The environment of one scale's build or measure: with DATABASE_URL, a database per scale
    (``<name>_x<scale>``, created when missing)."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL")
    if url:
        import psycopg

        base, name = url.rsplit("/", 1)
        env["DATABASE_URL"] = f"{base}/{name}_x{scale}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"{name}_x{scale}"]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}_x{scale}"')
    return env


def measure(args) -> int:
    scales = [int(s) for s in args.scales.split(",")]
    by_scale = {}
    base_dir = data_dir_for(1, args.cache)
    children = {}
    for scale in scales:
        data_dir = data_dir_for(scale, args.cache)
        env = scale_env(scale)
        if not (Path(data_dir) / "scale.json").exists():
            log(f"building scale {scale} in {data_dir}")
            command = [sys.executable, __file__, "build", "--scale", str(scale), "--data-dir", data_dir]
            if scale > 1 and "DATABASE_URL" not in env and (Path(base_dir) / "scale.json").exists():
                command += ["--from-dir", base_dir]
            subprocess.run(command, check=True, env=env)  # noqa: S603 - this script
        children[scale] = subprocess.Popen(  # noqa: S603 - this script
            [sys.executable, __file__, "measure-one", "--data-dir", data_dir, "--runs", str(args.runs)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**env, "PYTHONWARNINGS": "ignore"})
    for child in children.values():
        assert child.stdout.readline().strip() == "ready"
    # Interleaved (each page at every scale, round after round): a change of load on the machine
    # falls on every scale alike; each figure is the median of the rounds' medians.
    from pages import PAGES

    names = [n for n, _p, _u in PAGES if not args.pages or n in args.pages.split(",")]
    rounds: dict[int, dict[str, list[dict]]] = {s: {n: [] for n in names} for s in scales}
    for round_number in range(args.rounds):
        log(f"round {round_number + 1}/{args.rounds}: {len(names)} pages × {len(scales)} scales, {args.runs} requests each")
        for name in names:
            for scale, child in children.items():
                child.stdin.write(name + "\n")
                child.stdin.flush()
                rounds[scale][name].append(json.loads(child.stdout.readline()))
    for child in children.values():
        child.stdin.close()
        child.wait()
    by_scale = {s: {n: {**rows[-1], **{k: round(statistics.median(r[k] for r in rows), 2) for k in ("cpu_median_ms", "cpu_p95_ms", "wall_median_ms")}}
                    for n, rows in rounds[s].items()} for s in scales}
    base, top = scales[0], scales[-1]
    head = f"{'page':<15}" + "".join(f"{f'{s}× CPU':>10}{'wall':>8}{'q':>4}" for s in scales) + "  flag"
    print(f"\nCPU median ms, wall median ms, queries per page and scale ({args.rounds} rounds of {args.runs} requests)\n")
    print(head)
    flagged = []
    for name in names:
        row = f"{name:<15}"
        for s in scales:
            r = by_scale[s].get(name, {})
            row += f"{r.get('cpu_median_ms', 0):>10.1f}{r.get('wall_median_ms', 0):>8.1f}{r.get('queries', 0):>4}"
        first, last = by_scale[base][name], by_scale[top].get(name, {})
        flags = []
        if last and last["cpu_median_ms"] > 1.5 * first["cpu_median_ms"]:
            flags.append(f"CPU ×{last['cpu_median_ms'] / first['cpu_median_ms']:.1f}")
        queries = [by_scale[s][name]["queries"] for s in scales if name in by_scale[s]]
        if any(q > queries[0] for q in queries[1:]):
            flags.append("queries " + "→".join(map(str, queries)))
        if len(scales) > 2 and last and name in by_scale[scales[-2]]:
            previous = by_scale[scales[-2]][name]["cpu_median_ms"]
            if last["cpu_median_ms"] > 1.3 * previous:  # only the federation grew: the measured centre's history is the same
                flags.append(f"{scales[-2]}×→{top}× ×{last['cpu_median_ms'] / previous:.1f}")
        if flags:
            flagged.append(name)
        print(row + "  " + ", ".join(flags))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps({
        "runs": args.runs, "rounds": args.rounds, "scales": scales, "flagged": flagged,
        "built": {s: json.loads((Path(data_dir_for(s, args.cache)) / "scale.json").read_text()) for s in scales},
        "pages": {str(s): list(by_scale[s].values()) for s in scales}}, indent=2, ensure_ascii=False))
    print(f"\nnot flat ({base}× → {top}×): {', '.join(flagged) or 'none'}; written to {RESULTS / 'scale.json'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build a scaled instance")
    b.add_argument("--scale", type=int, required=True, help="1 (the demo), 10 (2 centres), 100 (20 centres): N // 5 centres")
    b.add_argument("--data-dir", required=True)
    b.add_argument("--centres", type=int, help="override N // 5")
    b.add_argument("--staff", type=int, default=50, help="people per centre")
    b.add_argument("--days", type=int, default=3 * 365, help="days of history")
    b.add_argument("--seed", type=int, default=14)
    b.add_argument("--force", action="store_true", help="build even if the directory has scale.json")
    b.add_argument("--from-dir", help="SQLite: start from a copy of this 1× build instead of migrate + demo (faster)")
    m = sub.add_parser("measure", help="measure bench/pages.py's pages at several scales")
    m.add_argument("--scales", default="1,10,100")
    m.add_argument("--cache", default="/tmp/maillon-scale-{scale}",  # noqa: S108 - a cache of built instances
                   help="data directory per scale ({scale} is replaced)")
    m.add_argument("--runs", type=int, default=20, help="requests per page, scale and round")
    m.add_argument("--rounds", type=int, default=3)
    m.add_argument("--pages", help="comma-separated page names (default: all)")
    one = sub.add_parser("measure-one")
    one.add_argument("--data-dir", required=True)
    one.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.chdir(ROOT)
    return {"build": build, "measure": measure, "measure-one": measure_one}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
