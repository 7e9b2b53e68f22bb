"""Shared fixtures: one signed-in client per role, like healthchecks' test base; isolated Celery and Channels."""
import os

import pytest
from django.conf import settings
from django.utils import translation

from opsconsole.celery import app as celery_app

from opsconsole.accounts.models import Role, User

PASSWORD = "correct horse battery staple"

# Tests run tasks inline unless a test starts a real worker, and each xdist worker has its own channel-layer
# namespace in the shared Redis, so one worker's broadcasts never reach another worker's consumers.
celery_app.conf.task_always_eager = True
# Threads of this process (Channels consumers, async tests) must not keep connections that outlive the test database.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
# The console's processes that tests start (daphne, workers) use the connection pool; this one does not: a thread a
# test starts (asyncio.to_thread, an executor's) keeps its connection for the thread's whole life, and late in a
# long run ten such threads starved the pool, so an unrelated test waited 10 s for a connection and failed.
settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"opsconsole-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"


def make_user(username: str, role: Role) -> User:
    user = User(username=username, role=role, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def noc_user(db):
    return make_user("alice-noc", Role.NOC)


@pytest.fixture
def helpdesk_user(db):
    return make_user("bob-helpdesk", Role.HELPDESK)


@pytest.fixture
def participant_user(db):
    return make_user("carol", Role.PARTICIPANT)


@pytest.fixture
def other_participant(db):
    return make_user("dave", Role.PARTICIPANT)


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def noc_client(client, noc_user):
    return _signed_in(client, noc_user)


@pytest.fixture
def helpdesk_client(client, helpdesk_user):
    return _signed_in(client, helpdesk_user)


@pytest.fixture
def participant_client(client, participant_user):
    return _signed_in(client, participant_user)


@pytest.fixture(autouse=True)
def default_language():
    """A page requested in Japanese leaves its language active in the test's thread (LocaleMiddleware never resets
    it); the next test in the same worker must start in the default language, as a fresh process does."""
    yield
    translation.deactivate()
