"""The demo centre's fictional logo (``maillon demo``): stored the way an uploaded logo is, so the
demo shows the real path (re-encoded PNG under media/logos/, served by ``organisations:logo``)."""

from __future__ import annotations

from pathlib import Path

from .forms import stored_logo

LOGOS = {"les-tilleuls": Path(__file__).resolve().parent / "demo" / "les-tilleuls-logo.png"}


def seed_logos(context) -> None:
    for organisation in (context.main, context.second):
        source = LOGOS.get(organisation.slug)
        if source is None or organisation.logo:
            continue
        with source.open("rb") as file:
            organisation.logo = stored_logo(file)
        organisation.save(update_fields=["logo", "updated_at"])
