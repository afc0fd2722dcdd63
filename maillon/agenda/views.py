"""Rooms and equipment of the organisation, visible to all its staff."""

from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Resource


def resources(request):
    queryset = Resource.objects.for_organisation(request.organisation).filter(is_active=True)
    kind = request.GET.get("type")
    if kind in Resource.Kind.values:
        queryset = queryset.filter(kind=kind)
    search = request.GET.get("q", "").strip()
    if search:
        queryset = queryset.filter(name__icontains=search)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "agenda/resources.html", {
        "page_obj": page, "kinds": Resource.Kind.choices, "kind": kind, "search": search,
        "query": f"type={kind or ''}&q={search}",
    })
