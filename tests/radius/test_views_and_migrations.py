"""The FreeRADIUS views stay out of other apps' migrations' way: dropped before every migrate, created after."""
import pytest
from django.db import DatabaseError, connection, models

from opsconsole.radius.views import create_after_migrate, drop_before_migrate
from opsconsole.registration.models import Device

pytestmark = pytest.mark.django_db(transaction=True)


def mac_field(max_length: int) -> models.CharField:
    field = models.CharField("MAC address", max_length=max_length, unique=True)
    field.set_attributes_from_name("mac")
    field.model = Device
    return field


def alter_mac(old: int, new: int) -> None:
    # Changing the length remakes the table on SQLite and alters the column's type on PostgreSQL.
    with connection.schema_editor() as editor:
        editor.alter_field(Device, mac_field(old), mac_field(new))


def test_a_migration_that_rebuilds_a_table_the_views_read_runs_between_drop_and_create():
    with pytest.raises(DatabaseError):
        alter_mac(17, 20)  # what any later migration of registration_device would meet without the hooks

    drop_before_migrate(sender=None, using="default")
    alter_mac(17, 20)
    alter_mac(20, 17)
    create_after_migrate(sender=None, using="default")

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM radcheck")
        assert cursor.fetchone() == (0,)
