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

SALT = "maillon.meetings.rsvp"
PARTSTAT = {"pending": "NEEDS-ACTION", "accepted": "ACCEPTED", "declined": "DECLINED", "maybe": "TENTATIVE"}


def rsvp_token(participant) -> str:
    return signing.dumps({"p": participant.pk, "o": participant.organisation_id}, salt=SALT)


def read_rsvp_token(token: str, max_age_days: int = 180) -> dict | None:
    try:
        return signing.loads(token, salt=SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None


def ics_request(meeting, participants, *, sequence: int = 0) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Maillon//meetings//FR")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    item = VEvent()
    item.add("uid", f"meeting-{meeting.pk}@maillon")
    item.add("sequence", sequence)
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
        user = p.membership.user
        if not user.email:
            continue
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(user.get_full_name() or user.username)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText(PARTSTAT[p.answer])
        attendee.params["rsvp"] = vText("TRUE")
        item.add("attendee", attendee, encode=0)
    cal.add_component(item)
    return cal.to_ical()


def send_invitations(meeting, participants, *, base_url: str = "") -> int:
    """One e-mail per participant with an address: the meeting, answer links, the .ics."""
    ics = ics_request(meeting, participants)
    start = timezone.localtime(meeting.start)
    when = _("%(day)s at %(time)s") % {"day": date_format(start, "l j F Y"), "time": start.strftime("%H:%M")}
    sent = 0
    for p in participants:
        user = p.membership.user
        if not user.email:
            continue
        token = rsvp_token(p)
        link = base_url + reverse("meetings:rsvp_link", kwargs={"token": token})
        body = "\n".join(filter(None, [
            _("You are invited to « %(title)s », %(when)s.") % {"title": meeting.title, "when": when},
            meeting.event.place and _("Place: %(place)s") % {"place": meeting.event.place},
            meeting.objective,
            "",
            _("Answer (attending, not attending, maybe): %(link)s") % {"link": link},
        ]))
        message = EmailMessage(_("Invitation: %(title)s") % {"title": meeting.title}, body, to=[user.email])
        message.attach("invitation.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")
        message.send()
        sent += 1
    return sent
