"""Signing in with each role and landing on that role's page."""
import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_renders(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_wrong_password_says_so_plainly(client, noc_user):
    response = client.post("/login/", {"username": noc_user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"do not match" in response.content


@pytest.mark.parametrize(
    "user_fixture, landing",
    [("noc_user", "/dashboard/"), ("helpdesk_user", "/registration/"), ("participant_user", "/portal/")],
)
def test_each_role_lands_on_its_page(client, request, user_fixture, landing):
    user = request.getfixturevalue(user_fixture)
    response = client.post("/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[1][0] == landing  # after "/", which sends each role on
    assert response.status_code == 200


def test_only_noc_reaches_django_admin(client, helpdesk_user, participant_user, noc_user):
    for user, expected in ((participant_user, 302), (helpdesk_user, 302), (noc_user, 200)):
        client.force_login(user)
        assert client.get("/admin/").status_code == expected, user.role


def test_role_change_keeps_admin_flags_in_step(noc_user):
    noc_user.role = "participant"
    noc_user.save()
    noc_user.refresh_from_db()
    assert not noc_user.is_staff and not noc_user.is_superuser


def test_demo_logins_command_prints_one_login_per_role(db, capsys):
    from django.core.management import call_command

    call_command("demo_logins")
    out = capsys.readouterr().out
    for username in ("noc", "helpdesk", "participant"):
        assert f" {username} / " in out
