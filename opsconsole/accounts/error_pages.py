"""Error pages in the console's layout: a one-line log for 403, and no technical 404 page for participants."""
import logging

from django.conf import settings
from django.shortcuts import render


class OneLineForbidden(logging.Filter):
    """A refused request is routine (a participant opening a staff page): log its line without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = record.exc_text = None
        return True


class ConsoleNotFoundMiddleware:
    """Under DEBUG (make run), Django answers a 404 with its technical page, which lists every URL pattern.

    Staff keep it for debugging; anyone else gets the console's own 404 page, as without DEBUG.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (settings.DEBUG and response.status_code == 404 and response.get("Content-Type", "").startswith("text/html")
                and not getattr(request.user, "is_staff_member", False)):
            return render(request, "404.html", {"request_path": request.path}, status=404)
        return response
