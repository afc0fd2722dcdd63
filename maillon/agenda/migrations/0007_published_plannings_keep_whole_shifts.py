"""Published plannings keep the whole published version of their shifts (not only what each
person was told), and the plannings that an edit had silently sent back to draft are
published again: their edits become pending changes, told at the next publication."""

from datetime import UTC, datetime

from django.db import migrations

DETAILS = ("supervisors_needed", "qualification", "children_under_6", "children_from_6")


def _utc(text):
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


def forwards(apps, schema_editor):
    Planning = apps.get_model("agenda", "Planning")
    Shift = apps.get_model("agenda", "Shift")
    for planning in Planning.objects.exclude(published_at=None).iterator():
        snap = planning.published_snapshot or {}
        if isinstance(snap.get("shifts"), dict):
            continue
        shifts = {s.pk: s for s in Shift.objects.filter(planning=planning).prefetch_related("people")}
        told = {}
        if planning.status == "published":  # then the shifts are exactly the published version
            for s in shifts.values():
                told[str(s.pk)] = {"title": s.title, "start": s.start.astimezone(UTC).isoformat(), "end": s.end.astimezone(UTC).isoformat(),
                                   "people": sorted(m.pk for m in s.people.all())}
        else:  # edited after publication: what the people were told is the published version
            for person, rows in snap.items():
                for shift_id, start, end, title in rows:
                    row = told.setdefault(str(shift_id), {"title": title, "start": _utc(start), "end": _utc(end), "people": []})
                    row["people"] = sorted({*row["people"], int(person)})
        for key, row in told.items():
            s = shifts.get(int(key))
            row["occurrence"] = s.occurrence_id if s else None
            row.update({name: getattr(s, name) for name in DETAILS} if s else
                       {name: Shift._meta.get_field(name).default for name in DETAILS})
        planning.published_snapshot, planning.status = {"shifts": told}, "published"
        planning.save(update_fields=["published_snapshot", "status"])


def backwards(apps, schema_editor):
    Planning = apps.get_model("agenda", "Planning")
    for planning in Planning.objects.exclude(published_at=None).iterator():
        told = (planning.published_snapshot or {}).get("shifts")
        if not isinstance(told, dict):
            continue
        people = {}
        for key, row in told.items():
            for pk in row["people"]:
                people.setdefault(str(pk), []).append([int(key), row["start"], row["end"], row["title"]])
        planning.published_snapshot = people
        planning.save(update_fields=["published_snapshot"])


class Migration(migrations.Migration):

    dependencies = [("agenda", "0006_room_photo_shift_swaps")]

    operations = [migrations.RunPython(forwards, backwards)]
