"""How a private stored file is handed to the person allowed to have it (documents, the files of a
space's feed and knowledge base): PDF and images shown in the browser, anything else downloaded
under its original name, never sniffed, never kept by a shared cache; a file gone from the disk
is a 404, not a 500."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

SHOWN = frozenset({"application/pdf", "image/png", "image/jpeg"})


def private_file(item) -> FileResponse:
    """``item``: anything with ``file`` (a stored file), ``original_name`` and ``content_type``."""
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404 from None
    content_type = item.content_type or mimetypes.guess_type(item.original_name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(item.content_type not in SHOWN, item.original_name)
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
