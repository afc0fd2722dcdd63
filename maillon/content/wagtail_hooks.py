"""Wagtail hooks of the content app."""

from django.http import Http404
from wagtail import hooks

from .images import may_open_collection_file


@hooks.register("before_serve_document")
def check_document_access(document, request):
    """Wagtail's own documents (/documents/<id>/<name>) are not used by Maillon (documents are
    ``content.Document``, served by ``views.download``), but the route exists for the back
    office: a file there is served only to members of the organisation owning its collection."""
    if not may_open_collection_file(request.user, document.collection):
        raise Http404
