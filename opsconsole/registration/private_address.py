"""How to keep a private (randomised) Wi-Fi address fixed for this network, per operating system, the reader's own first."""
from django.utils.translation import gettext_lazy as _

from .models import OperatingSystem

STEPS = {
    OperatingSystem.IOS: _("Settings > Wi-Fi > (i) next to the network > Private Wi-Fi Address: Off"),
    OperatingSystem.ANDROID: _("Settings > Network & internet > Wi-Fi > the network > Privacy > Use device MAC"),
    OperatingSystem.WINDOWS: _("Settings > Network & internet > Wi-Fi > the network's properties > Random hardware addresses: Off"),
    OperatingSystem.MACOS: _("System Settings > Wi-Fi > Details… next to the network > Private Wi-Fi address: Off"),
}
# Checked in order: an Android User-Agent also says "Linux", an iPad's may say "Macintosh".
_USER_AGENT_MARKS = (
    (("iPhone", "iPad", "iPod"), OperatingSystem.IOS),
    (("Android",), OperatingSystem.ANDROID),
    (("Windows",), OperatingSystem.WINDOWS),
    (("Macintosh", "Mac OS X"), OperatingSystem.MACOS),
    (("Linux", "X11"), OperatingSystem.LINUX),
)


def os_from_user_agent(user_agent: str) -> str | None:
    return next((os for marks, os in _USER_AGENT_MARKS if any(mark in user_agent for mark in marks)), None)


def steps_for(first: str | None) -> list[tuple[str, str]]:
    """(operating system, steps) for each system that randomises addresses, FIRST's at the top."""
    ordered = sorted(STEPS, key=lambda os: os != first)
    return [(OperatingSystem(os).label, STEPS[os]) for os in ordered]


def chosen_os(request) -> str | None:
    """The system the person named (`?os=`, after registering such an address) if it has steps, or else the one
    they browse with."""
    named = request.GET.get("os")
    return named if named in STEPS else os_from_user_agent(request.headers.get("User-Agent", ""))
