"""Log filters: an expected refusal is one line, not a traceback."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Django logs a 403 (PermissionDenied) or 404 with the exception's traceback. These are
    answers the app gives on purpose (a person of another organisation guessing an id): keep
    the line (path, status), drop the traceback, so a real error is not lost among them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404) and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
