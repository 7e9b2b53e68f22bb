"""Binds the current request to every change made while serving it (page, API or admin)."""
from .context import acting_as


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(request):
            return self.get_response(request)
