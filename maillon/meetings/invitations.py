"""E-mail invitations with an iCalendar METHOD:REQUEST attachment, and signed RSVP links."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from maillon.core import feder, links
from maillon.notifications import delivery
from maillon.notifications.backends import organisation_header

SALT = "maillon.meetings.rsvp"
PARTSTAT = {"pending": "NEEDS-ACTION", "accepted": "ACCEPTED", "declined": "DECLINED", "maybe": "TENTATIVE"}


def rsvp_token(participant) -> str:
    """Signed answer link data: ``p`` names a member's participation, ``g`` an external guest."""
    key = "g" if getattr(participant, "is_guest", False) or participant.__class__.__name__ == "Guest" else "p"
    return signing.dumps({key: participant.pk, "o": participant.organisation_id}, salt=SALT)


def read_rsvp_token(token: str, max_age_days: int = 180) -> dict | None:
    try:
        return signing.loads(token, salt=SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None


def person(p) -> tuple[str, str]:
    """(e-mail, name) of a participant (member) or a guest (external contact)."""
    if hasattr(p, "membership"):
        user = p.membership.user
        return user.email, user.get_full_name() or user.username
    return p.email, p.name


def ics_request(meeting, participants, *, sequence: int | None = None, method: str = "REQUEST") -> bytes:
    """The meeting as an iTIP message: REQUEST (invitation or update, SEQUENCE raised by each
    change) or CANCEL (same UID, STATUS:CANCELLED)."""
    cal = Calendar()
    cal.add("prodid", "-//Maillon//meetings//FR")
    cal.add("version", "2.0")
    cal.add("method", method)
    item = VEvent()
    item.add("uid", f"meeting-{meeting.pk}@maillon")
    item.add("sequence", meeting.sequence if sequence is None else sequence)
    if method == "CANCEL":
        item.add("status", "CANCELLED")
    item.add("summary", meeting.title)
    item.add("dtstart", meeting.start)
    item.add("dtend", meeting.end)
    item.add("dtstamp", timezone.now())
    if meeting.event.place:
        item.add("location", meeting.event.place)
    description = "\n".join(filter(None, [meeting.objective, meeting.agenda]))
    if description:
        item.add("description", description)
    organiser = meeting.organiser
    if organiser is not None:
        org = vCalAddress(f"mailto:{organiser.email or settings.DEFAULT_FROM_EMAIL}")
        org.params["cn"] = vText(organiser.get_full_name() or organiser.username)
        item.add("organizer", org)
    for p in participants:
        email, name = person(p)
        if not email:
            continue
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText(PARTSTAT[p.answer])
        attendee.params["rsvp"] = vText("TRUE")
        item.add("attendee", attendee, encode=0)
    cal.add_component(item)
    return cal.to_ical()


def _when(meeting) -> str:
    start = timezone.localtime(meeting.start)
    day = date_format(start, "l j F Y")
    return _("%(day)s at %(time)s") % {"day": day[:1].lower() + day[1:], "time": start.strftime("%H:%M")}


def send_invitations(meeting, participants, *, kind: str = "invitation") -> int:
    """One e-mail per participant with an address: the meeting, answer links, the .ics.
    ``kind``: « invitation », « update » (new time or place: REQUEST with the raised
    SEQUENCE), « cancel » (METHOD:CANCEL) or « uninvite » (METHOD:CANCEL to people taken off
    the list: the meeting goes on without them)."""
    method = "CANCEL" if kind in ("cancel", "uninvite") else "REQUEST"
    ics = ics_request(meeting, participants, method=method)
    when = _when(meeting)
    subject = {"invitation": _("Invitation: %(title)s"), "update": _("Meeting changed: %(title)s"),
               "cancel": _("Meeting cancelled: %(title)s"), "uninvite": _("No longer invited: %(title)s")}[kind] % {"title": meeting.title}
    first = {"invitation": _("You are invited to « %(title)s », %(when)s."),
             "update": _("« %(title)s » changed: it now takes place %(when)s."),
             "cancel": _("« %(title)s », %(when)s, is cancelled."),
             "uninvite": _("You are no longer invited to « %(title)s », %(when)s.")}[kind] % {"title": meeting.title, "when": when}
    signature = feder.email_signature(meeting.organisation)
    sent = 0
    for p in participants:
        email, link = _address(p), ""
        if not email:
            continue
        if method == "REQUEST":
            link = links.absolute(reverse("meetings:rsvp_link", kwargs={"token": rsvp_token(p)}))
        body = "\n".join(filter(None, [
            first,
            method == "REQUEST" and meeting.event.place and _("Place: %(place)s") % {"place": meeting.event.place},
            method == "REQUEST" and meeting.objective,
            "",
            link and _("Answer (attending, not attending, maybe): %(link)s") % {"link": link},
        ])) + signature
        message = EmailMessage(subject, body, to=[email], headers=organisation_header(meeting.organisation_id))
        message.attach("invitation.ics" if method == "REQUEST" else "annulation.ics", ics,
                       f"text/calendar; method={method}; charset=utf-8")
        sent += delivery.send(message)  # once per message in the task's scope (tasks.py)
    return sent


def _address(participant) -> str:
    return person(participant)[0]


def send_reminder(meeting, guests) -> int:
    """The day-before reminder of the external guests, by e-mail (they have no account)."""
    subject = _("Reminder: %(title)s tomorrow") % {"title": meeting.title}
    signature = feder.email_signature(meeting.organisation)
    sent = 0
    for guest in guests:
        if not guest.email:
            continue
        link = links.absolute(reverse("meetings:rsvp_link", kwargs={"token": rsvp_token(guest)}))
        body = "\n".join(filter(None, [
            _("Reminder: « %(title)s » takes place tomorrow, %(when)s.") % {"title": meeting.title, "when": _when(meeting)},
            meeting.event.place and _("Place: %(place)s") % {"place": meeting.event.place},
            "",
            _("Answer (attending, not attending, maybe): %(link)s") % {"link": link},
        ])) + signature
        sent += delivery.send(EmailMessage(subject, body, to=[guest.email], headers=organisation_header(meeting.organisation_id)))
    return sent
