"""The participant portal: sign in (account or one-time code), register this device, manage only one's own devices."""
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.core.client_address import client_address

from .forms import PortalDeviceForm
from .mac import is_locally_administered
from .models import Device, NeighbourEntry, Participant, PortalRegistration, RegistrationSettings, SignInCode, Source
from .views import remove_after_confirmation

SESSION_KEY = "portal_participant"
NEIGHBOUR_FRESH = timedelta(minutes=15)
RATE_WINDOW = timedelta(hours=1)
PORTAL = "/portal/"


def portal_participant(request) -> Participant | None:
    if request.user.is_authenticated and request.user.is_participant:
        found = Participant.objects.filter(user=request.user).first()
        if found:
            return found
    pk = request.session.get(SESSION_KEY)
    # A code's session ends with the participant's event, like the code itself.
    return Participant.objects.filter(pk=pk, active_until__gt=timezone.now()).first() if pk else None


def participant_required(view):
    def wrapped(request, *args, **kwargs):
        participant = portal_participant(request)
        if participant is None:
            return redirect(f"{PORTAL}sign-in/")
        return view(request, participant, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def detected_mac(address: str) -> str | None:
    """The MAC the gateways last saw at ADDRESS (neighbour table or lease), if seen recently."""
    entry = (
        NeighbourEntry.objects.filter(ip=address, seen_at__gte=timezone.now() - NEIGHBOUR_FRESH).order_by("-seen_at").first()
        if address else None
    )
    return entry.mac if entry else None


def rate_limited(participant: Participant, address: str) -> bool:
    """Call inside the transaction that registers: locking the settings row makes portal registrations take turns,
    so parallel requests cannot all count the same number of recent registrations."""
    RegistrationSettings.load()
    limit = RegistrationSettings.objects.select_for_update().get(pk=1).portal_registrations_per_hour
    recent = PortalRegistration.objects.filter(at__gte=timezone.now() - RATE_WINDOW)
    return (
        recent.filter(participant=participant).count() >= limit
        or recent.filter(source_address=address).count() >= limit
    )


def redeem(request, code: str) -> bool:
    """Use up CODE if it is unused, unexpired and its participant's event is still on, and give the session to its
    participant first, so the trail records that participant as the one who used it."""
    now = timezone.now()
    with transaction.atomic():
        found = SignInCode.objects.select_for_update().filter(
            code=code, used_at=None, expires_at__gt=now, participant__active_until__gt=now).first()
        if found is None:
            return False
        request.session.cycle_key()
        request.session[SESSION_KEY] = found.participant_id
        found.used_at = now
        found.save(update_fields=["used_at"])
    return True


def sign_in(request):
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip().upper().replace(" ", "").replace("-", "")
        # Throttled like the password sign-ins (django-axes): a code names no account, so failures count per address.
        if AxesProxyHandler.is_allowed(request, {}) and redeem(request, code):
            return redirect(PORTAL)
        # Axes records the failure and, at the limit, the middleware answers with the lockout page instead.
        user_login_failed.send(sender=__name__, credentials={}, request=request)
        error = _("This code is unknown, used already or expired. Ask the helpdesk for a new one.")
    return render(request, "registration/portal/sign_in.html", {"error": error}, status=400 if error else 200)


@participant_required
def home(request, participant: Participant):
    address = client_address(request)
    mac = detected_mac(address)
    mine = participant.devices.prefetch_related("vlans")
    return render(request, "registration/portal/home.html", {
        "participant": participant, "devices": mine, "detected": mac, "address": address,
        "detected_is_mine": mac is not None and any(d.mac == mac for d in mine),
        "form": PortalDeviceForm(initial={"mac": mac or ""}),
    })


@participant_required
@require_POST
@transaction.atomic
def register(request, participant: Participant):
    address = client_address(request)
    if rate_limited(participant, address):
        messages.error(request, _("Too many registrations in the last hour from you or from this address; try again later or ask the helpdesk."))
        return redirect(PORTAL)
    data = request.POST.copy()
    if data.get("this_device"):
        # Never trust a posted MAC for "this device": look it up again from the connection.
        data["mac"] = detected_mac(address) or ""
        if not data["mac"]:
            messages.error(request, _("We could not see this device's MAC address; enter it by hand (see how to find it)."))
            return redirect(f"{PORTAL}find-mac/")
    form = PortalDeviceForm(data, instance=Device(participant=participant, source=Source.SELF_SERVICE,
                                                  registered_by=request.user if request.user.is_authenticated else None))
    device = form.save_registration()
    if device is None:
        return render(request, "registration/portal/home.html", {
            "participant": participant, "devices": participant.devices.all(), "form": form, "detected": detected_mac(address),
        }, status=400)
    PortalRegistration.objects.create(participant=participant, source_address=address or "::")
    messages.success(request, _("Registered %(mac)s.") % {"mac": device.mac})
    if is_locally_administered(device.mac):
        messages.warning(request, _("This is a private (randomised) address; see below how to keep it fixed for this network."))
        return redirect(f"{PORTAL}?os={device.os}#private-address")
    return redirect(PORTAL)


def _own_device(participant: Participant, pk: int) -> Device:
    return get_object_or_404(Device, pk=pk, participant=participant)


@participant_required
def device_edit(request, participant: Participant, pk: int):
    device = _own_device(participant, pk)
    form = PortalDeviceForm(request.POST or None, instance=device)
    if request.method == "POST" and form.save_registration() is not None:
        return redirect(PORTAL)
    return render(request, "registration/portal/device.html", {"form": form, "device": device}, status=400 if form.errors else 200)


@participant_required
def device_remove(request, participant: Participant, pk: int):
    return remove_after_confirmation(request, _own_device(participant, pk), PORTAL)


def find_mac(request):
    return render(request, "registration/portal/find_mac.html")


@require_POST
def sign_out(request):
    logout(request)  # the whole session: a code sign-in, an account sign-in and anything else kept in it
    return redirect(f"{PORTAL}sign-in/")
