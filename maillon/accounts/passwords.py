"""Password policy after the CNIL recommendation (délibération 2022-100) and ANSSI guidance.

Accepted when the password reaches about 80 bits of entropy, i.e. one of:
- at least 12 characters mixing upper case, lower case, digits and special characters;
- at least 14 characters mixing upper case, lower case and digits;
- a passphrase of at least 7 words (separated by spaces or punctuation).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CnilPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        has_lower = bool(re.search(r"[a-zà-ÿ]", password))
        has_upper = bool(re.search(r"[A-ZÀ-Þ]", password))
        has_digit = bool(re.search(r"\d", password))
        has_special = bool(re.search(r"[^\w\s]|_", password))
        words = [w for w in re.split(r"[\s\-_.,;:!?/]+", password) if len(w) >= 2]
        if len(password) >= 12 and has_lower and has_upper and has_digit and has_special:
            return
        if len(password) >= 14 and has_lower and has_upper and has_digit:
            return
        if len(words) >= 7 and len(password) >= 20:
            return
        raise ValidationError(self.get_help_text(), code="password_too_weak")

    def get_help_text(self) -> str:
        return _(
            "Votre mot de passe doit compter au moins 12 caractères avec majuscules, minuscules, "
            "chiffres et caractères spéciaux, ou au moins 14 caractères avec majuscules, minuscules "
            "et chiffres, ou être une phrase de passe d'au moins 7 mots."
        )
