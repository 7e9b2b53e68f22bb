"""A database or Redis that drops away mid-request is a passing outage: the client is told to try again shortly,
with a plain message, instead of a bare server error that leaves it guessing whether anything was saved."""
import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
OUTAGES = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError, BrokerError)


class OutageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGES):
            return None
        log.warning("%s %s answered 503: %s: %s", request.method, request.path, type(exception).__name__, exception)
        response = HttpResponse(
            _("The console lost its database or queue for a moment. Nothing is lost: send the same request again in "
              "a few seconds."), status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
