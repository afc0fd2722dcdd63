"""Text folding shared by every search and name match: lower case, no accents, single spaces."""

import re
import unicodedata

# Combining marks left by NFKD: removing them with one regex is several times faster than a
# per-character unicodedata.combining() test (search reads hundreds of rows per query).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Accent-free, lowercase, single-spaced: « Été  Fête » → « ete fete »."""
    text = text or ""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _SPACES.sub(" ", text).lower().strip()
