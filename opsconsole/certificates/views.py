"""The helpdesk's certificate actions and the public CA certificate and CRL."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import staff_required
from opsconsole.registration.models import Device

from . import authority
from .forms import CertificateRequestForm, ExpiringForm
from .issuing import Download, current_crl, issue_for_device
from .models import CertificateAuthority, IssuedCertificate, Kind, RevocationReason

EXPIRY_WARNING_DAYS = 14


def attachment(download: Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "no-store"  # it holds a private key
    return response


def issue_response(request, device: Device, form: CertificateRequestForm) -> HttpResponse | None:
    """The download of a new certificate for `device`, or None with the reason in the messages."""
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return None
    try:
        download = issue_for_device(device, password=form.cleaned_data["password"],
                                    file_format=form.cleaned_data["file_format"],
                                    issued_by=request.user if request.user.is_authenticated else None)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    return attachment(download)


def revoke_on_request(request, certificate: IssuedCertificate) -> None:
    if certificate.revoked_at is None:
        certificate.revoke(RevocationReason.REQUESTED)
        messages.success(request, _("Revoked the certificate of %(mac)s.") % {"mac": certificate.device_mac})


def ca_certificate(request):
    return HttpResponse(CertificateAuthority.load().certificate, content_type="application/x-x509-ca-cert")


def revocation_list(request):
    return HttpResponse(authority.pem(current_crl()), content_type="application/x-pem-file")


@staff_required
@require_POST
def reissue(request, pk: int):
    """Helpdesk: a new certificate for this device (the old one revoked), handed to the participant as a file."""
    device = get_object_or_404(Device, pk=pk)
    response = issue_response(request, device, CertificateRequestForm(request.POST))
    return response or redirect("registration:participant", pk=device.participant_id)


@staff_required
@require_POST
def revoke(request, pk: int):
    certificate = get_object_or_404(IssuedCertificate, pk=pk, kind=Kind.CLIENT)
    revoke_on_request(request, certificate)
    if certificate.participant_id is None:
        return redirect("certificates:expiring")
    return redirect("registration:participant", pk=certificate.participant_id)


@staff_required
def expiring(request):
    form = ExpiringForm(request.GET)
    days = (form.cleaned_data["days"] if form.is_valid() else None) or EXPIRY_WARNING_DAYS
    certificates = (IssuedCertificate.objects.expiring_within(days).select_related("participant", "device")
                    .order_by("not_after"))
    return render(request, "certificates/expiring.html", {"certificates": certificates, "days": days})
