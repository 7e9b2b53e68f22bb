"""The participant's certificates in the portal: get one per device, "I forgot my certificate", revoke, set-up steps."""
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from opsconsole.registration.models import Participant
from opsconsole.registration.portal import participant_required

from .forms import CertificateRequestForm
from .issuing import eap_tls_ssids, new_wifi_password, wifi_password_ssids
from .models import CertificateAuthority, IssuedCertificate, Kind, WifiPassword
from .views import issue_response, revoke_on_request


@participant_required
def certificates(request, participant: Participant):
    devices = participant.devices.prefetch_related("certificates")
    rows = [{"device": device, "current": device.certificates.valid().first(),
             "form": CertificateRequestForm(auto_id=f"id_%s_{device.pk}")} for device in devices]
    return render(request, "certificates/portal.html", {
        "participant": participant, "rows": rows,
        "ca": CertificateAuthority.load(), "ssids": [essid for essid, _hidden in eap_tls_ssids()],
        "wifi_password": WifiPassword.objects.filter(participant=participant).first(),
        "password_ssids": wifi_password_ssids(),
    })


@participant_required
@require_POST
def issue(request, participant: Participant, pk: int):
    device = get_object_or_404(participant.devices, pk=pk)
    return issue_response(request, device, CertificateRequestForm(request.POST)) or redirect("certificates-portal:list")


@participant_required
@require_POST
def revoke(request, participant: Participant, pk: int):
    certificate = get_object_or_404(IssuedCertificate, pk=pk, participant=participant, kind=Kind.CLIENT)
    revoke_on_request(request, certificate)
    return redirect("certificates-portal:list")


@participant_required
@require_POST
def wifi_password(request, participant: Participant):
    """Shown once, on this response only; the console keeps its NT hash. Only where the plan takes one."""
    ssids = wifi_password_ssids()
    if not ssids:
        raise Http404
    username, password = new_wifi_password(participant)
    response = render(request, "certificates/wifi_password.html", {
        "username": username, "password": password, "ca": CertificateAuthority.load(), "ssids": ssids,
    })
    response["Cache-Control"] = "no-store"
    return response
