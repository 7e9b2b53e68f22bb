from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("opsconsole.accounts.urls")),
    path("plan/", include("opsconsole.plan.urls")),
    path("transition/", include("opsconsole.transition.urls")),
    path("nodes/", include("opsconsole.nodes.urls")),
    path("api/nodes/", include("opsconsole.nodes.api_urls")),
    path("api/", include("opsconsole.api.urls")),
    path("me/api-tokens/", include("opsconsole.api.token_urls")),
    path("audit/", include("opsconsole.audit.urls")),
    path("registration/", include("opsconsole.registration.urls")),
    path("portal/", include("opsconsole.registration.portal_urls")),
    path("portal/certificates/", include("opsconsole.certificates.portal_urls")),
    path("certificates/", include("opsconsole.certificates.urls")),
    path("radius/", include("opsconsole.radius.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
