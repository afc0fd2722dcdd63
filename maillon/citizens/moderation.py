"""The staff's moderation queue: pending rows of every registered moderated kind
(``registry.register_moderated``) whose service the commune has enabled, oldest first.

One UNION query reads a page of (kind, pk, date) over every kind's table, then one query per kind
fetches that page's rows: the page's query count depends on the number of kinds, never on the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import F, Value
from django.http import Http404

from maillon.audit.services import record

from . import policies, registry
from .models import Citizen, Moderation

PAGE_SIZE = 20
MAX_ID = 2**63 - 1


@dataclass
class Row:
    kind: registry.ModeratedKind
    item: models.Model
    at: object


def kinds_for(organisation) -> list[registry.ModeratedKind]:
    enabled = policies.moderated_services(organisation)
    return [k for k in sorted(registry.MODERATED.values(), key=lambda k: k.key) if k.service in enabled]


def _date_field(model) -> str:
    names = {f.name for f in model._meta.get_fields()}
    return next((n for n in ("created_at", "submitted_at", "created") if n in names), "pk")


def _related(model) -> list[str]:
    """Forward relations read with the row (a row's template shows its category, its author, its
    organisation's slug in a link): one query per kind, whatever the page's length."""
    return [f.name for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.name != "moderated_by"]


def _author(item) -> Citizen | None:
    return next((getattr(item, f.name) for f in type(item)._meta.get_fields()
                 if isinstance(f, models.ForeignKey) and f.related_model is Citizen and getattr(item, f.name, None)), None)


def _pending(kind: registry.ModeratedKind, organisation):
    return kind.model.objects.for_organisation(organisation).filter(moderation=Moderation.PENDING)


def queue(organisation, page_number) -> tuple:
    """(page of Rows, paginator page) of the commune's pending contributions."""
    kinds = kinds_for(organisation)
    if not kinds:
        return [], Paginator([], PAGE_SIZE).get_page(1)
    parts = [_pending(k, organisation).order_by()
             .annotate(q_kind=Value(k.key, output_field=models.CharField()), q_at=F(_date_field(k.model)))
             .values_list("q_kind", "pk", "q_at") for k in kinds]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    page = Paginator(union.order_by("q_at", "pk"), PAGE_SIZE).get_page(page_number)
    by_kind: dict[str, list] = {}
    for key, pk, _at in page.object_list:
        by_kind.setdefault(key, []).append(pk)
    fetched = {}
    for kind in kinds:
        if kind.key in by_kind:
            rows = kind.model.objects.filter(pk__in=by_kind[kind.key]).select_related(*_related(kind.model))
            fetched.update({(kind.key, r.pk): r for r in rows})
    known = {k.key: k for k in kinds}
    rows = [Row(known[key], fetched[(key, pk)], at) for key, pk, at in page.object_list if (key, pk) in fetched]
    return rows, page


def pending_count(organisation) -> int:
    return sum(_pending(k, organisation).count() for k in kinds_for(organisation))


def item_or_404(organisation, kind_key: str, pk: int):
    """A pending or moderated row of ``kind_key`` belonging to this commune, else 404."""
    kind = next((k for k in kinds_for(organisation) if k.key == kind_key), None)
    if kind is None or pk > MAX_ID:
        raise Http404
    item = kind.model.objects.for_organisation(organisation).filter(pk=pk).first()
    if item is None:
        raise Http404
    return kind, item


def moderate(membership, kind: registry.ModeratedKind, item, *, publish: bool, note: str = "", request=None) -> bool:
    """Publishes or refuses ``item``; False when it was already moderated (another moderator was
    quicker: nothing changes)."""
    if not policies.can_moderate(membership):
        raise PermissionError
    with transaction.atomic():
        locked = type(item).objects.select_for_update().filter(pk=item.pk, moderation=Moderation.PENDING).first()
        if locked is None:
            return False
        locked.moderate(publish=publish, user=membership.user, note=note.strip())
        record("citizens.moderation." + ("published" if publish else "rejected"), actor=membership.user,
               organisation=membership.organisation, target=locked,
               data={"kind": kind.key, "note": note.strip()[:300]}, request=request)
    if not publish:
        transaction.on_commit(lambda: _tell_refused(membership.organisation, kind, locked))
    item.moderation = locked.moderation
    return True


def _tell_refused(organisation, kind, item) -> None:
    """The citizen who wrote it learns it was not published, and why when a reason was given."""
    from django.core.mail import EmailMessage
    from django.utils.translation import gettext as _

    from maillon.notifications.backends import organisation_header

    citizen = _author(item)
    if citizen is None or not citizen.email:
        return
    body = _("Hello,\n\nYour contribution « %(title)s » to %(commune)s was not published by the moderation.") % {
        "title": str(item)[:120], "commune": organisation.name}
    if item.moderation_note:
        body += "\n\n" + _("Reason given: %(note)s") % {"note": item.moderation_note}
    body += "\n\n" + _("This message was sent automatically; please do not reply to it.")
    EmailMessage(_("Your contribution to %(commune)s") % {"commune": organisation.name}, body,
                 to=[citizen.email], headers=organisation_header(organisation.pk)).send(fail_silently=True)
