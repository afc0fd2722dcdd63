"""The published version of a team planning and its pending changes.

Once a planning is published, what its people were told is kept in
``Planning.published_snapshot`` (``{"shifts": {shift_id: {...}}}``, the state of every shift
at the last publication) and stays the truth for everyone but its coordinators: the planning
page of the staff, the agenda, « Mon planning », the iCal feeds and the conflict engine (the
published events and their allocations) all show the published version. Editing, adding or
deleting a shift changes only the working copy (the ``Shift`` rows): the difference with the
snapshot is the list of pending changes the coordinators see, and republishing applies it and
tells each person only their own changes (or discarding them restores the snapshot).

Pure functions over plain data: no query here, so the diff is cheap and testable alone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import Qualification, Shift

# What a published shift keeps, besides its people and its agenda occurrence.
FIELDS = ("title", "start", "end", "supervisors_needed", "qualification", "children_under_6", "children_from_6")
DETAILS = ("supervisors_needed", "qualification", "children_under_6", "children_from_6")


def state(shifts) -> dict[str, dict]:
    """``{shift_id: {...}}`` of the shifts as they are now (``shift.members`` when read by
    ``plannings.load``, else the database): what a publication keeps."""
    out = {}
    for s in shifts:
        members = s.members if hasattr(s, "members") else list(s.people.all())
        # In UTC, so that one instant is always one string (a form gives Paris times, the
        # database UTC ones).
        out[str(s.pk)] = {"title": s.title, "start": s.start.astimezone(UTC).isoformat(), "end": s.end.astimezone(UTC).isoformat(),
                          "people": sorted(m.pk for m in members), "occurrence": s.occurrence_id,
                          **{name: getattr(s, name) for name in DETAILS}}
    return out


def published(planning) -> dict[str, dict] | None:
    """The shifts of the last publication, or None when the planning was never published
    (or was published before snapshots kept whole shifts: then the shifts are the published
    version, since every edit then went back to draft)."""
    snap = planning.published_snapshot or {}
    if planning.status != planning.Status.PUBLISHED or not isinstance(snap.get("shifts"), dict):
        return None
    return snap["shifts"]


def shifts_of(planning, shifts_state: dict[str, dict]) -> list[Shift]:
    """Unsaved ``Shift`` instances of a snapshot (to show the published version), sorted like
    the planning; ``shift.member_ids`` lists the people's ids."""
    out = []
    for key, row in shifts_state.items():
        s = Shift(pk=int(key), organisation_id=planning.organisation_id, planning=planning, title=row["title"],
                  start=datetime.fromisoformat(row["start"]), end=datetime.fromisoformat(row["end"]),
                  occurrence_id=row.get("occurrence"), **{name: row.get(name, Shift._meta.get_field(name).default) for name in DETAILS})
        s.member_ids = list(row["people"])
        out.append(s)
    return sorted(out, key=lambda s: (s.start, s.pk))


def when(start, end) -> str:
    """« lundi 14 décembre 2026, 09:00–12:30 »: the day in full, as e-mails say it."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("%(day)s, %(start)s–%(end)s") % {"day": date_format(start, "l j F Y").lower(), "start": f"{start:%H:%M}",
                                              "end": f"{end:%H:%M}"}


def _when(row: dict | list) -> str:
    if isinstance(row, list):  # a person's row: [shift_id, start, end, title]
        return when(datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2]))
    return when(datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"]))


# ---- what each person is told ---------------------------------------------------------------


def by_person(shifts_state: dict[str, dict]) -> dict[int, list[list]]:
    """Each person's shifts: ``{membership_id: [[shift_id, start, end, title], …]}``."""
    out: dict[int, list[list]] = defaultdict(list)
    for key, row in shifts_state.items():
        for pk in row["people"]:
            out[pk].append([int(key), row["start"], row["end"], row["title"]])
    return dict(out)


