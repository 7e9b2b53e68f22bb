"""One rendering of the panels for the page, the wall and every live delta: the same templates, in one language."""
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from opsconsole.monitoring.panels import Panel, panels


def render_panels(chosen: list[Panel], oob: bool = False) -> SafeString:
    """Each panel in its section (id = the panel's name); `oob` marks them as htmx out-of-band swaps."""
    return mark_safe("".join(
        render_to_string("dashboard/_panel.html", {**panel.context(), "dashboard_panel": panel, "oob": oob})
        for panel in chosen))


def panels_named(names) -> list[Panel]:
    return [panel for panel in panels() if panel.name in names]


def panels_for_topics(topics) -> list[Panel]:
    """The panels one of these topics re-renders, in page order."""
    return [panel for panel in panels() if set(panel.topics) & set(topics)]


def render_in(language: str, names: tuple[str, ...]) -> str:
    with translation.override(language):
        return render_panels(panels_named(names), oob=True)
