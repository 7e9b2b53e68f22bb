"""The audit page's filters: who, what, which action, between which dates, and a free-text search."""
import json

from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .describe import kind_name
from .models import AuditEntry


class TrailFilter(forms.Form):
    who = forms.CharField(label=_("Who"), required=False, max_length=150)
    what = forms.ChoiceField(label=_("What"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("any")), *AuditEntry.Action.choices])
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False, max_length=200, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("object, person, address or any value before or after")}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        kinds = sorted(((object_type, kind_name(object_type)) for object_type in recorded), key=lambda kind: kind[1])
        self.fields["what"].choices = [("", _("anything")), *kinds]

    def entries(self) -> QuerySet[AuditEntry]:
        """The entries the valid filters let through; an invalid one is shown with its error and left out."""
        self.is_valid()
        given = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        entries = AuditEntry.objects.all()
        if "who" in given:
            entries = entries.filter(actor_label__icontains=given["who"])
        if "what" in given:
            entries = entries.filter(object_type=given["what"])
        if "action" in given:
            entries = entries.filter(action=given["action"])
        if "since" in given:
            entries = entries.filter(at__date__gte=given["since"])
        if "until" in given:
            entries = entries.filter(at__date__lte=given["until"])
        if "q" in given:
            entries = _search(entries, given["q"])
        return entries


def _search(entries: QuerySet[AuditEntry], text: str) -> QuerySet[AuditEntry]:
    matches = Q(object_repr__icontains=text) | Q(actor_label__icontains=text) | Q(remote_addr__icontains=text)
    # Values are searched in their stored JSON text, where quotes are escaped and, on SQLite, non-ASCII is too.
    for written in {text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}:
        matches |= Q(before_text__icontains=written) | Q(after_text__icontains=written)
    return entries.alias(before_text=Cast("before", TextField()), after_text=Cast("after", TextField())).filter(matches)
