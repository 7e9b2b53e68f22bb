from django import template
from django.middleware.csrf import get_token

from ..forms import CertificateRequestForm
from ..models import IssuedCertificate, Kind
from ..views import EXPIRY_WARNING_DAYS

register = template.Library()


@register.inclusion_tag("certificates/_expiry_banner.html")
def certificate_expiry_banner(participant) -> dict:
    expiring = IssuedCertificate.objects.expiring_within(EXPIRY_WARNING_DAYS).filter(participant=participant, kind=Kind.CLIENT)
    return {"expiring": expiring.order_by("not_after")}


@register.inclusion_tag("certificates/_participant.html", takes_context=True)
def participant_certificates(context, participant) -> dict:
    request = context["request"]
    return {
        "participant": participant, "csrf_token": get_token(request), "form": CertificateRequestForm(auto_id=False),
        "devices": participant.devices.all(),
        "certificates": participant.certificates.filter(kind=Kind.CLIENT).select_related("device")[:50],
    }
