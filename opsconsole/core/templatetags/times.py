"""How every page shows a moment: relative words a person reads at a glance, the exact local time and zone on hover."""
from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(moment: datetime | None) -> str:
    """`<time>` saying "3 minutes ago" (or "2 days from now"), titled with the full local time and its zone."""
    if moment is None:
        return "—"  # localtime(None) would be now: never show a missing time as the present
    local = timezone.localtime(moment)
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(timespec="seconds"),
                       local.strftime("%Y-%m-%d %H:%M:%S %Z"), naturaltime(moment))
