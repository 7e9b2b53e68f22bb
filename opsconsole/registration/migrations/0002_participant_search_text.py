"""The helpdesk's search column, filled for existing participants, with a trigram index where PostgreSQL has one."""
from django.db import migrations, models

TRIGRAM_INDEX = "registration_participant_search_trgm"


def fill_search_text(apps, schema_editor):
    participant_model = apps.get_model("registration", "Participant")
    for participant in participant_model.objects.prefetch_related("devices"):
        macs = [device.mac_digits for device in participant.devices.all()]
        text = "\n".join([participant.name, participant.email, participant.affiliation, *macs]).lower()
        participant_model.objects.filter(pk=participant.pk).update(search_text=text)


def add_trigram_index(apps, schema_editor):
    # LIKE '%text%' can use a pg_trgm GIN index; SQLite (the embedded default) scans, which is fine at its scale.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON registration_participant USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="participant", name="search_text", field=models.TextField(default="", editable=False)
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
