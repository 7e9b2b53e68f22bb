"""Plan fixtures: the WIDE camp 2011 demo plan, loaded through the importer."""
import pytest

from opsconsole.plan.yamlio import demo_plan, import_plan


@pytest.fixture
def wide_plan(db):
    import_plan(demo_plan("wide-camp-2011"))
