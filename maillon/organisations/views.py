"""Organisation settings (identity, theme, FEDER block) and public logo files."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.static import serve

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
