"""The timeline's filters (kind, dates, text) and the NOC's note."""
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import TimelineEntry


class TimelineFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *TimelineEntry.Kind.choices])
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("node, text or author")}))

    def entries(self) -> QuerySet[TimelineEntry]:
        """The entries the valid filters let through; an invalid one is shown with its error and left out."""
        self.is_valid()
        return entries_matching(TimelineEntry.objects.all(), **getattr(self, "cleaned_data", {}))


def entries_matching(entries: QuerySet[TimelineEntry], kind="", since=None, until=None,
                     q="") -> QuerySet[TimelineEntry]:
    """The page's filters and the API's: the kind, the first and last day, and text in the subject, text or author."""
    if kind:
        entries = entries.filter(kind=kind)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    if q:
        entries = entries.filter(Q(subject__icontains=q) | Q(text__icontains=q) | Q(author__icontains=q))
    return entries


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    subject = forms.CharField(label=_("About"), max_length=200, required=False,
                              help_text=_("A node, an SSID or a place, if the note is about one."))
