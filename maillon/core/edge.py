"""Limits applied once, at the edge of the app, before any view (issue 12, items 5 and 9).

- A request body larger than ``MAILLON_MAX_REQUEST_BYTES`` (30 MB by default: the largest
  document an editor uploads) is refused with 413 from its Content-Length, before it is read.
  The reverse proxy should refuse it first (nginx ``client_max_body_size 30m``, see README).
- The null character is taken out of every form field and query parameter of the pages: nobody
  types it, PostgreSQL refuses it in text (a 500 otherwise), and a field that became empty is
  then checked like any empty field. The API refuses it with a 422 instead
  (``core/apiinput.py``), and CSV imports refuse a file that holds one.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

NUL = "\x00"


def _without_nul(params: QueryDict) -> QueryDict | None:
    """A copy of ``params`` without null characters, or None when there is none."""
    if not any(NUL in key or any(NUL in value for value in values if isinstance(value, str))
               for key, values in params.lists()):
        return None
    clean = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        clean.setlist(key.replace(NUL, ""), [v.replace(NUL, "") if isinstance(v, str) else v for v in values])
    clean._mutable = False
    return clean


def too_large_message(limit: int) -> str:
    """The French 413 sentence for a limit in bytes (pages and API alike)."""
    return _("The request is too large: %(size)s MB at most.") % {"size": limit // (1024 * 1024)}


def _too_large(request, limit: int):
    message = too_large_message(limit)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class EdgeLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.MAILLON_MAX_REQUEST_BYTES

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            return _too_large(request, self.limit)
        if not request.path.startswith("/api/"):
            if (clean := _without_nul(request.GET)) is not None:
                request.GET = clean
            try:
                post = request.POST if request.method == "POST" else None
            except RequestDataTooBig:  # form fields (not files) over DATA_UPLOAD_MAX_MEMORY_SIZE
                return _too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            if post is not None and (clean := _without_nul(post)) is not None:
                request.POST = clean
        return self.get_response(request)
