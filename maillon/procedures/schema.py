"""The field schema of a procedure: kinds, validation, the form built from it, and answers.

A schema is a list of field dicts (stored as JSON on a ``ProcedureVersion``)::

    {"key": "amount", "label": "Montant", "kind": "amount", "required": true, "help": "",
     "choices": ["…"],                       # choice, multichoice
     "show_if": {"field": "other_key", "value": "oui"},   # conditional rule (optional)
     "extensions": ["pdf", "jpg"], "max_size_mb": 5,      # file
     "fields": [{sub-field}, …], "total": "sub_key"}       # group: repeatable lines + computed total

Answers (``Submission.data``) are JSON: strings for text-like kinds, ``"12.50"`` for numbers and
amounts, ISO dates and times, a list for multiple choices, a bool for yes/no, a dict for a date
range (start, start_half, end, end_half), a dict for a file (id, name, size) and a list of
dicts for a group.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.ui.forms import empty_choice_label

TEXT, TEXTAREA, NUMBER, AMOUNT, DATE, DATERANGE, TIME = "text", "textarea", "number", "amount", "date", "daterange", "time"
CHOICE, MULTICHOICE, YESNO, FILE, EMAIL, PHONE, IBAN, GROUP = "choice", "multichoice", "yesno", "file", "email", "phone", "iban", "group"

KINDS = [
    (TEXT, gettext_lazy("Short text")),
    (TEXTAREA, gettext_lazy("Long text")),
    (NUMBER, gettext_lazy("Number")),
    (AMOUNT, gettext_lazy("Amount in euros")),
    (DATE, gettext_lazy("Date")),
    (DATERANGE, gettext_lazy("Date range (half days)")),
    (TIME, gettext_lazy("Time")),
    (CHOICE, gettext_lazy("Choice")),
    (MULTICHOICE, gettext_lazy("Multiple choice")),
    (YESNO, gettext_lazy("Yes / no")),
    (FILE, gettext_lazy("File")),
    (EMAIL, gettext_lazy("E-mail")),
    (PHONE, gettext_lazy("Phone")),
    (IBAN, gettext_lazy("IBAN")),
    (GROUP, gettext_lazy("Repeatable group (lines)")),
]
KIND_KEYS = {k for k, _label in KINDS}
# Kinds allowed inside a repeatable group (one line of a table).
GROUP_KINDS = {TEXT, NUMBER, AMOUNT, DATE, TIME, CHOICE, YESNO}
MORNING, AFTERNOON = "morning", "afternoon"
HALVES = [(MORNING, gettext_lazy("morning")), (AFTERNOON, gettext_lazy("afternoon"))]
DEFAULT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
DEFAULT_MAX_SIZE_MB = 5
MAX_GROUP_ROWS = 50
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# ---------------------------------------------------------------- validators


def normalise_iban(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def iban_is_valid(value: str) -> bool:
    """ISO 13616: 2 letters, 2 check digits, up to 30 alphanumerics; mod 97 of the rearranged number is 1."""
    iban = normalise_iban(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    if iban.startswith("FR") and len(iban) != 27:
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def validate_iban(value: str) -> None:
    if not iban_is_valid(value):
        raise ValidationError(_("This IBAN is not valid: check the letters and digits (e.g. FR76 3000 6000 0112 3456 7890 189)."), code="iban")


def format_iban(value: str) -> str:
    iban = normalise_iban(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


PHONE_RE = re.compile(r"^(?:\+33|0033|0)[1-9](?:\d{8})$|^\+(?:[1-9]\d{6,14})$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(normalise_phone(value)):
        raise ValidationError(_("Enter a phone number such as 06 12 34 56 78 or +33 6 12 34 56 78."), code="phone")


def format_amount(value) -> str:
    try:
        return number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True) + " €"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


# ---------------------------------------------------------------- schema validation (the editor)


def make_key(label: str, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[:30] or "champ"
    if not base[0].isalpha():
        base = "c_" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def check_schema(schema: list[dict]) -> list[str]:
    """Problems that prevent publishing (French messages); an empty list when the schema is sound."""
    problems = []
    keys = [f.get("key") for f in schema]
    if not schema:
        problems.append(_("Add at least one field before publishing."))
    for position, field in enumerate(schema):
        label = field.get("label") or field.get("key")
        if field.get("kind") not in KIND_KEYS:
            problems.append(_("Field « %(label)s »: unknown kind.") % {"label": label})
        if not KEY_RE.match(field.get("key") or ""):
            problems.append(_("Field « %(label)s »: invalid key.") % {"label": label})
        if keys.count(field.get("key")) > 1:
            problems.append(_("Field « %(label)s »: its key is used twice.") % {"label": label})
        if field.get("kind") in (CHOICE, MULTICHOICE) and not field.get("choices"):
            problems.append(_("Field « %(label)s »: give at least one choice.") % {"label": label})
        if field.get("kind") == GROUP:
            subs = field.get("fields") or []
            if not subs:
                problems.append(_("Field « %(label)s »: a group needs at least one column.") % {"label": label})
            if any(s.get("kind") not in GROUP_KINDS for s in subs):
                problems.append(_("Field « %(label)s »: a column has a kind a group cannot hold.") % {"label": label})
            total = field.get("total")
            if total and total not in {s.get("key") for s in subs if s.get("kind") in (NUMBER, AMOUNT)}:
                problems.append(_("Field « %(label)s »: the total must add up a number or amount column.") % {"label": label})
        rule = field.get("show_if")
        if rule:
            earlier = {f.get("key") for f in schema[:position]}
            if rule.get("field") not in earlier:
                problems.append(_("Field « %(label)s »: its display rule must refer to a field above it.") % {"label": label})
    return problems


# ---------------------------------------------------------------- the form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _amount_field(required, label, help_text=""):
    return forms.DecimalField(
        label=label, required=required, help_text=help_text, max_digits=12, decimal_places=2, min_value=Decimal("0"),
        localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter an amount in euros, e.g. 12,50.")},
    )


# A select's empty choice reads like every other form's (« Choisir… » when the field is required,
# even in a draft, « Non précisé » otherwise): the project-wide renderer's label, not a copy.
_blank = lazy(empty_choice_label, str)


def _simple_field(spec: dict, required: bool, label=None) -> forms.Field:
    kind = spec["kind"]
    label = label if label is not None else spec.get("label", "")
    help_text = spec.get("help", "")
    choices = [(c, c) for c in spec.get("choices") or []]
    if kind == TEXT:
        return forms.CharField(label=label, required=required, help_text=help_text, max_length=300)
    if kind == TEXTAREA:
        return forms.CharField(label=label, required=required, help_text=help_text, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    if kind == NUMBER:
        return forms.DecimalField(label=label, required=required, help_text=help_text, max_digits=12, decimal_places=2, localize=True,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    if kind == AMOUNT:
        return _amount_field(required, label, help_text)
    if kind == DATE:
        return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())
    if kind == TIME:
        return forms.TimeField(label=label, required=required, help_text=help_text, widget=TimeInput())
    if kind == CHOICE:
        return forms.ChoiceField(label=label, required=required, help_text=help_text, choices=[("", _blank(bool(spec.get("required")))), *choices])
    if kind == MULTICHOICE:
        return forms.MultipleChoiceField(label=label, required=required, help_text=help_text, choices=choices, widget=forms.CheckboxSelectMultiple)
    if kind == YESNO:
        return forms.TypedChoiceField(
            label=label, required=required, help_text=help_text, coerce=lambda v: v == "yes", empty_value=None,
            choices=[("", _blank(bool(spec.get("required")))), ("yes", _("Yes")), ("no", _("No"))],
        )
    if kind == EMAIL:
        return forms.EmailField(label=label, required=required, help_text=help_text, error_messages={"invalid": _("Enter a valid e-mail address, e.g. prenom.nom@exemple.fr.")})
    if kind == PHONE:
        return forms.CharField(label=label, required=required, help_text=help_text, max_length=30, validators=[validate_phone],
                               widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    if kind == IBAN:
        return forms.CharField(label=label, required=required, help_text=help_text, max_length=42, validators=[validate_iban],
                               widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    raise ValueError(kind)


def _row_count(data, key: str, existing: list) -> int:
    raw = (data or {}).get(f"{key}__rows")
    try:
        count = int(raw) if raw is not None else max(len(existing), 1)
    except (TypeError, ValueError):
        count = max(len(existing), 1)
    if data is not None and data.get("add_row") == key:
        count += 1
    return max(1, min(count, MAX_GROUP_ROWS))


class SubmissionForm(forms.Form):
    """The form of one procedure version. ``answers`` pre-fills it (a draft); ``draft=True``
    makes every field optional (formats are still checked)."""

    def __init__(self, schema: list[dict], *args, answers: dict | None = None, draft: bool = False, **kwargs):
        self.schema = schema
        self.answers = answers or {}
        self.draft = draft
        super().__init__(*args, **kwargs)
        self.rows: dict[str, int] = {}
        for spec in schema:
            self._add(spec)

    # -- building

    def _add(self, spec: dict) -> None:
        key, kind = spec["key"], spec["kind"]
        required = bool(spec.get("required")) and not self.draft
        value = self.answers.get(key)
        if kind == DATERANGE:
            value = value or {}
            self.fields[f"{key}__start"] = forms.DateField(label=_("Start date"), required=required, widget=DateInput(), initial=value.get("start"))
            self.fields[f"{key}__start_half"] = forms.ChoiceField(label=_("Starting"), choices=HALVES, initial=value.get("start_half", MORNING), required=False)
            self.fields[f"{key}__end"] = forms.DateField(label=_("End date"), required=required, widget=DateInput(), initial=value.get("end"))
            self.fields[f"{key}__end_half"] = forms.ChoiceField(label=_("Ending"), choices=HALVES, initial=value.get("end_half", AFTERNOON), required=False)
        elif kind == FILE:
            extensions = spec.get("extensions") or DEFAULT_EXTENSIONS
            accept = ",".join(f".{e}" for e in extensions)
            has_file = bool(value)
            help_text = spec.get("help") or ""
            limits = _("Accepted: %(types)s, %(size)s MB at most.") % {"types": ", ".join(extensions), "size": spec.get("max_size_mb") or DEFAULT_MAX_SIZE_MB}
            if has_file:
                limits += " " + _("Already attached: %(name)s (choose a file to replace it).") % {"name": value.get("name", "")}
            self.fields[key] = forms.FileField(label=spec.get("label", ""), required=required and not has_file,
                                               help_text=f"{help_text} {limits}".strip(), widget=forms.ClearableFileInput(attrs={"accept": accept}))
        elif kind == GROUP:
            existing = value if isinstance(value, list) else []
            count = _row_count(self.data if self.is_bound else None, key, existing)
            self.rows[key] = count
            for index in range(count):
                line = existing[index] if index < len(existing) else {}
                for sub in spec.get("fields") or []:
                    name = f"{key}__{index}__{sub['key']}"
                    field = _simple_field(sub, required=False, label=sub.get("label", ""))
                    initial = line.get(sub["key"])
                    if sub["kind"] == YESNO and initial is not None:
                        initial = "yes" if initial else "no"
                    field.initial = initial
                    self.fields[name] = field
        else:
            field = _simple_field(spec, required)
            if kind == YESNO and value is not None:
                value = "yes" if value else "no"
            field.initial = value
            self.fields[key] = field
        rule = spec.get("show_if")
        if rule:
            for name in self._names(spec):
                self.fields[name].widget.attrs.update({"data-show-if": rule.get("field", ""), "data-show-value": str(rule.get("value", ""))})

    def _names(self, spec: dict) -> list[str]:
        key = spec["key"]
        if spec["kind"] == DATERANGE:
            return [f"{key}__start", f"{key}__start_half", f"{key}__end", f"{key}__end_half"]
        if spec["kind"] == GROUP:
            return [f"{key}__{i}__{s['key']}" for i in range(self.rows.get(key, 0)) for s in spec.get("fields") or []]
        return [key]

    # -- for templates

    def sections(self):
        """One item per schema field: the spec, its bound fields, and group rows."""
        items = []
        labels = {spec["key"]: spec.get("label", spec["key"]) for spec in self.schema}
        for spec in self.schema:
            item = {"spec": spec, "key": spec["key"], "kind": spec["kind"], "rule": spec.get("show_if")}
            if item["rule"]:
                item["rule_label"] = labels.get(item["rule"].get("field"), "")
            if spec["kind"] == GROUP:
                subs = spec.get("fields") or []
                item["columns"] = subs
                item["lines"] = [[self[f"{spec['key']}__{i}__{s['key']}"] for s in subs] for i in range(self.rows[spec["key"]])]
                item["row_count"] = self.rows[spec["key"]]
                item["total"] = self.group_total(spec)
                item["errors"] = self._group_errors.get(spec["key"], []) if hasattr(self, "_group_errors") else []
            else:
                item["fields"] = [self[name] for name in self._names(spec)]
            items.append(item)
        return items

    # -- validation

    def is_shown(self, spec: dict, values: dict) -> bool:
        rule = spec.get("show_if")
        if not rule:
            return True
        return rule_matches(values.get(rule.get("field")), rule.get("value"))

    def group_total(self, spec: dict) -> Decimal | None:
        total_key = spec.get("total")
        if not total_key:
            return None
        total = Decimal("0")
        for index in range(self.rows.get(spec["key"], 0)):
            name = f"{spec['key']}__{index}__{total_key}"
            raw = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") and name in getattr(self, "cleaned_data", {}) else None
            if raw is None and self.is_bound:
                raw = parse_decimal(self.data.get(name))
            elif raw is None:
                raw = parse_decimal(self.fields[name].initial)
            total += raw or Decimal("0")
        return total

    def clean(self):
        cleaned = super().clean()
        self._group_errors = {}
        self.answers_out: dict = {}
        for spec in self.schema:
            key, kind = spec["key"], spec["kind"]
            shown = self.is_shown(spec, self.answers_out)
            if not shown:
                for name in self._names(spec):
                    self._errors.pop(name, None)
                    cleaned.pop(name, None)
                continue
            required = bool(spec.get("required")) and not self.draft
            if kind == DATERANGE:
                start, end = cleaned.get(f"{key}__start"), cleaned.get(f"{key}__end")
                start_half = cleaned.get(f"{key}__start_half") or MORNING
                end_half = cleaned.get(f"{key}__end_half") or AFTERNOON
                if start and end:
                    if (end, end_half == AFTERNOON) < (start, start_half == AFTERNOON):
                        self.add_error(f"{key}__end", _("The end comes before the start: check the dates."))
                        continue
                    self.answers_out[key] = {"start": start.isoformat(), "start_half": start_half, "end": end.isoformat(), "end_half": end_half}
                elif (start or end) and not self.draft:
                    self.add_error(f"{key}__end" if start else f"{key}__start", _("Give both the start and the end."))
            elif kind == FILE:
                upload = cleaned.get(key)
                previous = self.answers.get(key)
                if upload:
                    error = check_upload(spec, upload)
                    if error:
                        self.add_error(key, error)
                        continue
                    self.answers_out[key] = {"upload": upload}
                elif upload is False:  # cleared
                    pass
                elif previous:
                    self.answers_out[key] = previous
                elif required:
                    self.add_error(key, _("This field is required."))
            elif kind == GROUP:
                lines = []
                for index in range(self.rows[key]):
                    line = {}
                    for sub in spec.get("fields") or []:
                        value = cleaned.get(f"{key}__{index}__{sub['key']}")
                        if value not in (None, "", []):
                            line[sub["key"]] = to_json(sub["kind"], value)
                    if line:
                        lines.append(line)
                if required and not lines:
                    self._group_errors[key] = [_("Add at least one line.")]
                    self.add_error(None, _("« %(label)s »: add at least one line.") % {"label": spec.get("label")})
                if lines:
                    self.answers_out[key] = lines
            else:
                value = cleaned.get(key)
                if value in (None, "", []):
                    continue
                self.answers_out[key] = to_json(kind, value)
        return cleaned


def rule_matches(value, expected) -> bool:
    """« Show this field when that field has this value »: equality for text and choices,
    membership for multiple choices, « oui/yes » for yes/no."""
    expected = str(expected or "").strip().lower()
    if isinstance(value, bool):
        return expected in (("oui", "yes", "true", "1") if value else ("non", "no", "false", "0"))
    if isinstance(value, list):
        return expected in [str(v).strip().lower() for v in value]
    if value is None:
        return False
    return str(value).strip().lower() == expected


def parse_decimal(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw).replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


def to_json(kind: str, value):
    if kind == AMOUNT:
        return str(Decimal(value).quantize(Decimal("0.01")))
    if kind == NUMBER:
        return str(value)
    if kind in (DATE,):
        return value.isoformat()
    if kind == TIME:
        return value.strftime("%H:%M")
    if kind == IBAN:
        return normalise_iban(value)
    if kind == MULTICHOICE:
        return list(value)
    return value


def check_upload(spec: dict, upload) -> str | None:
    extensions = [e.lower() for e in (spec.get("extensions") or DEFAULT_EXTENSIONS)]
    max_mb = spec.get("max_size_mb") or DEFAULT_MAX_SIZE_MB
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in extensions:
        return _("This type of file is not accepted: use %(types)s.") % {"types": ", ".join(extensions)}
    if upload.size > max_mb * 1024 * 1024:
        return _("This file is too large: %(size)s MB at most.") % {"size": max_mb}
    head = upload.read(8)
    upload.seek(0)
    signatures = {"pdf": [b"%PDF"], "png": [b"\x89PNG"], "jpg": [b"\xff\xd8\xff"], "jpeg": [b"\xff\xd8\xff"]}
    if extension in signatures and not any(head.startswith(s) for s in signatures[extension]):
        return _("This file's content does not match its type (.%(ext)s).") % {"ext": extension}
    return None


# ---------------------------------------------------------------- answers for display and totals


def totals(schema: list[dict], answers: dict) -> dict[str, Decimal]:
    out = {}
    for spec in schema:
        if spec.get("kind") == GROUP and spec.get("total"):
            out[spec["key"]] = sum((parse_decimal(line.get(spec["total"])) or Decimal("0") for line in answers.get(spec["key"]) or []), Decimal("0"))
    return out


def amount_of(schema: list[dict], answers: dict, amount_field: str | None = None) -> Decimal | None:
    """The amount that thresholds compare against: the named field, else the first amount or group total."""
    sums = totals(schema, answers)
    for spec in schema:
        key = spec["key"]
        if amount_field and key != amount_field:
            continue
        if spec["kind"] == AMOUNT and answers.get(key) is not None:
            return parse_decimal(answers[key])
        if key in sums:
            return sums[key]
    return None


def display_value(spec: dict, value) -> str:
    kind = spec["kind"]
    if value in (None, "", []):
        return "—"
    if kind == AMOUNT:
        return format_amount(value)
    if kind == YESNO:
        return _("Yes") if value else _("No")
    if kind == MULTICHOICE:
        return ", ".join(value)
    if kind == IBAN:
        return format_iban(value)
    if kind == DATE:
        return _format_date(value)
    if kind == DATERANGE:
        halves = dict(HALVES)
        return _("from %(start)s (%(start_half)s) to %(end)s (%(end_half)s)") % {
            "start": _format_date(value.get("start")), "start_half": halves.get(value.get("start_half"), ""),
            "end": _format_date(value.get("end")), "end_half": halves.get(value.get("end_half"), ""),
        }
    if kind == FILE:
        return value.get("name", "")
    if kind == NUMBER:
        return number_format(Decimal(value), use_l10n=True)
    return str(value)


def _format_date(value) -> str:
    from datetime import date

    from django.utils.formats import date_format

    try:
        return date_format(date.fromisoformat(value), "j F Y")
    except (TypeError, ValueError):
        return str(value or "")


def answer_rows(schema: list[dict], answers: dict) -> list[dict]:
    """What the recap and the detail page show: label, value, and table lines for groups."""
    rows = []
    sums = totals(schema, answers)
    for spec in schema:
        key = spec["key"]
        if spec.get("show_if") and key not in answers:
            continue
        value = answers.get(key)
        row = {"key": key, "label": spec.get("label", key), "kind": spec["kind"]}
        if spec["kind"] == GROUP:
            subs = spec.get("fields") or []
            row["columns"] = [s.get("label") for s in subs]
            row["lines"] = [[display_value(s, line.get(s["key"])) for s in subs] for line in (value or [])]
            row["total"] = format_amount(sums[key]) if key in sums else None
            row["value"] = ""
        else:
            row["value"] = display_value(spec, value)
            if spec["kind"] == FILE and value:
                row["file_id"] = value.get("id")
        rows.append(row)
    return rows
