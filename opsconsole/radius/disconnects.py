"""Ending sessions at their NAS (RFC 5176) when a device may no longer be on the network."""
from __future__ import annotations

import logging
import secrets
import socket
import time
from collections.abc import Iterable

from django.db import transaction

from opsconsole.registration.models import Device

from .live import tell_participant_page
from .models import DisconnectRequest, Nas, RadAcct
from .packets import DISCONNECT_ACK, Answer, disconnect_request, read_answer
from .sessions import nas_at

log = logging.getLogger("opsconsole.radius.disconnect")


def disconnect_sessions(macs: Iterable[str], trigger: DisconnectRequest.Trigger) -> list[DisconnectRequest]:
    """Ask for every open session of these devices (MACs, or a query of them) to end, once per session; sent after
    the caller's commit."""
    from .tasks import send_disconnect

    asked = DisconnectRequest.objects.values("session")
    sessions = RadAcct.objects.filter(acctstoptime=None, callingstationid__in=macs).exclude(radacctid__in=asked)
    nases = list(Nas.objects.all())
    participants = dict(Device.objects.filter(mac__in=macs).values_list("mac", "participant_id"))
    requests = []
    for session in sessions:
        nas = nas_at(session.nasipaddress, nases)
        if nas is None:
            log.warning("session %s of %s: no NAS at %s to disconnect it", session.radacctid, session.callingstationid,
                        session.nasipaddress)
            continue
        request = DisconnectRequest.objects.create(
            participant_id=participants.get(session.callingstationid), nas=nas, session=session.radacctid,
            acct_session_id=session.acctsessionid, nas_address=str(session.nasipaddress),
            user_name=session.username, mac=session.callingstationid, trigger=trigger,
        )
        transaction.on_commit(lambda pk=request.pk: send_disconnect.delay(pk))
        requests.append(request)
    return requests


def ask_nas(request: DisconnectRequest, timeout: float) -> Answer | None:
    """One Disconnect-Request to the NAS that reported the session; its answer, or None if none came in time."""
    secret = request.nas.secret.encode()
    packet = disconnect_request(secrets.randbelow(256), secret, request.nas_address, request.acct_session_id,
                                request.user_name, request.mac)
    family = socket.AF_INET6 if ":" in request.nas_address else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as udp:
        udp.sendto(packet, (request.nas_address, request.nas.coa_port))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            udp.settimeout(left)
            try:
                reply = udp.recv(4096)
            except (TimeoutError, ConnectionRefusedError):
                return None
            answer = read_answer(reply, packet, secret)
            if answer is not None:
                return answer
    return None


def record_answer(request: DisconnectRequest, answer: Answer | None, now) -> None:
    request.attempts += 1
    if answer is None:
        request.result = DisconnectRequest.Result.NO_ANSWER
    else:
        request.result = DisconnectRequest.Result.ACK if answer.code == DISCONNECT_ACK else DisconnectRequest.Result.NAK
        request.error_cause, request.answered_at = answer.error_cause, now
    request.save(update_fields=["attempts", "result", "error_cause", "answered_at"])
    if request.participant_id:
        transaction.on_commit(lambda: tell_participant_page(request.participant_id))
