"""The events timeline over the API: staff read it with the page's filters; the NOC adds notes, as on the page."""
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from opsconsole.timeline.entries import add_noc_note
from opsconsole.timeline.forms import NoteForm, entries_matching
from opsconsole.timeline.models import TimelineEntry

from .base import NOC, ModelCleanSerializer, ModelViewSet


class TimelineEntrySerializer(ModelCleanSerializer):
    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "kind", "subject", "text", "author"]
        read_only_fields = ["at", "kind", "author"]
        extra_kwargs = {"text": {"max_length": NoteForm.base_fields["text"].max_length}}

    def prepare(self, instance: TimelineEntry, extra: dict) -> None:
        instance.kind = TimelineEntry.Kind.NOTE
        instance.author = self.context["request"].user.get_username()

    def create(self, validated_data: dict) -> TimelineEntry:
        note = self._cleaned
        return add_noc_note(note.text, note.subject, note.author)


class TimelineEntryFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=TimelineEntry.Kind.choices)
    since = filters.DateFilter(label=_("from this day on"))
    until = filters.DateFilter(label=_("up to this day"))
    q = filters.CharFilter(max_length=200, label=_("text in the subject, the text or the author"))

    class Meta:
        model = TimelineEntry
        fields = ["kind", "since", "until", "q"]

    def filter_queryset(self, queryset):
        return entries_matching(queryset, **self.form.cleaned_data)


class TimelineEntryViewSet(ModelViewSet):
    """Entries newest first: pushes, alerts, nodes up or down, plan changes and the NOC's notes."""

    queryset = TimelineEntry.objects.all()
    serializer_class = TimelineEntrySerializer
    filterset_class = TimelineEntryFilter
    write_roles = NOC
    http_method_names = ["get", "post", "head"]
