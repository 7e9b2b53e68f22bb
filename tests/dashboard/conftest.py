"""Signing in over HTTP for a real session cookie, and opening the dashboard's socket through the whole ASGI stack
(origin check, cookie, session and authentication middleware), as a browser does."""
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from opsconsole.asgi import application
from tests.conftest import PASSWORD

ORIGIN = b"http://127.0.0.1"


def session_cookie(user) -> str:
    """Sign in through the login page, as a person does, and keep the session cookie it sets."""
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def dashboard_socket(cookie: str | None, origin: bytes = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"host", b"127.0.0.1"), (b"origin", origin)]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/dashboard/", headers=headers)


async def next_update(communicator: WebsocketCommunicator, timeout: float = 10) -> tuple[str, dict]:
    """The panels' HTML (possibly none) and the JSON message that closes one update."""
    html = []
    while True:
        frame = await communicator.receive_from(timeout=timeout)
        if frame.startswith("{"):
            return "".join(html), json.loads(frame)
        html.append(frame)


@pytest.fixture
def noc_cookie(transactional_db, noc_user):
    return session_cookie(noc_user)


@pytest.fixture
def helpdesk_cookie(transactional_db, helpdesk_user):
    return session_cookie(helpdesk_user)


@pytest.fixture
def participant_cookie(transactional_db, participant_user):
    return session_cookie(participant_user)
