"""Sign-in landing: send each role to the page it works from."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .models import Role


@login_required
def home(request):
    if request.user.role == Role.PARTICIPANT:
        return redirect("portal:home")
    if request.user.role == Role.HELPDESK:
        return redirect("registration:desk")
    return redirect("dashboard:home")


@login_required
def me(request):
    return render(request, "accounts/me.html", {"person": request.user})
