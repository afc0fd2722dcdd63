"""Business rules of problem reports: categories (defaults on first use), sending a report (photo
re-encoded without metadata), staff status changes with a public comment (audited, e-mailed to
the citizen), the public and staff lists, what « Mon espace » shows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from maillon.audit.services import record
from maillon.citizens.models import Moderation
from maillon.core.images import reencode

from . import policies
from .models import DEFAULT_CATEGORIES, Category, Report, ReportUpdate

PHOTO_SIZE = (1600, 1600)
PAGE_SIZE = 20


# ---------------------------------------------------------------------------- categories

def categories(organisation, *, active_only: bool = True) -> list[Category]:
    """The commune's categories; the default set is created the first time the service is used."""
    rows = list(Category.objects.for_organisation(organisation))
    if not rows:
        ensure_default_categories(organisation)
        rows = list(Category.objects.for_organisation(organisation))
    return [c for c in rows if c.is_active or not active_only]


def ensure_default_categories(organisation) -> None:
    if Category.objects.for_organisation(organisation).exists():
        return
    try:
        with transaction.atomic():
            Category.objects.bulk_create([Category(organisation=organisation, name=name, position=index)
                                          for index, name in enumerate(DEFAULT_CATEGORIES)])
    except IntegrityError:  # another request created them at the same time
        pass


def add_category(membership, name: str, *, request=None) -> Category:
    _check(membership)
    name = " ".join(name.split())[:80]
    organisation = membership.organisation
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    if Category.objects.for_organisation(organisation).filter(name__iexact=name).exists():
        raise ValidationError({"name": _("This category exists already.")})
    position = Category.objects.for_organisation(organisation).count()
    with transaction.atomic():
        category = Category.objects.create(organisation=organisation, name=name, position=position)
        record("signalements.category.create", actor=membership.user, organisation=organisation, target=category, request=request)
    return category


def set_category_active(membership, category: Category, active: bool, *, request=None) -> None:
    _check(membership, category)
    if category.is_active == active:
        return
    if not active and not Category.objects.for_organisation(category.organisation).filter(is_active=True).exclude(pk=category.pk).exists():
        raise ValidationError(_("Citizens need at least one category."))
    category.is_active = active
    with transaction.atomic():
        category.save(update_fields=["is_active"])
        record("signalements.category.archive" if not active else "signalements.category.restore", actor=membership.user,
               organisation=category.organisation, target=category, request=request)


def delete_category(membership, category: Category, *, request=None) -> None:
    """Only a category no report uses (archive the others: their reports keep it)."""
    _check(membership, category)
    if category.reports.exists():
        raise ValidationError(_("Reports use this category: archive it instead, they keep it."))
    if category.is_active and not Category.objects.for_organisation(category.organisation).filter(is_active=True).exclude(pk=category.pk).exists():
        raise ValidationError(_("Citizens need at least one category."))
    with transaction.atomic():
        record("signalements.category.delete", actor=membership.user, organisation=category.organisation, target=category,
               request=request)
        try:
            category.delete()
        except ProtectedError as error:  # a report came in meanwhile
            raise ValidationError(_("Reports use this category: archive it instead, they keep it.")) from error


def _check(membership, category: Category | None = None) -> None:
    if not policies.can_manage(membership):
        raise PermissionDenied
    if category is not None and category.organisation_id != membership.organisation_id:
        raise PermissionDenied


# ---------------------------------------------------------------------------- sending a report

def create_report(commune, citizen, *, category: Category, description: str, address: str = "", latitude=None,
                  longitude=None, image=None, request=None) -> Report:
    """A citizen's report, awaiting moderation. ``image``: a PIL image already checked
    (forms.ReportForm with core.images.open_checked); stored re-encoded as JPEG, so nothing of the
    original file's metadata (EXIF, GPS position, camera) is kept."""
    if category.organisation_id != commune.pk or not category.is_active:
        raise ValidationError({"category": _("Choose one of the categories offered.")})
    report = Report(organisation=commune, citizen=citizen, category=category, description=description.strip(),
                    address=" ".join(address.split()), latitude=latitude, longitude=longitude)
    if image is not None:
        report.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(reencode(image, PHOTO_SIZE)), save=False)
    with transaction.atomic():
        report.save()
        record("signalements.report.create", organisation=commune, target=report, request=request,
               data={"category": category.name, "photo": bool(image is not None), "point": report.has_point})
    return report


# ---------------------------------------------------------------------------- staff: status

