"""The organisation's colours, applied with care: every pair of colours the layout puts text on
passes WCAG 2.1 AA (4.5:1), whatever colour an organisation chose.

From the main colour the layout gets ``--primary`` (bars, buttons, links: white text on it and it
as text on the page background), ``--primary-dark`` (text on the soft tint), ``--primary-soft``
(a light tint for counters and highlights) and ``--on-primary`` (the text colour on the main
colour). The accent colour is darkened in the same way (the unread badge writes it on white).
"""

from __future__ import annotations

from functools import lru_cache

from .models import contrast_ratio

AA = 4.5
WHITE, BLACK = "#ffffff", "#000000"
PAGE = "#f4f5f7"  # --bg of maillon.css: links and headings in the main colour are read on it


def mix(colour: str, other: str, weight: float) -> str:
    """``colour`` moved ``weight`` (0..1) of the way towards ``other``."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * weight):02x}" for x, y in zip(a, b, strict=True))


def darkened_until(colour: str, *backgrounds: str, ratio: float = AA) -> str:
    """``colour``, darkened in small steps until it reads on every background at ``ratio``."""
    for step in range(0, 101, 4):
        candidate = mix(colour, BLACK, step / 100)
        if all(contrast_ratio(candidate, bg) >= ratio for bg in backgrounds):
            return candidate
    return BLACK


@lru_cache(maxsize=256)
def palette(primary: str, accent: str) -> dict[str, str]:
    primary = darkened_until(primary.lower(), WHITE, PAGE)
    soft = mix(primary, WHITE, 0.88)
    dark = darkened_until(mix(primary, BLACK, 0.2), soft, WHITE)
    return {
        "primary": primary,
        "primary-dark": dark,
        "primary-soft": soft,
        "on-primary": WHITE,
        "accent": darkened_until(accent.lower(), WHITE),
    }


def css_variables(primary: str, accent: str) -> str:
    """``--primary:#…;--primary-dark:#…;…`` for the layout's ``:root`` rule."""
    return ";".join(f"--{name}:{value}" for name, value in palette(primary, accent).items())
