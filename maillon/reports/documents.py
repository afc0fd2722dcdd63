"""The report as documents: PDF (the house fpdf2 base), an editable PowerPoint progress deck
(python-pptx: native charts and a table, in the organisation's colours with its logo), a Word
final report and a « note de cadrage » to fill in (python-docx)."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillon.core import feder
from maillon.core.pdf import NEXT_LINE, HousePDF, french_datetime, text


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _logo(organisation) -> Path | None:
    try:
        path = Path(organisation.logo.path) if organisation.logo else None
    except (ValueError, NotImplementedError):
        return None
    return path if path is not None and path.is_file() and path.suffix.lower() in {".png", ".jpg", ".jpeg"} else None


def number(value: int) -> str:
    """« 1 258 », as French documents write it."""
    return number_format(value, force_grouping=True)


def title_of(report) -> str:
    if report.final:
        return _("Final report: %(name)s") % {"name": report.scope.name}
    return _("Activity report: %(name)s") % {"name": report.scope.name}


def pdf(report) -> bytes:
    organisation = report.scope.organisation
    printed = _("Printed on %(date)s") % {"date": french_datetime(timezone.now())}
    document = HousePDF(title=title_of(report), author=organisation.name,
                        footer=f"{organisation.name} · {report.period.label} · {printed}", feder=feder.shown(organisation))
    document.masthead(organisation.name, title_of(report))
    document.set_font("Helvetica", size=11)
    document.multi_cell(0, 6, text(report.period.label.capitalize()), **NEXT_LINE)
    for section in report.sections:
        document.heading(str(section["label"]))
        document.facts([(str(row["label"]), number(row["value"])) for row in section["figures"]], label_width=110)
    if report.months:
        document.heading(_("Meetings held per month"))
        document.facts([(row["label"], str(row["value"])) for row in report.months], label_width=110)
    if report.final:
        document.heading(_("Actions"))
        if not report.actions:
            document.note(_("No meeting was held in this period."))
        for action in report.actions:
            document.set_font("Helvetica", "B", 10)
            document.multi_cell(0, 6, text(f"{date_format(action['date'], 'j F Y')} · {action['title']} ({action['organisation']})"), **NEXT_LINE)
            document.set_font("Helvetica", size=10)
            for decision in action["decisions"]:
                document.multi_cell(0, 5, text(f"– {decision}"), **NEXT_LINE)
    return bytes(document.output())


CHART_SECTIONS = ("work", "people", "contributions", "outreach")  # the meetings have their own charts


def pptx(report) -> bytes:
    """A progress deck: the title, the key figures, meetings held and planned per month, attendance
    by organisation, one slide per other group of figures (each a native chart, editable in
    PowerPoint), every figure in a table, and the next steps (the page's own sentences)."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Emu, Pt

    organisation = report.scope.organisation
    primary, accent = RGBColor(*_rgb(organisation.primary_colour)), RGBColor(*_rgb(organisation.accent_colour))
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    width, margin, top = deck.slide_width, Emu(457200), Emu(1463040)

    def slide(words: str, layout: int = 5, colour=accent):
        page = deck.slides.add_slide(deck.slide_layouts[layout])
        shape = page.shapes.add_shape(1, 0, 0, width, Emu(228600))
        shape.fill.solid()
        shape.fill.fore_color.rgb = colour
        shape.line.fill.background()
        box = page.shapes.title
        box.text = words
        box.text_frame.paragraphs[0].runs[0].font.color.rgb = primary
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(32)
        return page

    def chart(page, kind, categories: list[str], series: list[tuple[str, list[int]]]):
        data = CategoryChartData()
        data.categories = categories
        for name, values in series:
            data.add_series(name, values)
        drawn = page.shapes.add_chart(kind, margin * 2, top, width - margin * 4, Emu(4846320), data).chart
        drawn.has_legend = len(series) > 1
        if drawn.has_legend:
            drawn.legend.position, drawn.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        plot = drawn.plots[0]
        plot.has_data_labels = True
        plot.data_labels.font.size = Pt(12)
        for drawn_series, colour in zip(plot.series, (primary, accent), strict=False):
            drawn_series.format.fill.solid()
            drawn_series.format.fill.fore_color.rgb = colour
        return drawn

    def note(page, words: str):
        frame = page.shapes.add_textbox(margin * 2, top, width - margin * 4, Emu(914400)).text_frame
        frame.word_wrap = True
        frame.text = words
        frame.paragraphs[0].runs[0].font.size = Pt(20)

    logo = _logo(organisation)
    cover = slide(title_of(report), layout=0, colour=primary)
    cover.placeholders[1].text = f"{report.period.label.capitalize()}\n{organisation.name}"
    if logo is not None:
        cover.shapes.add_picture(str(logo), margin, Emu(5486400), height=Emu(914400))

    figures = slide(_("Key figures"))
    rows = [row for section in report.sections for row in section["figures"]][:12]
    columns = 4
    box_width, box_height = Emu(int((width - margin * 2) / columns)), Emu(1143000)
    for index, row in enumerate(rows):
        left = margin + box_width * (index % columns)
        frame = figures.shapes.add_textbox(left, top + (box_height + Emu(91440)) * (index // columns), box_width, box_height).text_frame
        frame.word_wrap = True
        figure = frame.paragraphs[0].add_run()
        figure.text = number(row["value"])
        figure.font.size, figure.font.bold, figure.font.color.rgb = Pt(32), True, primary
        label = frame.add_paragraph().add_run()
        label.text = str(row["label"])
        label.font.size = Pt(13)

    months = slide(_("Meetings held and planned per month"))
    chart(months, XL_CHART_TYPE.COLUMN_CLUSTERED, [row["label"] for row in report.months],
          [(_("Meetings held"), [row["value"] for row in report.months]),
           (_("Meetings planned"), [row["planned"] for row in report.months])])

    present = slide(_("Attendance by organisation"))
    if report.attendance:
        chart(present, XL_CHART_TYPE.BAR_CLUSTERED, [row["label"] for row in report.attendance],
              [(_("People present"), [row["value"] for row in report.attendance])])
    else:
        note(present, _("No attendance recorded in this period."))

    for section in report.sections:
        if section["section"] in CHART_SECTIONS:
            chart(slide(str(section["label"])), XL_CHART_TYPE.BAR_CLUSTERED, [str(row["label"]) for row in section["figures"]],
                  [(str(section["label"]), [row["value"] for row in section["figures"]])])

    listed = [(str(section["label"]), str(row["label"]), row["value"]) for section in report.sections for row in section["figures"]]
    table_slide = slide(_("Every figure"))
    row_height = Emu(min(320040, int((deck.slide_height - top - margin) / (len(listed) + 1))))
    table = table_slide.shapes.add_table(len(listed) + 1, 3, margin * 2, Emu(1280160), width - margin * 4,
                                         row_height * (len(listed) + 1)).table
    table.columns[0].width, table.columns[2].width = Emu(3200400), Emu(1600200)
    table.columns[1].width = width - margin * 4 - table.columns[0].width - table.columns[2].width
    for index, (section_label, label, value) in enumerate([(_("Section"), _("Figure"), _("Value")), *listed]):
        table.rows[index].height = row_height
        for column, words in enumerate((section_label, label, value if index == 0 else number(value))):
            cell = table.cell(index, column)
            cell.text = str(words)
            cell.text_frame.paragraphs[0].runs[0].font.size = Pt(11 if len(listed) < 16 else 9)

    follow = slide(_("What comes next"), layout=1, colour=primary)
    body = follow.placeholders[1].text_frame
    steps = report.next_steps
    body.text = steps[0]
    for line in steps[1:]:
        body.add_paragraph().text = line
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _word(report_title: str, organisation):
    from docx import Document
    from docx.shared import Pt, RGBColor

    document = Document()
    document.core_properties.title = report_title
    document.core_properties.author = organisation.name
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Calibri", Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.color.rgb = RGBColor(*_rgb(organisation.primary_colour))
    logo = _logo(organisation)
    if logo is not None:
        document.add_picture(str(logo), height=Pt(48))
    return document


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx(report) -> bytes:
    """The final report in Word: figures by section in tables, then the actions."""
    organisation = report.scope.organisation
    document = _word(title_of(report), organisation)
    document.add_heading(title_of(report), level=0)
    document.add_paragraph(f"{organisation.name} · {report.period.label}")
    for section in report.sections:
        document.add_heading(str(section["label"]), level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Light List Accent 1"
        for row in section["figures"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(row["label"]), number(row["value"])
    document.add_heading(_("Actions"), level=1)
    if not report.actions:
        document.add_paragraph(_("No meeting was held in this period."))
    for action in report.actions:
        document.add_paragraph(f"{date_format(action['date'], 'j F Y')} · {action['title']} ({action['organisation']})",
                               style="List Bullet")
        for decision in action["decisions"]:
            document.add_paragraph(decision, style="List Bullet 2")
    return _save(document)


FRAMING_SECTIONS = [
    (gettext_noop("Context"), gettext_noop("Why this action: the needs observed, what exists already.")),
    (gettext_noop("Objectives"), gettext_noop("What should have changed at the end, for whom; two or three measurable objectives.")),
    (gettext_noop("Public"), gettext_noop("Who the action is for, how many people, how they are reached.")),
    (gettext_noop("Partners"), gettext_noop("The organisations involved and what each one brings.")),
    (gettext_noop("Means"), gettext_noop("People, time, rooms, equipment, budget.")),
    (gettext_noop("Calendar"), gettext_noop("The main steps and their dates; the meetings of the working group.")),
    (gettext_noop("Indicators"), gettext_noop("How progress is measured, and when it is reported.")),
]


def framing_note(space) -> bytes:
    """A « note de cadrage » to fill in for the action the space carries, with its known facts."""
    document = _word(_("Framing note: %(name)s") % {"name": space.name}, space.organisation)
    document.add_heading(_("Framing note: %(name)s") % {"name": space.name}, level=0)
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Light List Accent 1"
    for label, value in ((_("Space"), space.name), (_("Run by"), space.organisation.name), (_("Kind"), space.get_kind_display()),
                         (_("Theme"), space.theme or "—"), (_("Written on"), date_format(timezone.localdate(), "j F Y"))):
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    if space.description:
        document.add_paragraph(space.description)
    for heading, prompt in FRAMING_SECTIONS:
        document.add_heading(_(heading), level=1)
        document.add_paragraph().add_run(_(prompt)).italic = True
        document.add_paragraph("")
    return _save(document)
