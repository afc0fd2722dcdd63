"""A refusal (403) is logged as one line; a real error keeps its traceback."""

import copy
import logging

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils.log import log_response

from maillon.core.logfilters import RefusalWithoutTraceback


def _record(status: int, exc: BaseException) -> logging.LogRecord:
    captured = []

    class Keep(logging.Handler):
        def emit(self, record):
            captured.append(copy.copy(record))  # the console handler's filter changes the record afterwards

    logger = logging.getLogger("django.request")
    handler = Keep()
    logger.addHandler(handler)
    try:
        try:
            raise exc
        except type(exc):
            from django.http import HttpResponse

            log_response("refused: %s", "/x/", response=HttpResponse(status=status), request=RequestFactory().get("/x/"), exception=exc)
    finally:
        logger.removeHandler(handler)
    return captured[0]


def test_a_403_loses_its_traceback_but_keeps_its_line():
    record = _record(403, PermissionDenied())
    assert record.exc_info
    assert RefusalWithoutTraceback().filter(record) is True
    assert record.exc_info is None
    assert "refused: /x/" in logging.Formatter().format(record)
    assert "Traceback" not in logging.Formatter().format(record)


def test_a_500_keeps_its_traceback():
    record = _record(500, ValueError("boom"))
    RefusalWithoutTraceback().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_the_console_handler_of_the_settings_drops_a_refusals_traceback():
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    assert any(isinstance(f, RefusalWithoutTraceback) for f in handler.filters)
