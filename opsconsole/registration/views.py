"""The helpdesk desk: find a participant as you type, see why a device cannot connect, register, edit, remove, extend."""
import functools
import operator

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsconsole.accounts.access import noc_required, staff_required
from opsconsole.radius.outcomes import participant_radius

from .forms import DeviceForm, ExtendForm, ParticipantForm, RegistrationSettingsForm
from .mac import is_locally_administered, search_digits
from .models import SIGN_IN_CODE_HOURS, STATE_BADGE, Device, NeighbourEntry, Participant, RegistrationSettings
from .models import SignInCode, Source
from .plan_view import registration_vlans
from .private_address import steps_for

SEARCH_LIMIT = 25


def search_participants(query: str) -> list[dict]:
    """The first SEARCH_LIMIT matches in name order, each with its MACs: one query, read as plain rows, since the
    desk's busiest page would otherwise pay a round trip and a model instance per participant and device."""
    query = query.strip()
    if not query:
        return []
    fragments = [query.lower()]
    digits = search_digits(query)
    if digits:
        fragments.append(digits)
    with connection.cursor() as cursor:
        cursor.execute(search_statement(len(fragments)),
                       [f"%{connection.ops.prep_for_like_query(fragment)}%" for fragment in fragments])
        rows = cursor.fetchall()
    people: dict[int, dict] = {}
    for pk, name, affiliation, email, mac in rows:
        person = people.setdefault(pk, {"pk": pk, "name": name, "affiliation": affiliation, "email": email, "macs": []})
        if mac:
            person["macs"].append(mac)
    return list(people.values())


@functools.cache
def search_statement(fragment_count: int) -> str:
    """The search's SQL for a number of fragments, compiled by the ORM once per process: compiling it again for
    every keystroke cost a third of the search. Its parameters are the fragments as `contains` passes them."""
    sentinels = [f"fragment{number}" for number in range(fragment_count)]
    matches = functools.reduce(operator.or_, (Q(search_text__contains=sentinel) for sentinel in sentinels))
    first = Participant.objects.filter(matches).values("pk")[:SEARCH_LIMIT]
    rows = (Participant.objects.filter(pk__in=first).order_by("name", "pk", "devices__mac")
            .values_list("pk", "name", "affiliation", "email", "devices__mac"))
    sql, parameters = rows.query.sql_with_params()
    if list(parameters) != [f"%{sentinel}%" for sentinel in sentinels]:
        raise ImproperlyConfigured(f"the participant search compiled to unexpected parameters: {parameters}")
    return sql


@staff_required
def desk(request):
    query = request.GET.get("q", "")
    context = {"query": query, "results": search_participants(query), "limit": SEARCH_LIMIT}
    template = "registration/_results.html" if request.headers.get("HX-Request") else "registration/desk.html"
    return render(request, template, context)


@staff_required
def participant_new(request):
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        participant = form.save()
        return redirect(f"/registration/participants/{participant.pk}/")
    return render(request, "registration/participant_form.html", {"form": form})


@staff_required
def participant_edit(request, pk: int):
    participant = get_object_or_404(Participant, pk=pk)
    form = ParticipantForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(f"/registration/participants/{participant.pk}/")
    return render(request, "registration/participant_form.html", {"form": form, "participant": participant})


def device_rows(participant: Participant) -> list[dict]:
    """Per device, its state on each VLAN that needs a registration: answers "why can't I connect"."""
    now = timezone.now()
    needing = registration_vlans()
    rows = []
    for device in participant.devices.prefetch_related("vlans"):
        state = device.state(now)
        registered = {vlan.pk for vlan in device.vlans.all()}
        vlans = [
            {"vlan": vlan, "ssids": ssids, "state": state if vlan.pk in registered else None,
             "badge": STATE_BADGE[state] if vlan.pk in registered else "bad"}
            for vlan, ssids in needing
        ]
        seen = NeighbourEntry.objects.filter(mac=device.mac).select_related("node").order_by("-seen_at").first()
        rows.append({"device": device, "state": state, "vlans": vlans, "randomised": is_locally_administered(device.mac), "seen": seen})
    return rows


