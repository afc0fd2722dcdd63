"""Model fields whose value is encrypted in the database (see ``crypto.py``).

The value is written as JSON inside the ciphertext, padded to a multiple of 32 bytes, and
every value is encrypted, empty ones too: the column never shows whether a child has an
allergy or not, nor the exact length of what was written. The column is a text column
(``h1:…``); filtering on it is meaningless (each write uses a fresh nonce) and is refused.
"""

from __future__ import annotations

import datetime
import json

from django import forms
from django.db import models
from django.utils.text import capfirst

from . import crypto

PAD = 32
TEXT_MAX = 5000  # characters of a free text field in forms and the API


def _pad(text: str) -> bytes:
    raw = text.encode()
    return raw + b" " * (-len(raw) % PAD)


class EncryptedField(models.TextField):
    """Base: subclasses say how a Python value becomes JSON and back."""

    def column_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.attname}"

    # Python value <-> JSON-compatible value
    def to_json(self, value):
        return value

    def from_json(self, value):
        return value

    def get_prep_value(self, value):
        if hasattr(value, "resolve_expression"):
            return value
        value = self.to_python(value)
        plain = _pad(json.dumps(self.to_json(value), ensure_ascii=False))
        return crypto.encrypt_text(plain, self.column_context())

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_json(json.loads(crypto.decrypt_text(value, self.column_context())))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise TypeError(f"{self.name} is encrypted: it cannot be filtered with __{lookup_name}")
        return super().get_lookup(lookup_name)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return json.dumps(self.to_json(self.value_from_object(obj)), ensure_ascii=False)


class EncryptedTextField(EncryptedField):
    """Free text (several lines)."""

    def to_python(self, value):
        return "" if value is None else str(value)

    def formfield(self, **kwargs):
        return forms.CharField(label=capfirst(self.verbose_name), required=not self.blank, help_text=self.help_text,
                               max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **kwargs)


class EncryptedCharField(EncryptedTextField):
    """Short text (a name, a phone number): one line in forms, at most ``max_chars``."""

    def __init__(self, *args, max_chars: int = 200, **kwargs):
        self.max_chars = max_chars
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_chars"] = self.max_chars
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.CharField(label=capfirst(self.verbose_name), required=not self.blank, help_text=self.help_text,
                               max_length=self.max_chars, **kwargs)


class EncryptedBooleanField(EncryptedField):
    def to_python(self, value):
        return bool(value)

    def formfield(self, **kwargs):
        return forms.BooleanField(label=capfirst(self.verbose_name), required=False, help_text=self.help_text, **kwargs)


class EncryptedDateField(EncryptedField):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))

    def to_json(self, value):
        return value.isoformat() if value else None

    def from_json(self, value):
        return datetime.date.fromisoformat(value) if value else None

    def formfield(self, **kwargs):
        return forms.DateField(label=capfirst(self.verbose_name), required=not self.blank, help_text=self.help_text,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class EncryptedJSONField(EncryptedField):
    """A small JSON value (a document's kind, type and name)."""
