"""Work in progress (issue #2)."""

from django.shortcuts import render


def verify(request):
    return render(request, "accounts/security.html", {})
