from django.db import migrations

from opsconsole.radius.views import create_tables, create_views, drop_tables, drop_views


class Migration(migrations.Migration):
    """FreeRADIUS's tables (see opsconsole/radius/views.py): radacct and radpostauth, and views over the console."""

    dependencies = [
        ("radius", "0001_nas_inventory"),
        ("registration", "0004_router_advertisements"),
        ("plan", "0001_initial"),
        # radcheck reads the Wi-Fi passwords' NT hashes.
        ("certificates", "0001_certificate_authority_and_issued"),
    ]

    operations = [
        migrations.RunPython(create_tables, drop_tables),
        migrations.RunPython(create_views, drop_views),
    ]
