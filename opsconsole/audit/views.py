from django.core.paginator import Paginator
from django.shortcuts import render

from opsconsole.accounts.access import noc_required

from .models import AuditEntry


@noc_required
def trail(request):
    entries = AuditEntry.objects.select_related("actor")
    if object_type := request.GET.get("type"):
        entries = entries.filter(object_type=object_type)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"page": page})
