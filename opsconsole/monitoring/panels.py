"""The NOC dashboard is a list of panels; each app registers its own (in its AppConfig.ready) and the dashboard
renders them in order, first on page load and again, with the same template, whenever one of its topics changes."""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str  # its HTML id, unique
    template: str  # rendered with the context below; the same template serves the page and every delta
    context: Callable[[], dict]  # fresh data from the database
    topics: tuple[str, ...]  # live topics (monitoring.live.TOPICS) after which it is rendered again
    order: int = 100
    public: bool = False  # aggregates only, nothing personal: may appear on the anonymous wall view


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.name] = panel


def panels(public_only: bool = False) -> list[Panel]:
    chosen = [panel for panel in _panels.values() if panel.public or not public_only]
    return sorted(chosen, key=lambda panel: (panel.order, panel.name))
