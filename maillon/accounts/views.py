"""Account security overview. Members admin, tokens and signing have their own modules."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .middleware import needs_mfa_setup


@login_required
def security(request):
    types = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    return render(request, "accounts/security.html", {
        "has_totp": Authenticator.Type.TOTP in types,
        "has_passkey": Authenticator.Type.WEBAUTHN in types,
        "has_recovery": Authenticator.Type.RECOVERY_CODES in types,
        "mfa_required": needs_mfa_setup(request.user),
    })
