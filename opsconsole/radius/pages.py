"""RADIUS pages for the helpdesk and the NOC: who is online, where."""
from django.shortcuts import render

from opsconsole.accounts.access import staff_required

from .sessions import online_sessions, session_counts


@staff_required
def sessions(request):
    return render(request, "radius/sessions.html", {"sessions": online_sessions(), "counts": session_counts()})
