"""Second factor mandatory for sensitive roles (settings.MAILLON_MFA_REQUIRED_ROLES)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import RoleAssignment, User

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


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_mfa_setup(request.user)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": _("Activez la double authentification pour utiliser l'API.")}, status=403)
            messages.warning(request, _(
                "Votre rôle donne accès à des données sensibles : activez la double authentification "
                "(application d'authentification ou clé d'accès) pour continuer."
            ))
            return redirect("mfa_index")
        return self.get_response(request)
