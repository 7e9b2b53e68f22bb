"""Shared fixtures: one signed-in client per role, like healthchecks' test base."""
import pytest

from opsconsole.accounts.models import Role, User

PASSWORD = "correct horse battery staple"


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
