"""The database size of a 3-day event's monitoring data: 200 devices x 50 series polled every 30 s.

    .venv/bin/python bench/snmp_storage.py [--devices 200] [--series 50] [--interval 30] [--days 3]

At the end of the event the tables hold the last 24 h of raw samples and every minute of the event rolled up.
The script works it out from PostgreSQL's row layout, then creates a throwaway database with the console's own
migrations, fills the monitoring tables with that many rows (server-side generate_series, in key order, as the
poller writes them) and reports table + index sizes (pg_total_relation_size). The last line gives both figures.
"""
import argparse
import os
import secrets
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from bench.registration import postgres_database  # noqa: E402

PAGE = 8192
# PostgreSQL's layout: a 24-byte tuple header (23 rounded up), a 4-byte line pointer per row, 8-byte alignment.
# Columns are laid out in the migration's order, the composite key's series id last:
# Sample: at 8 + value 8 + series int4 4 = 20, aligned to 24 bytes of data.
# MinuteRollup: minute 8 + average, minimum, maximum 3 x 8 + count int2 2 (+2) + series int4 4 = 40.
# A primary-key index entry (series, time): 8-byte index tuple header + 4 (+4) + 8 = 24, plus its line pointer;
# B-tree leaves filled in key order end about 90 % full.
SAMPLE_ROW, ROLLUP_ROW, INDEX_ENTRY, LEAF_FILL = 24 + 24 + 4, 24 + 40 + 4, 24 + 4, 0.9


def computed_bytes(rows: int, row_bytes: int) -> float:
    heap = rows / (PAGE // row_bytes) * PAGE
    index = rows / int(PAGE * LEAF_FILL // INDEX_ENTRY) * PAGE
    return heap + index


def gigabytes(size: float) -> str:
    return f"{size / 1e9:.2f} GB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--interval", type=int, default=30, help="seconds between polls")
    parser.add_argument("--days", type=int, default=3)
    arguments = parser.parse_args()
    series = arguments.devices * arguments.series
    raw_rows = series * 24 * 3600 // arguments.interval
    rollup_rows = series * arguments.days * 24 * 60
    expected = computed_bytes(raw_rows, SAMPLE_ROW), computed_bytes(rollup_rows, ROLLUP_ROW)
    print(f"{series:,} series: {raw_rows:,} raw samples (24 h) and {rollup_rows:,} minute roll-ups "
          f"({arguments.days} days); computed {gigabytes(expected[0])} + {gigabytes(expected[1])}", flush=True)

    with postgres_database() as database:
        os.environ.update(DJANGO_SETTINGS_MODULE="opsconsole.settings", DATABASE_URL=database,
                          SECRET_KEY=secrets.token_urlsafe(40), LOG_LEVEL="WARNING")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from opsconsole.monitoring.models import MinuteRollup, Sample, Series, SnmpDevice

        call_command("migrate", verbosity=0)
        devices = SnmpDevice.objects.bulk_create(
            SnmpDevice(name=f"switch-{n}", address=f"10.{n >> 8 & 255}.{n & 255}.1", kind=SnmpDevice.Kind.SWITCH,
                       community_encrypted="x") for n in range(arguments.devices))
        Series.objects.bulk_create(Series(device=device, key=f"if:eth{n}:in-bps")
                                   for device in devices for n in range(arguments.series))
        measured = []
        for model, rows, sql in (
            (Sample, raw_rows, f"""INSERT INTO {Sample._meta.db_table} (series_id, at, value)
                SELECT s.id, t, random() * 1e9 FROM {Series._meta.db_table} s,
                generate_series(now() - interval '24 hours', now() - interval '{arguments.interval} seconds',
                                interval '{arguments.interval} seconds') t ORDER BY s.id, t"""),
            (MinuteRollup, rollup_rows, f"""INSERT INTO {MinuteRollup._meta.db_table}
                (series_id, minute, average, minimum, maximum, count)
                SELECT s.id, t, random() * 1e9, random() * 1e8, random() * 1e10, 2 FROM {Series._meta.db_table} s,
                generate_series(date_trunc('minute', now()) - interval '{arguments.days} days',
                                date_trunc('minute', now()) - interval '1 minute', interval '1 minute') t
                ORDER BY s.id, t"""),
        ):
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                assert cursor.rowcount == rows, (cursor.rowcount, rows)
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
                cursor.execute(f"SELECT pg_table_size('{model._meta.db_table}'), "
                               f"pg_indexes_size('{model._meta.db_table}')")
                table, indexes = cursor.fetchone()
            measured.append(table + indexes)
            print(f"{model._meta.db_table}: {rows:,} rows in {time.monotonic() - started:.0f} s, "
                  f"table {gigabytes(table)} + indexes {gigabytes(indexes)}", flush=True)
        connection.close()
    print(f"{arguments.days}-day event, {arguments.devices} devices x {arguments.series} series every "
          f"{arguments.interval} s: measured {gigabytes(sum(measured))} (raw {gigabytes(measured[0])} + roll-ups "
          f"{gigabytes(measured[1])}); computed {gigabytes(sum(expected))}")


if __name__ == "__main__":
    main()
