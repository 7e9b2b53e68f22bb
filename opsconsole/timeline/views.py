"""The timeline page (NOC and helpdesk), the NOC's notes, and the CSV export."""
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import noc_required, staff_required
from opsconsole.audit.views import csv_download

from .entries import add_noc_note
from .forms import NoteForm, TimelineFilter

PAGE_SIZE = 100


@staff_required
def timeline(request):
    filters = TimelineFilter(request.GET)
    page = Paginator(filters.entries(), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "timeline/timeline.html", {"filters": filters, "page": page, "query": kept.urlencode(),
                                                      "note_form": NoteForm()})


@noc_required
@require_POST
def add_note(request):
    form = NoteForm(request.POST)
    if form.is_valid():
        add_noc_note(form.cleaned_data["text"], form.cleaned_data["subject"], request.user.get_username())
        return redirect("timeline:timeline")
    filters = TimelineFilter()
    page = Paginator(filters.entries(), PAGE_SIZE).get_page(1)
    return render(request, "timeline/timeline.html", {"filters": filters, "page": page, "query": "",
                                                      "note_form": form}, status=400)


@staff_required
def export(request):
    entries = TimelineFilter(request.GET).entries()
    rows = ([timezone.localtime(entry.at).isoformat(timespec="seconds"), entry.get_kind_display(), entry.subject,
             entry.text, entry.author] for entry in entries.iterator(chunk_size=500))
    return csv_download("timeline", [_("When"), _("Kind"), _("About"), _("What happened"), _("By")], rows)
