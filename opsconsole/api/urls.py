"""The REST API under /api/v1/ (one router line per resource), its OpenAPI schema and its browsable page.

/api/nodes/<name>/... stays the agents' own API: versioning the people's API keeps the two apart for good."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import alerts, diagnostics, guides, lockouts, metrics, monitoring, nodes, plan, radius, registration, support
from . import selftest, survey, timeline

router = SimpleRouter()
router.register("vlans", plan.VlanViewSet)
router.register("vlan-families", plan.VlanFamilyViewSet)
router.register("ssids", plan.SsidViewSet)
router.register("prefixes", plan.PrefixViewSet)
router.register("plan", plan.PlanViewSet, basename="plan")
router.register("participants", registration.ParticipantViewSet)
router.register("devices", registration.DeviceViewSet)
router.register("sign-in-codes", registration.SignInCodeViewSet)
router.register("registration-settings", registration.RegistrationSettingsViewSet)
router.register("nodes", nodes.NodeViewSet)
router.register("revisions", nodes.RevisionViewSet)
router.register("pushes", nodes.PushViewSet)
for slug, viewset in nodes.ROLE_RESOURCES.items():
    router.register(f"roles/{slug}", viewset, basename=f"role-{slug}")
router.register("nas", radius.NasViewSet)
router.register("sessions", radius.SessionViewSet)
router.register("certificates", radius.CertificateViewSet)
router.register("wifi-passwords", radius.WifiPasswordViewSet)
router.register("snmp-devices", monitoring.SnmpDeviceViewSet)
router.register("alerts", alerts.AlertViewSet)
router.register("alert-rules", alerts.AlertRuleViewSet)
router.register("notification-channels", alerts.NotificationChannelViewSet)
router.register("timeline", timeline.TimelineEntryViewSet)
router.register("trouble-reports", support.TroubleReportViewSet)
router.register("guides", guides.GuideViewSet)
router.register("scrape-tokens", metrics.ScrapeTokenViewSet)
router.register("lockouts", lockouts.LockoutViewSet, basename="lockout")
router.register("diagnostic-results", diagnostics.DiagnosticResultViewSet)
router.register("event-domains", diagnostics.EventDomainViewSet)
router.register("reverse-zones", diagnostics.ReverseZonesViewSet, basename="reverse-zones")
router.register("survey-questions", survey.QuestionViewSet)
router.register("survey-responses", survey.SurveyResponseViewSet)
router.register("self-test-results", selftest.SelfTestResultViewSet)

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
]
