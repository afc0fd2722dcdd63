"""Vehicle bookings open their procedure (the order of mission).

Registered from ``ProceduresConfig.ready`` on ``maillon.agenda.hooks``:

- ``open_for_booking(event, resource, membership)``: booking a resource whose category needs a
  procedure opens, as a draft of the booker, the organisation's published procedure for it
  (the « Demande de véhicule / ordre de mission » template), pre-filled with the departure and
  return, the purpose (the event's title) and the vehicle. The mileage claim (« Fiche de
  remboursement de frais / kilométrique ») is for one's own car: a centre's vehicle never opens it. When the resource
  ``waits_for_procedure`` its allocations wait (active: the slot stays taken) until the
  submission is decided. An organisation without such a procedure books as before.
- ``redirect_after_booking(request, event)``: the booker lands on that draft.
- ``settle(submission, approved)`` (called by the services when a submission closes): confirms
  or cancels the allocations waiting for it.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record

from . import schema as s
from .models import BookingLink, Procedure, Submission

# Templates that carry a booking of the centre's vehicle, by preference (not the mileage claim:
# it pays back kilometres driven with one's own car).
TEMPLATE_KEYS = ("ordre-mission",)
PURPOSE_KEYS = ("objet", "motif", "purpose", "mission")
VEHICLE_KEYS = ("vehicule", "vehicle")
DATE_KEYS = ("date", "date_depart", "date_mission")
RETURN_DATE_KEYS = ("date_retour",)
START_TIME_KEYS = ("heure_depart",)
RETURN_TIME_KEYS = ("heure_retour",)


def procedure_for_vehicles(organisation) -> Procedure | None:
    found = {p.template_key: p for p in Procedure.objects.for_organisation(organisation)
             .filter(template_key__in=TEMPLATE_KEYS, status=Procedure.Status.PUBLISHED, current_version__isnull=False)
             .select_related("current_version", "organisation")}
    return next((found[key] for key in TEMPLATE_KEYS if key in found), None)


def _first(specs, keys, kinds):
    return next((spec for key in keys for spec in specs if spec["key"] == key and spec["kind"] in kinds), None)


def prefill(schema: list[dict], *, day: str, purpose: str, vehicle: str, start_time: str = "", end_day: str = "", end_time: str = "") -> dict:
    """Answers for ``schema``: in its repeatable group of lines (an organisation's own form) one
    line with the date, the purpose and the vehicle; else the top-level fields of those names,
    with the departure and return times and the return date when the form asks for them. The
    vehicle goes into the purpose when there is no vehicle field."""
    answers: dict = {}
    group = next((spec for spec in schema if spec["kind"] == s.GROUP and _first(spec.get("fields") or [], PURPOSE_KEYS, {s.TEXT})), None)
    specs = (group.get("fields") or []) if group else schema
    target = {}
    date_spec = _first(specs, DATE_KEYS, {s.DATE})
    purpose_spec = _first(specs, PURPOSE_KEYS, {s.TEXT, s.TEXTAREA})
    vehicle_spec = _first(specs, VEHICLE_KEYS, {s.TEXT, s.TEXTAREA})
    if date_spec:
        target[date_spec["key"]] = day
    for keys, kind, value in ((RETURN_DATE_KEYS, s.DATE, end_day), (START_TIME_KEYS, s.TIME, start_time), (RETURN_TIME_KEYS, s.TIME, end_time)):
        spec = _first(specs, keys, {kind}) if value else None
        if spec:
            target[spec["key"]] = value
    if vehicle_spec:
        target[vehicle_spec["key"]] = vehicle
    if purpose_spec:
        target[purpose_spec["key"]] = purpose if vehicle_spec else f"{purpose} ({vehicle})"
    if group:
        answers[group["key"]] = [target]
    else:
        answers.update(target)
    return answers


def open_for_booking(event, resource, membership) -> Submission | None:
    """The hook: a draft of the booker for this booking (one per event: a second vehicle on the
    same event is linked to the same draft)."""
    procedure = procedure_for_vehicles(event.organisation)
    if procedure is None:
        return None
    with transaction.atomic():
        link = BookingLink.objects.filter(organisation=event.organisation, event=event).select_related("submission").first()
        if link is not None:
            submission = link.submission
        else:
            from .services import open_prefilled_draft

            start, end = timezone.localtime(event.start), timezone.localtime(event.end)
            answers = prefill(procedure.current_version.schema, day=start.date().isoformat(), purpose=event.title, vehicle=resource.name,
                              start_time=start.strftime("%H:%M"), end_day=end.date().isoformat(), end_time=end.strftime("%H:%M"))
            submission = open_prefilled_draft(membership, procedure, answers,
                                              origin={"event": event.pk, "resource": resource.pk})
        BookingLink.objects.get_or_create(organisation=event.organisation, event=event, resource=resource,
                                          defaults={"submission": submission})
        from maillon.agenda.hooks import mark_awaiting_procedure

        waiting = mark_awaiting_procedure(event, resource)
        record("procedures.booking_opened", actor=membership.user, organisation=event.organisation, target=submission,
               data={"event": event.pk, "resource": resource.pk, "allocations_awaiting": waiting})
    return submission


def redirect_after_booking(request, event) -> str | None:
    """The draft the booking opened, if it is still the booker's draft."""
    link = (BookingLink.objects.for_organisation(request.organisation).filter(event=event, submission__applicant=request.user,
                                                                          submission__status=Submission.Status.DRAFT)
            .select_related("resource").first())
    if link is None:
        return None
    if link.resource.waits_for_procedure:
        messages.info(request, _("« %(resource)s » is held for you: it is confirmed once this request is approved. "
                                 "Complete it, then sign and send it.") % {"resource": link.resource.name})
    else:
        messages.info(request, _("This vehicle needs a request: it is pre-filled, complete it, then sign and send it."))
    return reverse("procedures:edit", kwargs={"org": request.organisation.slug, "pk": link.submission_id})


def settle(submission: Submission, *, approved: bool, actor=None) -> int:
    """Confirm (approved) or cancel (rejected, withdrawn, draft deleted) the allocations waiting
    for ``submission``. Returns how many allocations changed; audited when some did."""
    links = list(BookingLink.objects.filter(submission=submission).values_list("event_id", "resource_id"))
    if not links:
        return 0
    from maillon.agenda.hooks import settle_procedure_allocations

    changed = 0
    by_event: dict[int, list[int]] = {}
    for event_id, resource_id in links:
        by_event.setdefault(event_id, []).append(resource_id)
    for event_id, resource_ids in by_event.items():
        changed += settle_procedure_allocations(event_id, resource_ids, approved=approved)
    if changed:
        record("procedures.booking_confirmed" if approved else "procedures.booking_cancelled", actor=actor,
               organisation=submission.organisation, target=submission, data={"bookings": [list(x) for x in links], "allocations": changed})
    return changed
