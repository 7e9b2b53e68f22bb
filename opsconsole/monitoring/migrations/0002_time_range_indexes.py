from django.db import migrations

# Roll-ups and retention select by time, but the primary keys lead with the series. Rows arrive in time order, so a
# BRIN index (a few hundred kilobytes for gigabytes of rows) finds a time range without scanning the table.
# PostgreSQL only: SQLite, for development, has no BRIN and its tables stay small.
INDEXES = (("monitoring_sample_at_brin", "monitoring_sample", "at"),
           ("monitoring_minuterollup_minute_brin", "monitoring_minuterollup", "minute"))


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, table, column in INDEXES:
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING brin ({column})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _, _ in INDEXES:
            schema_editor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_snmp_inventory_and_samples")]
    operations = [migrations.RunPython(create, drop)]
