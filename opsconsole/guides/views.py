"""Setup guides: anyone reads them in their language (filtered by system); the NOC writes them."""
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from opsconsole.accounts.access import noc_required
from opsconsole.registration.models import DhcpService, OperatingSystem

from .forms import GuideForm
from .models import Guide
from .text import blocks


def dns64_resolver() -> str:
    for servers in DhcpService.objects.values_list("dns_servers6", flat=True):
        if servers:
            return servers[0]
    return _("(the DNS64 resolver address the helpdesk gives you)")


def guide_list(request):
    chosen = request.GET.get("os", "")
    guides = Guide.objects.all()
    if chosen in OperatingSystem.values:
        guides = guides.filter(os=chosen)
    else:
        chosen = ""
    return render(request, "guides/list.html", {"guides": guides, "systems": OperatingSystem.choices, "chosen": chosen})


def guide_detail(request, slug: str):
    guide = get_object_or_404(Guide, slug=slug)
    return render(request, "guides/detail.html", {"guide": guide, "blocks": blocks(guide.body, dns64_resolver())})


@noc_required
def guide_edit(request, slug: str | None = None):
    guide = get_object_or_404(Guide, slug=slug) if slug else None
    form = GuideForm(request.POST or None, instance=guide)
    if request.method == "POST" and form.is_valid():
        guide = form.save()
        return redirect("guides:detail", slug=guide.slug)
    return render(request, "guides/edit.html", {"form": form, "guide": guide}, status=400 if form.errors else 200)