def person_diff(before: list[list], after: list[list]) -> list[tuple[str, list | None, list | None]]:
    """One person's changes, by start: ``("new", None, row)``, ``("removed", row, None)`` or
    ``("changed", old, new)`` when the time or the title of one of their shifts changed. A
    change of their colleagues or of the supervision figures is not theirs to hear about."""
    old, new = {row[0]: row for row in before}, {row[0]: row for row in after}
    out = []
    for key in sorted(new.keys() | old.keys(), key=lambda k: ((new.get(k) or old[k])[1], k)):
        if key not in old:
            out.append(("new", None, new[key]))
        elif key not in new:
            out.append(("removed", old[key], None))
        elif old[key][1:] != new[key][1:]:
            out.append(("changed", old[key], new[key]))
    return out


def changes(before: list[list], after: list[list]) -> list[str]:
    """The lines of one person's e-mail: their shifts added, changed (before → after) or
    removed since the last publication."""
    lines = []
    for kind, old, new in person_diff(before, after):
        if kind == "new":
            lines.append(_("New: « %(title)s », %(slot)s") % {"title": new[3], "slot": _when(new)})
        elif kind == "removed":
            lines.append(_("Removed: « %(title)s », %(slot)s") % {"title": old[3], "slot": _when(old)})
        elif old[3] == new[3]:
            lines.append(_("Changed: « %(title)s », %(before)s → %(after)s") % {
                "title": new[3], "before": _when(old), "after": _when(new)})
        else:
            lines.append(_("Changed: « %(old)s », %(before)s → « %(title)s », %(after)s") % {
                "old": old[3], "title": new[3], "before": _when(old), "after": _when(new)})
    return lines


# ---- what the coordinators see --------------------------------------------------------------


@dataclass
class Change:
    """One shift that differs from the published version: added, removed or changed, with
    each changed item as ``(label, before, after)``."""

    kind: str  # added, removed, changed
    shift_id: int
    title: str
    slot: str
    items: list[tuple[str, str, str]] = field(default_factory=list)
    people: set[int] = field(default_factory=set)  # everyone concerned, before or after


def _detail(name: str, value) -> str:
    if name == "qualification":
        return str(Qualification(value).label) if value else "—"
    return str(value)


def diff(before: dict[str, dict], after: dict[str, dict], names: dict[int, str]) -> list[Change]:
    """The pending changes: every shift of ``after`` (the working copy) that differs from
    ``before`` (the published version), by start. ``names`` gives each person's name."""

    def people(row):
        return ", ".join(sorted((names.get(pk, "?") for pk in row["people"]), key=str.casefold)) or _("nobody")

    out = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: ((after.get(k) or before[k])["start"], int(k))):
        old, new = before.get(key), after.get(key)
        row = new or old
        change = Change("changed", int(key), row["title"], _when(row),
                        people=set((old or {}).get("people", [])) | set((new or {}).get("people", [])))
        if old is None:
            change.kind, change.items = "added", [(_("People"), "", people(new))]
        elif new is None:
            change.kind, change.items = "removed", [(_("People"), people(old), "")]
        else:
            if old["title"] != new["title"]:
                change.items.append((_("Title"), old["title"], new["title"]))
            if (old["start"], old["end"]) != (new["start"], new["end"]):
                was, now = _when(old), _when(new)
                if was.split(", ")[0] == now.split(", ")[0]:  # the same day (the line says it): the hours only
                    was, now = was.split(", ")[-1], now.split(", ")[-1]
                change.items.append((_("Date and time"), was, now))
            if sorted(old["people"]) != sorted(new["people"]):
                change.items.append((_("People"), people(old), people(new)))
            for name in DETAILS:
                if old.get(name) != new.get(name):
                    label = capfirst(str(Shift._meta.get_field(name).verbose_name))
                    change.items.append((label, _detail(name, old.get(name)), _detail(name, new.get(name))))
            if not change.items:
                continue
        out.append(change)
    return out


def count_changes(before: dict[str, dict], after: dict[str, dict]) -> int:
    """``len(diff(before, after, names))``, without writing the changes out (the plannings list
    shows only how many): a shift added or removed, or whose title, times, people or details differ."""
    count = 0
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is None or new is None or (old["title"], old["start"], old["end"]) != (new["title"], new["start"], new["end"]) \
                or sorted(old["people"]) != sorted(new["people"]) or any(old.get(name) != new.get(name) for name in DETAILS):
            count += 1
    return count
