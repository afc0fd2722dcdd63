"""Second factor mandatory for sensitive roles (settings.MAILLON_MFA_REQUIRED_ROLES)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import RoleAssignment, User
from .sessions import opened_elsewhere

# Paths a person without a second factor may still reach: to set one up, or leave.
ALLOWED_PREFIXES = ("/comptes/", "/static/", "/media/", "/healthz", "/readyz", "/i18n/")


def needs_mfa_setup(user) -> bool:
    """True when the user holds a role requiring MFA but has no TOTP or passkey yet."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            sensitive=Exists(RoleAssignment.objects.filter(
                membership__user=OuterRef("pk"), membership__is_active=True,
                role__in=settings.MAILLON_MFA_REQUIRED_ROLES,
            )),
            protected=Exists(Authenticator.objects.filter(
                user=OuterRef("pk"), type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            )),
        )
        .values("sensitive", "protected")
        .first()
    )
    return bool(row and row["sensitive"] and not row["protected"])


def _has_second_factor(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


has_second_factor = _has_second_factor


def requires_mfa(capability: str):
    """Marks a view of a capability that needs a second factor whatever the person's roles
    (``"health"``: children's health records). Without TOTP or passkey, the middleware sends
    the person to set one up, as for the roles of MAILLON_MFA_REQUIRED_ROLES."""

    def mark(view):
        view.mfa_capability = capability
        return view

    return mark


class RequireMFAMiddleware:
    """Runs after the organisation middleware: on organisation pages the person's memberships
    and roles are already loaded, so people without a sensitive role cost no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return None
        membership = getattr(request, "membership", None)
        if membership is not None:
            memberships = [membership, *getattr(request, "other_memberships", [])]
            required = settings.MAILLON_MFA_REQUIRED_ROLES
            sensitive = any(m.has_role(*required) for m in memberships) or getattr(view_func, "mfa_capability", None)
            blocked = bool(sensitive) and not _has_second_factor(request.user)
        else:
            blocked = needs_mfa_setup(request.user)
        if not blocked:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Turn on two-factor authentication to use the API.")}, status=403)
        messages.warning(request, _(
            "Your role gives access to sensitive data: turn on two-factor authentication "
            "(authenticator app or passkey) to continue."
        ))
        return redirect("mfa_index")


class AllauthSessionMiddleware:
    """Closes a session that allauth did not open (see ``sessions.py``): the request goes on
    as anonymous, so the page asks to log in. Reads the session only, no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if opened_elsewhere(request.session):
            logout(request)
        return self.get_response(request)


class SessionActivityMiddleware:
    """Records when and from where each session was last used, for the person's list of
    connected devices (``services_sessions.track``): a write at most every five minutes per
    session, none at all on most requests."""

    def __init__(self, get_response):
        from .services_sessions import track

        self.get_response = get_response
        self.track = track

    def __call__(self, request):
        self.track(request)
        return self.get_response(request)
