"""The audit page (NOC only): the trail filtered and searched, page by page or as one CSV file."""
import csv
from collections.abc import Iterable

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from opsconsole.accounts.access import noc_required

from .forms import TrailFilter
from .models import AuditEntry

PAGE_SIZE = 50
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@noc_required
def trail(request):
    filters = TrailFilter(request.GET)
    page = Paginator(filters.entries(), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "audit/trail.html", {"filters": filters, "page": page, "query": kept.urlencode()})


def spreadsheet_safe(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def csv_download(stem: str, header: list[str], rows: Iterable[list[str]]) -> HttpResponse:
    """A CSV file named STEM-date-time.csv, every cell safe to open in a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localtime():%Y%m%d-%H%M}.csv"'
    response.write("\ufeff")  # so that Excel, Japanese Excel included, reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(map(spreadsheet_safe, row))
    return response


@noc_required
def export(request):
    entries = TrailFilter(request.GET).entries()
    header = [_("When"), _("Who"), _("From"), _("Through"), _("Action"), _("What"), _("Object"), _("Changes")]
    return csv_download("audit", header, (_row(entry) for entry in entries.iterator(chunk_size=500)))


def _row(entry: AuditEntry) -> list[str]:
    return [timezone.localtime(entry.at).isoformat(timespec="seconds"), entry.actor_label, entry.remote_addr or "",
            entry.via, entry.get_action_display(), entry.kind, entry.object_repr, "\n".join(entry.changes)]