def _participant_page(request, participant: Participant, form: DeviceForm, status: int = 200):
    return render(request, "registration/participant.html", {
        "participant": participant, "rows": device_rows(participant), "form": form,
        "event_over": participant.event_over(), "limit": RegistrationSettings.load().device_limit,
        "codes": participant.sign_in_codes.filter(used_at=None, expires_at__gt=timezone.now()),
        **participant_radius(participant),
    }, status=status)


@staff_required
def participant_detail(request, pk: int):
    participant = get_object_or_404(Participant, pk=pk)
    return _participant_page(request, participant, DeviceForm(instance=Device(participant=participant)))


def _warn_if_randomised(request, device: Device) -> None:
    if is_locally_administered(device.mac):
        messages.warning(request, _(
            "%(mac)s is a randomised (private) address: the device may use another one on another network or after a "
            "reset. Ask the participant to turn the private address off for this network: %(steps)s."
        ) % {"mac": device.mac, "steps": "; ".join(f"{system}: {how}" for system, how in steps_for(device.os))})


@staff_required
@require_POST
def device_register(request, pk: int):
    participant = get_object_or_404(Participant, pk=pk)
    form = DeviceForm(request.POST, instance=Device(participant=participant, source=Source.HELPDESK, registered_by=request.user))
    device = form.save_registration()
    if device is not None:
        messages.success(request, _("Registered %(mac)s.") % {"mac": device.mac})
        _warn_if_randomised(request, device)
        return redirect(f"/registration/participants/{participant.pk}/")
    return _participant_page(request, participant, form, status=400)


@staff_required
def device_edit(request, pk: int):
    device = get_object_or_404(Device.objects.select_related("participant"), pk=pk)
    form = DeviceForm(request.POST or None, instance=device)
    if request.method == "POST" and form.save_registration() is not None:
        _warn_if_randomised(request, device)
        return redirect(f"/registration/participants/{device.participant_id}/")
    return render(request, "registration/device_form.html", {"form": form, "device": device}, status=400 if form.errors else 200)


@staff_required
def device_remove(request, pk: int):
    device = get_object_or_404(Device.objects.select_related("participant"), pk=pk)
    back = reverse("registration:participant", kwargs={"pk": device.participant_id})
    return remove_after_confirmation(request, device, back)


def remove_after_confirmation(request, device: Device, back: str):
    """GET asks, POST removes: one click on a list must not take a device off the network."""
    if request.method != "POST":
        return render(request, "registration/device_remove.html", {"device": device, "back": back})
    device.delete()
    messages.success(request, _("Removed %(mac)s.") % {"mac": device.mac})
    return redirect(back)


@staff_required
@require_POST
def device_extend(request, pk: int):
    device = get_object_or_404(Device.objects.select_related("participant"), pk=pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Extend by a whole number of hours from 1 to 720."))
        return redirect(f"/registration/participants/{device.participant_id}/")
    now = timezone.now()
    with transaction.atomic():
        device.extend(form.cleaned_data["hours"], now)
    if device.participant.event_over(now) or device.expires_at > device.participant.active_until:
        messages.warning(request, _("The event of %(who)s ends %(end)s; edit the participant to register beyond it.") % {
            "who": device.participant, "end": timezone.localtime(device.participant.active_until).strftime("%Y-%m-%d %H:%M %Z")})
    return redirect(f"/registration/participants/{device.participant_id}/")


@staff_required
@require_POST
def sign_in_code(request, pk: int):
    participant = get_object_or_404(Participant, pk=pk)
    code = SignInCode.objects.create(participant=participant, expires_at=SignInCode.expiry())
    messages.success(request, _("Sign-in code for the portal: %(code)s (valid once, for %(hours)s hours). The participant "
                                "enters it at %(url)s") % {
        "code": code.code, "hours": SIGN_IN_CODE_HOURS, "url": request.build_absolute_uri(reverse("portal:sign-in"))})
    return redirect(f"/registration/participants/{participant.pk}/")


@noc_required
def limits(request):
    form = RegistrationSettingsForm(request.POST or None, instance=RegistrationSettings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("/registration/settings/")
    return render(request, "registration/settings.html", {"form": form})
