from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("opsconsole.accounts.urls")),
    path("plan/", include("opsconsole.plan.urls")),
    path("transition/", include("opsconsole.transition.urls")),
    path("nodes/", include("opsconsole.nodes.urls")),
    path("api/nodes/", include("opsconsole.nodes.api_urls")),
    path("audit/", include("opsconsole.audit.urls")),
    path("registration/", include("opsconsole.registration.urls")),
    path("portal/", include("opsconsole.registration.portal_urls")),
    path("portal/certificates/", include("opsconsole.certificates.portal_urls")),
    path("portal/sessions/", include("opsconsole.radius.portal_urls")),
    path("certificates/", include("opsconsole.certificates.urls")),
    path("radius/", include("opsconsole.radius.urls")),
    path("selftest/", include("opsconsole.selftest.urls")),
    path("guides/", include("opsconsole.guides.urls")),
    path("support/", include("opsconsole.support.urls")),
    path("portal/trouble/", include("opsconsole.support.portal_urls")),
    path("survey/", include("opsconsole.survey.urls")),
    path("portal/survey/", include("opsconsole.survey.portal_urls")),
    path("timeline/", include("opsconsole.timeline.urls")),
    path("alerts/", include("opsconsole.alerts.urls")),
    path("", include("opsconsole.metrics.urls")),
    path("diagnostics/", include("opsconsole.diagnostics.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
