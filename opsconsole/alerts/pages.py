"""What the alerts page and the dashboard's panel show."""
from django.db.models import QuerySet

from .models import Alert

PANEL_SIZE = 20


def open_alerts_query() -> QuerySet[Alert]:
    return Alert.objects.filter(cleared_at=None).order_by("-raised_at", "-id")


def open_alerts() -> dict:
    alerts = open_alerts_query()
    return {"alerts": list(alerts[:PANEL_SIZE]), "open_count": alerts.count()}
