"""Secrets never reach the trail, yet renewing one is a recorded change."""
import pytest

from opsconsole.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_password_change_in_the_admin_is_recorded_without_the_hash(noc_client, participant_user):
    response = noc_client.post(f"/admin/accounts/user/{participant_user.pk}/password/",
                               {"password1": "a brand new pass 42", "password2": "a brand new pass 42", "usable_password": "true"})

    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.filter(object_type="accounts.User", object_id=str(participant_user.pk)).latest("id")
    assert entry.actor_label == "alice-noc"
    assert entry.before["password"] == "(secret)" and entry.after["password"] == "(new secret)"
    page = noc_client.get("/audit/").content.decode()
    assert "password: (secret) → (new secret)" in page
    assert "pbkdf2" not in page and "pbkdf2" not in str(entry.before) + str(entry.after)
