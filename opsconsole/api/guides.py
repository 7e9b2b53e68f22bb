"""Setup guides over the API: everyone with a token reads them; the NOC writes them, as on the guide pages."""
from opsconsole.guides.forms import GuideForm
from opsconsole.guides.models import Guide

from .base import EVERYONE, ModelCleanSerializer, ModelViewSet, filter_set


class GuideSerializer(ModelCleanSerializer):
    class Meta:
        model = Guide
        fields = ["id", *GuideForm._meta.fields]


class GuideViewSet(ModelViewSet):
    queryset = Guide.objects.all()
    serializer_class = GuideSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = filter_set(Guide, "os", "topic")
    read_roles = EVERYONE
    http_method_names = ["get", "post", "put", "patch", "head"]  # as on the pages, no deleting

    def get_queryset(self):
        return self.queryset.all()  # everyone's, not narrowed to a participant's own
