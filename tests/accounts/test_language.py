"""The language switch: the same page in English and Japanese."""
import pytest

pytestmark = pytest.mark.django_db


def test_switching_to_japanese_translates_the_page(client):
    client.post("/i18n/setlang/", {"language": "ja", "next": "/login/"})
    response = client.get("/login/")
    assert 'lang="ja"' in response.content.decode()
    assert "サインイン" in response.content.decode()


def test_english_is_the_default(client):
    response = client.get("/login/")
    assert 'lang="en"' in response.content.decode()
    assert "Sign in" in response.content.decode()
