"""The PDF recap of a submission (fpdf2, pure Python): answers, timeline, and every signature
with its signer, date, content hash and verification code (checkable with
« maillon signatures verify CODE » or the verification page)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.core import feder
from maillon.core.pdf import NEXT_LINE, HousePDF, french_datetime, text

from . import effects
from . import schema as s


def _pair(pdf: HousePDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5, text(label), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, text(value or "—"), **NEXT_LINE)
    pdf.ln(1)


def signature_lines(signature, step_title: str, on_behalf_of=None) -> list[str]:
    who = signature.signer_label
    if on_behalf_of:
        who += " (" + _("on behalf of %(person)s") % {"person": on_behalf_of} + ")"
    labels = (_("Signed by"), _("Date"), _("Verification code"), _("Content hash (SHA-256)"))
    values = (who, french_datetime(signature.signed_at), signature.display_code, signature.content_hash)
    return [step_title] + [f"{label} : {value}" for label, value in zip(labels, values, strict=True)]


def recap_pdf(submission, *, timeline: list[dict], organisation_name: str) -> bytes:
    """The recap as PDF bytes. ``submission`` has its steps (with signatures) prefetched."""
    printed = _("Printed on %(date)s") % {"date": french_datetime(timezone.now())}
    pdf = HousePDF(title=f"{submission.reference} {submission.version.title}", author=organisation_name,
                   footer=f"{organisation_name} · {submission.reference} · {printed}", feder=feder.shown(submission.organisation))
    pdf.masthead(organisation_name, submission.version.title)
    facts = [
        (_("Reference"), submission.reference),
        (_("Applicant"), f"{submission.applicant}" + (f" ({submission.sector.name})" if submission.sector else "") if submission.applicant_id else _("Anonymised")),
        (_("Status"), submission.get_status_display()),
        (_("Form version"), str(submission.version.number)),
        (_("Submitted at"), french_datetime(submission.submitted_at)),
    ]
    days = effects.counted_days(submission)
    if days:
        facts.append((_("Days counted"), days))
    pdf.facts(facts, label_width=40)

    pdf.heading(_("Answers"))
    for row in s.answer_rows(submission.version.schema, submission.data):
        if row.get("lines") is not None and row["kind"] == s.GROUP:
            lines = [" · ".join(str(v) for v in line if v not in (None, "")) for line in row["lines"]]
            if row.get("total"):
                lines.append(_("Total") + f" : {row['total']}")
            _pair(pdf, row["label"], "\n".join(lines))
        else:
            _pair(pdf, row["label"], str(row["value"] or ""))

    pdf.heading(_("Timeline"))
    for item in timeline:
        when = french_datetime(item.get("at")) if item.get("at") else ""
        step = item["step"].title if item.get("step") else ""
        actor = str(item["actor"]) if item.get("actor") else ""
        parts = [p for p in (when, str(item["label"]), step, actor) if p]
        pdf.multi_cell(0, 5, text(" · ".join(parts)), **NEXT_LINE)
        if item.get("comment"):
            pdf.set_text_color(80)
            pdf.multi_cell(0, 5, text(f"« {item['comment']} »"), **NEXT_LINE)
            pdf.set_text_color(0)

    pdf.heading(_("Signatures"))
    blocks = []
    if submission.signature_id:
        blocks.append(signature_lines(submission.signature, _("Request")))
    for step in submission.steps.all():
        if step.signature_id:
            blocks.append(signature_lines(step.signature, f"{step.title} · {step.get_status_display()}", step.on_behalf_of))
    for block in blocks:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, text(block[0]), **NEXT_LINE)
        pdf.set_font("Helvetica", size=9)
        for line in block[1:]:
            pdf.multi_cell(0, 5, text(line), **NEXT_LINE)
        pdf.ln(2)
    pdf.verification_note(_("Each code can be checked by a member of the organisation on the signature verification page "
               "or with the command « maillon signatures verify CODE »."))
    return bytes(pdf.output())
