"""Placeholder views of the contract: the citizens helper replaces them."""

from django.shortcuts import render

from .identity import citizen_required
from .public import enabled_services, public_commune
from .registry import portal_sections


@public_commune()
def portal(request, commune):
    return render(request, "citizens/portal.html", {"sections": portal_sections(enabled_services(commune))})


@public_commune()
def login(request, commune):
    return render(request, "citizens/portal.html", {"sections": []})


@public_commune()
@citizen_required
def mine(request, commune):
    return render(request, "citizens/portal.html", {"sections": []})
