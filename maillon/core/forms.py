"""What every form view does with a service's refusal."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """A service's ValidationError on the form: each message on its field (``renamed``: the
    service's name → the form's field), else at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            target = (renamed or {}).get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
