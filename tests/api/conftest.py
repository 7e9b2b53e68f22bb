"""API fixtures: a personal token per role, and a client that sends it as a script would."""
import json

import pytest

from opsconsole.api.models import ApiToken


class ApiClient:
    """The Django test client speaking JSON with `Authorization: Bearer <token>` (no token: anonymous)."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def __call__(self, method: str, url: str, body=None, **headers):
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        data = json.dumps(body) if body is not None else None
        return getattr(self.client, method.lower())(url, data=data, content_type="application/json", **headers)

    def get(self, url: str, **headers):
        return self("get", url, **headers)


def token_for(user) -> str:
    return ApiToken.issue(user, f"{user.username}'s script")[1]


@pytest.fixture
def api(client):
    """api(user) -> that user's API client; api(None) -> anonymous."""
    return lambda user: ApiClient(client, token_for(user) if user is not None else None)


@pytest.fixture
def noc_api(api, noc_user):
    return api(noc_user)


@pytest.fixture
def helpdesk_api(api, helpdesk_user):
    return api(helpdesk_user)


@pytest.fixture
def participant_api(api, participant_user):
    return api(participant_user)