def change_status(membership, report: Report, status: str, comment: str = "", *, request=None) -> ReportUpdate:
    """A new step of the report's timeline (a new status, or the same with a comment): audited,
    e-mailed to the citizen once committed."""
    _check(membership)
    if report.organisation_id != membership.organisation_id:
        raise PermissionDenied
    comment = comment.strip()
    if status not in Report.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    if status == report.status and not comment:
        raise ValidationError({"comment": _("The status is unchanged: write a comment for the citizen, or choose another status.")})
    if len(comment) > ReportUpdate._meta.get_field("comment").max_length:
        raise ValidationError({"comment": _("The comment is too long.")})
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        update = ReportUpdate.objects.create(organisation=locked.organisation, report=locked, old_status=locked.status,
                                             status=status, comment=comment, author=membership.user)
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        record("signalements.report.status", actor=membership.user, organisation=locked.organisation, target=locked,
               request=request, data={"from": update.old_status, "to": status, "comment": bool(comment)})
        transaction.on_commit(lambda: email_citizen(locked.pk, update.pk))
    report.status = status
    return update


def moderate(membership, report: Report, *, publish: bool, note: str = "", request=None) -> None:
    """Publish or refuse a report from its staff page (the moderation queue does the same)."""
    _check(membership)
    if report.organisation_id != membership.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        report.moderate(publish=publish, user=membership.user, note=note)
        record("signalements.report.publish" if publish else "signalements.report.refuse", actor=membership.user,
               organisation=report.organisation, target=report, request=request, data={"note": note[:300]})


def email_citizen(report_id: int, update_id: int) -> None:
    """The status e-mail, through the task queue (notifications.tasks.send_email)."""
    from maillon.core import links
    from maillon.notifications.tasks import send_email

    update = (ReportUpdate.objects.select_related("report__citizen", "report__organisation", "report__category")
              .filter(pk=update_id, report_id=report_id).first())
    if update is None or update.report.citizen is None or not update.report.citizen.email:
        return
    report = update.report
    with translation.override(settings.LANGUAGE_CODE):
        url = links.absolute(reverse("signalements:public_detail", kwargs={"commune": report.organisation.slug, "ref": report.reference}))
        subject = _("Your report %(ref)s: %(status)s") % {"ref": report.reference, "status": report.get_status_display()}
        lines = [
            _("Hello,"), "",
            _("%(commune)s updated your report %(ref)s (%(category)s).") % {
                "commune": report.organisation.name, "ref": report.reference, "category": report.category.name},
            _("Current status: %(status)s") % {"status": report.get_status_display()},
        ]
        if update.comment:
            lines += ["", _("The commune's comment:"), update.comment]
        lines += ["", _("Follow your report: %(url)s") % {"url": url}]
        send_email.enqueue(to=[report.citizen.email], subject=subject, body="\n".join(lines))


# ---------------------------------------------------------------------------- reading

def public_reports(commune, *, category_id: int | None = None):
    qs = (Report.objects.for_organisation(commune).filter(moderation=Moderation.PUBLISHED).select_related("category")
          .only("reference", "description", "address", "status", "created_at", "latitude", "longitude", "category__name"))
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs


def public_report(commune, reference: str, citizen) -> Report | None:
    """The report of this tracking number in this commune, if this visitor may see it."""
    report = Report.objects.for_organisation(commune).select_related("category").filter(reference=reference).first()
    if report is None or not policies.can_see_public(report, citizen):
        return None
    return report


def timeline(report: Report) -> list[ReportUpdate]:
    return list(ReportUpdate.objects.for_organisation(report.organisation).filter(report=report)
                .only("status", "old_status", "comment", "created_at"))


def staff_reports(organisation, *, status: str = "", category_id: int | None = None, moderation: str = ""):
    qs = (Report.objects.for_organisation(organisation).select_related("category")
          .only("reference", "description", "address", "status", "moderation", "created_at", "photo", "category__name"))
    if status:
        qs = qs.filter(status=status)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if moderation:
        qs = qs.filter(moderation=moderation)
    return qs


def counts(organisation) -> dict:
    """{"total", "pending" (moderation), status value: count}: one query."""
    rows = (Report.objects.for_organisation(organisation).order_by().values("status", "moderation")
            .annotate(n=Count("pk")))
    found = {s: 0 for s in Report.Status.values} | {"total": 0, "pending": 0}
    for row in rows:
        found[row["status"]] += row["n"]
        found["total"] += row["n"]
        if row["moderation"] == Moderation.PENDING:
            found["pending"] += row["n"]
    return found


def citizen_items(citizen, commune) -> list:
    """« Mon espace »: what this citizen reported to this commune (citizens.registry)."""
    from maillon.citizens.registry import CitizenItem

    reports = (Report.objects.for_organisation(commune).filter(citizen=citizen).select_related("category")
               .only("reference", "status", "moderation", "created_at", "category__name")[:50])
    items = []
    for report in reports:
        status = report.get_status_display()
        if report.moderation == Moderation.PENDING:
            status = f"{status} · {Moderation(report.moderation).label}"
        items.append(CitizenItem(
            title=_("Report %(ref)s: %(category)s") % {"ref": report.reference, "category": report.category.name},
            url=reverse("signalements:public_detail", kwargs={"commune": commune.slug, "ref": report.reference}),
            status=str(status), at=report.created_at, kind=str(_("Problem report"))))
    return items
