"""What a notification is about, and how each kind reaches a person by default.

Every ``notify()`` names its kind. A person chooses, per configurable kind, one channel:
in the app only, an e-mail at once, or the daily digest (one e-mail a morning listing what
they have not read yet). The in-app notification is always stored.

The defaults, and why:
- what someone waits on, or that is about time (approvals, decisions, swaps, bookings,
  plannings, reminders, deadlines, important news, a request to write one's part of the
  minutes): an e-mail at once;
- what is useful but rarely urgent (tasks given at a meeting, published minutes, a step of
  one's request approved while the next step waits): the daily digest, so that nobody gets
  ten e-mails after a meeting, and still gets them (seed 001 §2D);
- kinds that are not shown on the settings page always use their default: meeting
  cancellations are in-app only because the cancellation is e-mailed with its calendar file
  (meetings/invitations.py), a new membership always goes by e-mail because it is about the
  account's access.

Each kind also says whether it reaches the person's phones by Web Push (push.py) when they
enabled it on a device: by default the kinds that go by e-mail at once (someone waits, or it
is about time), not the digest's; a person switches it per kind on the settings page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("Daily digest")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    help: str
    default: str
    configurable: bool = True
    push: bool = False


KINDS: dict[str, Kind] = {}

OTHER = "other"


def register(code: str, label, help, default: str, *, configurable: bool = True, push: bool | None = None) -> Kind:
    """``push``: whether the kind reaches the person's devices by default (None: when its
    default channel is an e-mail at once, the urgent-ish kinds)."""
    if default not in Channel.values:
        raise ValueError(f"unknown channel {default!r}")
    KINDS[code] = Kind(code, label, help, default, configurable, default == Channel.IMMEDIATE if push is None else push)
    return KINDS[code]


def get(code: str) -> Kind:
    """The kind ``code``; an unknown code is a programming error (a typo at a call site)."""
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}; known: {sorted(KINDS)}") from None


def configurable() -> list[Kind]:
    """The kinds a person chooses for, in the order of the settings page."""
    return [k for k in KINDS.values() if k.configurable]


# In the order of the settings page: meetings, procedures, agenda, the rest.
register("meetings.task", _("Tasks given to me at a meeting"), _("A new task, and the day before it is due."), Channel.DIGEST)
register("meetings.minutes", _("Minutes published"), _("The minutes of a meeting I took part in are published."), Channel.DIGEST)
register("meetings.contribution", _("Minutes to complete"), _("Someone asks me to add my part to the minutes."), Channel.IMMEDIATE)
register("meetings.reminder", _("Meeting reminders"), _("The day before a meeting I am invited to."), Channel.IMMEDIATE)
register("procedures.approval", _("Requests to approve"), _("A request waits for my decision, reminders, delegations."), Channel.IMMEDIATE)
register("procedures.decision", _("Decisions on my requests"), _("My request is approved, refused, returned for changes or cancelled."), Channel.IMMEDIATE)
register("procedures.step", _("Progress of my requests"), _("One step of my request is approved, the next one waits."), Channel.DIGEST)
register("agenda.planning", _("Plannings"), _("A planning with my shifts is published or changed, a swap is decided."), Channel.IMMEDIATE)
register("agenda.swap", _("Shift swaps"), _("A colleague proposes or declines a swap, a swap waits for my approval."), Channel.IMMEDIATE)
register("agenda.booking", _("Room and equipment bookings"), _("A booking to approve, or my booking approved or refused."), Channel.IMMEDIATE)
register("agenda.funding", _("Funding deadlines"), _("A funding application deadline is near."), Channel.IMMEDIATE)
register("leave.balance", _("Leave balances"), _("A leave was approved on a negative balance (HR)."), Channel.IMMEDIATE)
register("content.news", _("Important news"), _("A news item marked important is published."), Channel.IMMEDIATE)
# A cancelled meeting is about time (push), a new membership is not (its e-mail is enough).
register("meetings.cancel", _("Meeting cancelled"), "", Channel.IN_APP, configurable=False, push=True)
register("accounts.membership", _("New organisation"), "", Channel.IMMEDIATE, configurable=False, push=False)
register(OTHER, _("Other notifications"), "", Channel.IMMEDIATE, configurable=False, push=False)
