"""RADIUS pages: who is online, where (helpdesk and NOC); a participant's own sessions (portal)."""
from django.shortcuts import render

from opsconsole.accounts.access import staff_required
from opsconsole.registration.models import Participant
from opsconsole.registration.portal import participant_required

from .sessions import online_sessions, participant_sessions, session_counts


@staff_required
def sessions(request):
    return render(request, "radius/sessions.html", {"sessions": online_sessions(), "counts": session_counts()})


@participant_required
def my_sessions(request, participant: Participant):
    """The participant's own devices' sessions, open and closed: where their devices are (or were) online."""
    return render(request, "radius/portal_sessions.html", {"sessions": participant_sessions(participant)})
