"""Operations console for IPv6-only transition networks."""
from .celery import app as celery_app

__all__ = ["celery_app"]
