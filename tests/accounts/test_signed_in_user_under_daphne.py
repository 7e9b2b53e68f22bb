"""A change to a person made by another process (here the test's) reaches the web process within FRESH_SECONDS."""
import time

import pytest

from opsconsole.accounts.models import Role
from opsconsole.accounts.signed_in import FRESH_SECONDS
from tests.conftest import PASSWORD
from tests.e2e.stack import Noc, web_process

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def web(tmp_path):
    with web_process(tmp_path / "console") as console:
        yield console


def test_a_role_change_elsewhere_reaches_the_web_process_within_the_fresh_time(web, noc_user):
    noc = Noc(web.url, noc_user.username, PASSWORD)
    try:
        for _ in range(3):  # read, and then kept
            assert noc.client.get("/audit/").status_code == 200
        noc_user.role = Role.HELPDESK
        noc_user.save()
        changed = time.monotonic()
        while noc.client.get("/audit/").status_code == 200:
            assert time.monotonic() - changed < FRESH_SECONDS + 2, "the web process kept the NOC role too long"
            time.sleep(0.1)
        assert noc.client.get("/registration/").status_code == 200  # still signed in, now as helpdesk
    finally:
        noc.close()
