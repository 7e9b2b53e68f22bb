"""Every signed-in person's page for personal API tokens: make one (shown once, on that answer only), see when each
was last used, revoke one."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import ApiToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


def _page(request, form: TokenForm, new_token: str = "", status: int = 200):
    response = render(request, "api/tokens.html", {
        "tokens": request.user.api_tokens.all(), "form": form, "new_token": new_token}, status=status)
    response["Cache-Control"] = "no-store"  # the page that shows a new token must not stay in any cache
    return response


@login_required
def tokens(request):
    return _page(request, TokenForm())


@login_required
@require_POST
def create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    _row, token = ApiToken.issue(request.user, form.cleaned_data["name"])
    return _page(request, TokenForm(), new_token=token)


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, _("Revoked the API token %(name)s; requests with it are refused from now on.")
                     % {"name": token})
    return redirect("api-tokens:list")
