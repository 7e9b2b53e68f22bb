"""A database, Redis or broker that is not there answers 503 with Retry-After and a plain, translated message, on the
pages and the API alike, and the same request sent again once it is back succeeds; any other error is not dressed up
as an outage."""
import pytest
from django.db import InterfaceError, connection
from django.test import RequestFactory, override_settings
from django.utils import translation

from opsconsole.api.models import ApiToken
from opsconsole.celery import app as celery_app
from opsconsole.core.outages import OutageMiddleware
from opsconsole.nodes.models import ConfigRevision, GatewayNode
from opsconsole.registration.models import Device, Participant
from tests.ports import free_port
from tests.registration.conftest import nowep_vlan, participant  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE = ("The console lost its database or queue for a moment. Nothing is lost: send the same request again in a "
           "few seconds.")


def assert_outage(response, message: str = MESSAGE) -> None:
    assert response.status_code == 503, response.content[:2000]
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == message


def nobody_listens() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def token(helpdesk_user) -> str:
    return ApiToken.issue(helpdesk_user, "script")[1]


@pytest.fixture
def database_gone():
    """The connection's next use reaches no database (a port nobody listens on, a file in no directory). A pool keeps
    its connections to the real database, so it is closed and made again, for the test and after it, waiting only
    a second for a connection while the database is gone."""
    settings = connection.settings_dict
    kept = {name: settings[name] for name in ("NAME", "PORT")} | {"OPTIONS": settings["OPTIONS"]}
    reset_connections()
    if connection.vendor == "sqlite":
        settings["NAME"] = "/nonexistent/opsconsole.sqlite3"
    else:
        settings["PORT"] = free_port()
    if "pool" in settings["OPTIONS"]:
        settings["OPTIONS"] = {**settings["OPTIONS"], "pool": {**settings["OPTIONS"]["pool"], "timeout": 1}}
    yield
    reset_connections()
    settings.update(kept)


def reset_connections() -> None:
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()


def test_a_page_whose_database_is_gone_answers_503(helpdesk_client, database_gone):
    assert_outage(helpdesk_client.get("/registration/"))


def test_the_api_whose_database_is_gone_answers_503_the_same_way(client, token, database_gone):
    response = client.post("/api/v1/participants/", {"name": "Erin", "email": "erin@example.org"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_outage(response)


def test_the_answer_is_in_the_readers_language(helpdesk_client, database_gone):
    with translation.override("ja"):
        japanese = translation.gettext(MESSAGE)
    assert japanese != MESSAGE

    assert_outage(helpdesk_client.get("/registration/", HTTP_ACCEPT_LANGUAGE="ja"), japanese)


def test_a_registration_whose_redis_is_gone_answers_503_and_sent_again_answers_the_device(client, token, participant,
                                                                                       nowep_vlan):
    body = {"participant": participant.pk, "mac": "00:1b:63:00:00:77"}
    channels = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                            "CONFIG": {"hosts": [{"address": nobody_listens()}], "prefix": "outage"}}}
    with override_settings(CHANNEL_LAYERS=channels):
        lost = client.post("/api/v1/devices/", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    again = client.post("/api/v1/devices/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_outage(lost)
    assert again.status_code == 200 and again.json()["mac"] == body["mac"]
    assert list(Device.objects.values_list("mac", "participant")) == [(body["mac"], participant.pk)]


@pytest.fixture
def broker_gone():
    """Tasks go to a broker nobody listens on, instead of running inline as elsewhere in the tests."""
    kept = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = nobody_listens(), False
    forget_broker_connections()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = kept
    forget_broker_connections()


def forget_broker_connections() -> None:
    # The app keeps the pools it made for the broker it first used; Celery offers no public way to drop them.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def node(db) -> GatewayNode:
    node = GatewayNode.objects.create(name="nat64-a", agent_url="http://127.0.0.1:9")
    node.desired_revision = ConfigRevision.objects.create(node=node, number=1, intent={}, content_hash="sha256:00")
    node.save()
    return node


def test_a_page_whose_broker_is_gone_answers_503(noc_client, node, broker_gone):
    assert_outage(noc_client.post("/nodes/nat64-a/push/"))


def test_an_interface_error_is_an_outage_and_other_errors_are_left_alone():
    # psycopg 3 reports a connection lost mid-request as OperationalError; InterfaceError (a closed cursor) cannot
    # be caused for real through a whole request, so the middleware is asked directly.
    middleware, request = OutageMiddleware(lambda request: None), RequestFactory().post("/api/v1/devices/")

    assert_outage(middleware.process_exception(request, InterfaceError("the cursor is closed")))
    for error in (ValueError("a bug"), Participant.DoesNotExist(), KeyError("mac")):
        assert middleware.process_exception(request, error) is None

