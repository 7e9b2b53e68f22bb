"""The helpdesk's CSV import: upload, preview every row with its errors, then import all or nothing."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from opsconsole.accounts.access import staff_required

from .forms import CsvImportForm
from .importer import COLUMNS, import_csv


@staff_required
def csv_import(request):
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "registration/import.html", {"form": form, "columns": COLUMNS}, status=400 if form.errors else 200)
    text = form.csv_text()
    commit = "confirm" in request.POST
    result = import_csv(text, request.user, commit=commit)
    if commit and not result.errors:
        messages.success(request, _("Imported %(p)s participants and %(d)s devices.") % {"p": result.participants, "d": result.devices})
        return redirect("/registration/")
    return render(request, "registration/import.html", {
        "form": CsvImportForm(initial={"content": text}), "columns": COLUMNS, "result": result, "content": text,
    }, status=400 if result.errors else 200)
