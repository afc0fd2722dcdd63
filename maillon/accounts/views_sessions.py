"""« Mes appareils connectés »: the person's open sessions, end one, end all the others.

Every session is looked up among the person's own (``services_sessions.sessions_of``): another
person's id is a 404. Ending asks for a confirmation (GET shows it, POST with the CSRF token acts).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from . import services_sessions
from .devices import Device


@never_cache
@login_required
def sessions(request):
    found = services_sessions.open_sessions(request)
    return render(request, "accounts/sessions.html", {"sessions": found, "others": sum(not s.current for s in found)})


@never_cache
@login_required
def end(request, pk):
    row = get_object_or_404(services_sessions.sessions_of(request.user), pk=pk)
    device = Device.of(row.user_agent, row.ip)
    if request.method == "POST":
        if services_sessions.end_session(request, row):
            return redirect("account_login")
        messages.success(request, _("« %(device)s » is logged out.") % {"device": device.label})
        return redirect("accounts:sessions")
    current = row.session_key == request.session.session_key
    return render(request, "accounts/session_end.html", {"device": device, "row": row, "current": current})


@never_cache
@login_required
def end_others(request):
    if request.method == "POST":
        count = services_sessions.end_other_sessions(request)
        messages.success(request, ngettext("%(count)d other session is logged out.", "%(count)d other sessions are logged out.",
                                           count) % {"count": count} if count else _("No other session was open."))
        return redirect("accounts:sessions")
    return render(request, "accounts/session_end.html", {"everywhere": True})
