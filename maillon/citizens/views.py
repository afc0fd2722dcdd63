"""A commune's public pages for citizens (``/<commune>/citoyens/…``): the portal, signing in by an
e-mail link or FranceConnect, « Mon espace », the accessibility statement and the personal data
page. No JavaScript needed; thin views over tokens.py, franceconnect.py and services.py."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillon.notifications.backends import organisation_header
from maillon.organisations.models import Organisation

from . import franceconnect, tokens
from .antiabuse import rate_limited
from .forms import EmailLoginForm
from .identity import citizen_required, current_citizen, login_citizen, logout_citizen
from .public import commune_enabled, enabled_services, public_commune
from .registry import CITIZEN_ITEMS, portal_sections
from .services import verified_citizen

log = logging.getLogger(__name__)
ITEMS_PER_PAGE = 20
FC_LOGOUT_KEY = "citizen_fc_logout"  # {"commune", "id_token"} between our logout and FranceConnect's


def safe_next(request, url: str | None, commune) -> str:
    """``url`` when it stays on this site (a path, no other host or scheme), else « Mon espace »."""
    if url and url.startswith("/") and not url.startswith("//") and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("citizens:mine", kwargs={"commune": commune.slug})


def _secretary_email(commune) -> str:
    from maillon.communes.models import Commune

    return Commune.objects.filter(organisation=commune).values_list("secretary_email", flat=True).first() or ""


@public_commune()
def portal(request, commune):
    return render(request, "citizens/portal.html", {"sections": portal_sections(enabled_services(commune)),
                                                    "citizen": current_citizen(request)})


# ----------------------------------------------------------------------------- e-mail link

@public_commune()
def login(request, commune):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if current_citizen(request) is not None and request.method == "GET":
        return redirect(safe_next(request, next_url, commune))
    form = EmailLoginForm(request.POST or None, initial={"next": next_url})
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        refused = rate_limited(request, "login", email)
        if refused:
            form.add_error(None, refused)
            status = 429
        else:
            _send_link(request, commune, email, safe_next(request, form.cleaned_data["next"], commune))
            return redirect("citizens:login_sent", commune=commune.slug)
    elif request.method == "POST":
        status = 400
    return render(request, "citizens/login.html", {"form": form, "franceconnect": franceconnect.enabled(),
                                                   "next": next_url}, status=status)


def _send_link(request, commune, email: str, next_url: str) -> None:
    token = tokens.make(email, commune.slug, next_url)
    link = request.build_absolute_uri(reverse("citizens:login_link", kwargs={"commune": commune.slug, "token": token}))
    body = render_to_string("citizens/email/login_link.txt", {"commune": commune, "link": link,
                                                              "minutes": tokens.MAX_AGE // 60})
    subject = _("Your sign-in link · %(commune)s") % {"commune": commune.name}
    try:
        EmailMessage(subject, body, to=[email], headers=organisation_header(commune.pk)).send()
    except Exception:  # the mail server is down: the same page (the address is not revealed), logged
        log.exception("Sign-in link for a citizen of %s not sent", commune.slug)


@public_commune()
def login_sent(request, commune):
    return render(request, "citizens/login_sent.html", {"minutes": tokens.MAX_AGE // 60})


LINK_ERRORS = {
    "expired": lambda: _("This sign-in link has expired (it works for 30 minutes)."),
    "used": lambda: _("This sign-in link was already used (each link works once)."),
    "invalid": lambda: _("This sign-in link is not valid: it may have been cut or changed."),
}


@public_commune()
def login_link(request, commune, token: str):
    """GET shows a button (mail scanners open links: they must not use it up); POST signs in."""
    try:
        data = tokens.use(token, commune.slug) if request.method == "POST" else tokens.read(token, commune.slug)
    except tokens.LinkError as exc:
        return render(request, "citizens/login_link.html", {"error": LINK_ERRORS[exc.reason]()}, status=410
                      if exc.reason != "invalid" else 400)
    if request.method != "POST":
        return render(request, "citizens/login_link.html", {"email": data.email})
    citizen = verified_citizen(data.email)
    login_citizen(request, citizen, "email")
    messages.success(request, _("You are signed in."))
    return redirect(safe_next(request, data.next_url, commune))


@require_POST
@public_commune()
def logout(request, commune):
    id_token = request.session.pop(franceconnect.SESSION_ID_TOKEN, "")
    logout_citizen(request)
    if id_token and franceconnect.enabled():
        request.session[FC_LOGOUT_KEY] = {"commune": commune.slug, "id_token": id_token}
        return redirect("citizens:logged_out", commune=commune.slug)
    messages.success(request, _("You are signed out."))
    return redirect("citizens:portal", commune=commune.slug)


@public_commune()
def logged_out(request, commune):
    """After signing out of a FranceConnect session: a link ends FranceConnect's session too (a
    form's redirect to another site would be refused by the page's form-action policy)."""
    pending = request.session.get(FC_LOGOUT_KEY)
    return render(request, "citizens/logged_out.html", {"franceconnect": bool(pending)})


# ----------------------------------------------------------------------------- « Mon espace »

@public_commune()
@citizen_required
def mine(request, commune):
    citizen = current_citizen(request)
    items = []
    for func in CITIZEN_ITEMS:
        items.extend(func(citizen, commune))
    items.sort(key=lambda i: i.at, reverse=True)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "citizens/mine.html", {"citizen": citizen, "page_obj": page,
                                                  "method": request.session.get("citizen_method", "")})


# ----------------------------------------------------------------------------- information pages

@public_commune()
def accessibility(request, commune):
    return render(request, "citizens/accessibility.html", {"secretary_email": _secretary_email(commune)})


@public_commune()
def privacy(request, commune):
    return render(request, "citizens/privacy.html", {"secretary_email": _secretary_email(commune),
                                                     "franceconnect": franceconnect.enabled()})


# ----------------------------------------------------------------------------- FranceConnect

@public_commune()
def franceconnect_start(request, commune):
    if not franceconnect.enabled():
        return redirect("citizens:login", commune=commune.slug)
    request.session[franceconnect.SESSION_START] = {"commune": commune.slug,
                                                    "next": safe_next(request, request.GET.get("next"), commune)}
    try:
        return franceconnect.authorize_redirect(request, request.build_absolute_uri(reverse("citizens:franceconnect_callback")))
    except franceconnect.FranceConnectError as exc:
        return _fc_error(request, commune, exc.message)


def _fc_error(request, commune, message: str):
    request.commune = commune
    return TemplateResponse(request, "citizens/franceconnect_error.html", {"message": message}, status=400)


def _started_commune(request, key: str) -> Organisation | None:
    started = request.session.get(key) or {}
    slug = started.get("commune") if isinstance(started, dict) else None
    return commune_enabled(slug, None) if slug else None


def franceconnect_callback(request):
    """The instance's one redirect URI (``/citoyens/franceconnect/retour/``)."""
    commune = _started_commune(request, franceconnect.SESSION_START)
    if commune is None or not franceconnect.enabled():
        return TemplateResponse(request, "citizens/not_found.html", {}, status=404)
    started = request.session.get(franceconnect.SESSION_START) or {}
    try:
        claims, id_token = franceconnect.complete(request)
        citizen = franceconnect.citizen_for(claims)
    except franceconnect.FranceConnectError as exc:
        return _fc_error(request, commune, exc.message)
    request.session.pop(franceconnect.SESSION_START, None)
    login_citizen(request, citizen, "franceconnect")
    request.session[franceconnect.SESSION_ID_TOKEN] = id_token
    messages.success(request, _("You are signed in with FranceConnect."))
    return redirect(safe_next(request, started.get("next"), commune))


def franceconnect_logout(request):
    """A link from « logged out »: to FranceConnect's end-session endpoint (GET: a link may leave
    the site where a form may not)."""
    pending = request.session.pop(FC_LOGOUT_KEY, None) or {}
    commune = commune_enabled(pending.get("commune"), None) if pending.get("commune") else None
    if commune is None:
        return TemplateResponse(request, "citizens/not_found.html", {}, status=404)
    request.session[FC_LOGOUT_KEY + "_done"] = commune.slug
    url = franceconnect.logout_url(request, pending.get("id_token", ""),
                                   request.build_absolute_uri(reverse("citizens:franceconnect_logged_out")))
    if url:
        return HttpResponseRedirect(url)
    return redirect("citizens:portal", commune=commune.slug)


def franceconnect_logged_out(request):
    """FranceConnect's post-logout redirect: back to the commune's portal."""
    slug = request.session.pop(FC_LOGOUT_KEY + "_done", None)
    commune = commune_enabled(slug, None) if slug else None
    if commune is None:
        return redirect("home")
    messages.success(request, _("You are signed out of FranceConnect too."))
    return redirect("citizens:portal", commune=commune.slug)
