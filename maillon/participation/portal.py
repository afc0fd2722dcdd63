"""What a citizen finds of participation on « Mon espace »: the consultations they answered and
the ideas they proposed to this commune (two queries)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from maillon.citizens.models import Moderation
from maillon.citizens.registry import CitizenItem

from .models import Answer, Idea

LIMIT = 50


def citizen_items(citizen, commune) -> list[CitizenItem]:
    items = []
    answers = (Answer.objects.for_organisation(commune).filter(identity_key=citizen.identity_key)
               .select_related("consultation").order_by("-created_at")[:LIMIT])
    for answer in answers:
        if answer.option_id is None and answer.moderation == Moderation.PENDING:
            status = _("Answer given, awaiting moderation")
        elif answer.option_id is None and answer.moderation == Moderation.REJECTED:
            status = _("Answer given, not published")
        else:
            status = _("Answer given")
        items.append(CitizenItem(
            title=_("Consultation: %(title)s") % {"title": answer.consultation.title},
            url=reverse("participation:consultation", kwargs={"commune": commune.slug, "pk": answer.consultation_id}),
            status=status, at=answer.created_at, kind=_("Consultation")))
    for idea in Idea.objects.for_organisation(commune).filter(citizen=citizen).order_by("-created_at")[:LIMIT]:
        if idea.moderation == Moderation.PENDING:
            status = _("Awaiting moderation")
        elif idea.moderation == Moderation.REJECTED:
            status = _("Rejected by moderation")
        else:
            status = idea.get_status_display()
        items.append(CitizenItem(
            title=_("Idea: %(title)s") % {"title": idea.title},
            url=reverse("participation:idea", kwargs={"commune": commune.slug, "pk": idea.pk}),
            status=str(status), at=idea.created_at, kind=_("Idea")))
    return items
