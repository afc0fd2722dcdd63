"""Organisation settings (identity, theme, FEDER block) and public logo files."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.static import serve
from PIL import Image

from . import services
from .forms import OrganisationSettingsForm
from .policies import can_edit_settings


def organisation_settings(request):
    if not can_edit_settings(request.membership):
        raise Http404
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.update_settings(form, actor=request.user, request=request)
        messages.success(request, _("The organisation's settings are saved."))
        return redirect("organisations:settings", org=organisation.slug)
    return render(request, "organisations/settings.html", {"form": form})


def logo(request, path):
    """Logos are shown on the login page too, so they are public files."""
    if Path(path).name != path:
        raise Http404
    response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / "logos")
    # A new logo is stored under a new name, so a day of caching never shows a stale one.
    response["Cache-Control"] = "public, max-age=86400"
    return response


SMALL_LOGO_PX = 96  # the header shows the logo at 32 px: three times that for high-density screens


def logo_small(request, path):
    """``<name>.webp``: the logo ``<name>.png`` at the header's size, as WebP: 1 to 3 KB where the
    stored PNG (up to 512 px) is often 10 to 100 KB, and every first visit downloads it (issue 14).
    Made on the first request and kept in media/logos/small/; a new logo has a new name, so it
    never goes stale."""
    # Stored logo names are short (stored_logo): a longer one is not ours (and the file system
    # would refuse it with an error, a 500).
    if Path(path).name != path or not path.endswith(".webp") or len(path) > 200:
        raise Http404
    folder = Path(settings.MEDIA_ROOT) / "logos"
    small, source = folder / "small" / path, folder / (path.removesuffix(".webp") + ".png")
    if not small.is_file():
        if not source.is_file():
            raise Http404
        small.parent.mkdir(exist_ok=True)
        partial = small.with_name(f".{uuid.uuid4().hex}.webp")
        try:
            with Image.open(source) as image:  # stored by stored_logo: checked, re-encoded
                image = image.convert("RGBA")
                image.thumbnail((SMALL_LOGO_PX, SMALL_LOGO_PX), Image.Resampling.LANCZOS)
                image.save(partial, "WEBP", quality=85)
        except OSError as exc:  # not an image after all
            partial.unlink(missing_ok=True)
            raise Http404 from exc
        os.replace(partial, small)  # two first requests at once both write a whole file
    response = serve(request, small.name, document_root=small.parent)
    response["Cache-Control"] = "public, max-age=86400"
    return response
