"""The PDF recap of a submission (fpdf2, pure Python): answers, timeline, and every signature
with its signer, date, content hash and verification code (checkable with
« maillon signatures verify CODE » or the verification page)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import schema as s

ENCODING = "windows-1252"  # core fonts: French accents, « », € and ’ are in it
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def _text(value) -> str:
    """What the core fonts can draw: unknown characters become « ? » rather than an error."""
    return str(value if value is not None else "").encode(ENCODING, "replace").decode(ENCODING)


def french_datetime(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "j F Y, H:i")


class RecapPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 6, _text(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, _text(text), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)


def _pair(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5, _text(label), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _text(value or "—"), **NEXT_LINE)
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
    pdf = RecapPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.footer_text = _text(f"{organisation_name} · {submission.reference} · " + _("Printed on %(date)s") % {"date": french_datetime(timezone.now())})
    pdf.set_title(_text(f"{submission.reference} {submission.version.title}"))
    pdf.set_author(_text(organisation_name))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(90)
    pdf.cell(0, 5, _text(organisation_name), **NEXT_LINE)
    pdf.set_text_color(0)
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _text(submission.version.title), **NEXT_LINE)
    pdf.set_font("Helvetica", size=10)
    facts = [
        (_("Reference"), submission.reference),
        (_("Applicant"), f"{submission.applicant}" + (f" ({submission.sector.name})" if submission.sector else "") if submission.applicant_id else _("Anonymised")),
        (_("Status"), submission.get_status_display()),
        (_("Form version"), str(submission.version.number)),
        (_("Submitted at"), french_datetime(submission.submitted_at)),
    ]
    for label, value in facts:
        pdf.cell(40, 6, _text(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.multi_cell(0, 6, _text(value or "—"), **NEXT_LINE)

    _heading(pdf, _("Answers"))
    for row in s.answer_rows(submission.version.schema, submission.data):
        if row.get("lines") is not None and row["kind"] == s.GROUP:
            lines = [" · ".join(str(v) for v in line if v not in (None, "")) for line in row["lines"]]
            if row.get("total"):
                lines.append(_("Total") + f" : {row['total']}")
            _pair(pdf, row["label"], "\n".join(lines))
        else:
            _pair(pdf, row["label"], str(row["value"] or ""))

    _heading(pdf, _("Timeline"))
    for item in timeline:
        when = french_datetime(item.get("at")) if item.get("at") else ""
        step = item["step"].title if item.get("step") else ""
        actor = str(item["actor"]) if item.get("actor") else ""
        parts = [p for p in (when, str(item["label"]), step, actor) if p]
        pdf.multi_cell(0, 5, _text(" · ".join(parts)), **NEXT_LINE)
        if item.get("comment"):
            pdf.set_text_color(80)
            pdf.multi_cell(0, 5, _text(f"« {item['comment']} »"), **NEXT_LINE)
            pdf.set_text_color(0)

    _heading(pdf, _("Signatures"))
    blocks = []
    if submission.signature_id:
        blocks.append(signature_lines(submission.signature, _("Request")))
    for step in submission.steps.all():
        if step.signature_id:
            blocks.append(signature_lines(step.signature, f"{step.title} · {step.get_status_display()}", step.on_behalf_of))
    for block in blocks:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, _text(block[0]), **NEXT_LINE)
        pdf.set_font("Helvetica", size=9)
        for line in block[1:]:
            pdf.multi_cell(0, 5, _text(line), **NEXT_LINE)
        pdf.ln(2)
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(90)
    pdf.multi_cell(0, 5, _text(_("Each code can be checked by a member of the organisation on the signature verification page "
                                 "or with the command « maillon signatures verify CODE ».")), **NEXT_LINE)
    return bytes(pdf.output())
