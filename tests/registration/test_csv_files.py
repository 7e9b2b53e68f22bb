"""CSV files as spreadsheets save them: UTF-8 with or without BOM, Shift_JIS/CP932 from Japanese Excel; anything else,
an oversized file, a NUL or an overlong field is a plain error, never a 500."""
import codecs
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from opsconsole.registration.importer import MAX_BYTES
from opsconsole.registration.models import Device, Participant

pytestmark = pytest.mark.django_db

HEADER = "name,affiliation,email,active_until,mac,label,os,vlans\r\n"
JAPANESE = HEADER + "山田 太郎,WIDE プロジェクト,taro@example.jp,2030-09-01 18:00,00:1b:63:00:00:01,ノートPC,macos,40\r\n"


def upload(client, data: bytes):
    return client.post("/registration/import/", {"file": SimpleUploadedFile("participants.csv", data)})


def confirm(client, preview) -> None:
    content = preview.context["content"]
    client.post("/registration/import/", {"content": content, "confirm": "1"})


@pytest.mark.parametrize("encoded", [
    JAPANESE.encode("utf-8"), codecs.BOM_UTF8 + JAPANESE.encode("utf-8"), JAPANESE.encode("cp932"),
], ids=["utf-8", "utf-8 with BOM", "cp932"])
def test_japanese_names_arrive_intact_in_every_encoding_excel_writes(helpdesk_client, nowep_vlan, encoded: bytes):
    preview = upload(helpdesk_client, encoded)
    assert preview.status_code == 200 and "山田 太郎" in preview.content.decode()

    confirm(helpdesk_client, preview)

    participant = Participant.objects.get()
    assert (participant.name, participant.affiliation) == ("山田 太郎", "WIDE プロジェクト")
    assert Device.objects.get().label == "ノートPC"


def test_another_encoding_is_refused_with_the_byte_offset(helpdesk_client, nowep_vlan):
    # 0x81 0x20 is neither UTF-8 nor CP932: 0x81 starts a two-byte character that a space cannot end.
    data = HEADER.encode() + b"Ann,WIDE,ann@example.org,2030-09-01,,,,\r\nBad\x81 ,X,x@example.org,2030-09-01,,,,\r\n"
    offset = data.index(b"\x81")

    response = upload(helpdesk_client, data)

    assert response.status_code == 400
    assert (f"The file is neither UTF-8 nor Shift_JIS (CP932): the byte at offset {offset} cannot be "
            "read. Save it from your spreadsheet as “CSV UTF-8”.") in response.content.decode()
    assert not Participant.objects.exists()


def test_a_file_over_the_limit_is_refused_plainly(helpdesk_client, nowep_vlan):
    response = upload(helpdesk_client, HEADER.encode() + b"x" * MAX_BYTES)

    assert response.status_code == 400
    assert "The file is larger than 1 MB; split it into smaller files." in response.content.decode()


def test_a_nul_and_an_overlong_field_are_row_errors(helpdesk_client, nowep_vlan):
    text = HEADER + "Ann\x00,WIDE,ann@example.org,2030-09-01,,,,\r\nBob,WIDE,bob@example.org,2030-09-01,,," + "x" * 200_000 + ",\r\n"

    response = upload(helpdesk_client, text.encode())

    page = response.content.decode()
    assert response.status_code == 400
    assert "row 2: a field holds a NUL character (byte 0), which no field may contain." in page
    assert "row 3: a field is longer than 131072 characters." in page
    assert not Participant.objects.exists()


def test_errors_after_a_bad_row_of_the_same_participant_speak_the_users_words(helpdesk_client, nowep_vlan):
    text = (HEADER + "Ann,WIDE,ann@example.org,2030-09-01,01:00:5e:00:00:01,,,\r\n"
            "Ann,WIDE,ann@example.org,2030-09-01,00:1b:63:00:00:02,,,\r\n")

    response = upload(helpdesk_client, text.encode())

    errors = response.context["result"].errors
    assert errors == ["row 2, mac: 01:00:5e:00:00:01 is a multicast address, not a device (its first byte is odd)."]


def test_a_date_without_a_time_is_the_end_of_that_day_in_the_events_time_zone(helpdesk_client, nowep_vlan):
    preview = upload(helpdesk_client, (HEADER + "Ann,WIDE,ann@example.org,2026-12-05,,,,\r\n").encode())
    confirm(helpdesk_client, preview)

    assert Participant.objects.get().active_until == datetime(2026, 12, 5, 23, 59, 59, tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_old_mac_line_endings_and_quoted_newlines_are_read(helpdesk_client, nowep_vlan):
    text = HEADER.replace("\r\n", "\r") + 'Ann,"WIDE\r\nlab",ann@example.org,2030-09-01,,,,\rBob,WIDE,bob@example.org,2030-09-01,,,,\r'

    preview = upload(helpdesk_client, text.encode())
    confirm(helpdesk_client, preview)

    assert sorted(Participant.objects.values_list("name", "affiliation")) == [("Ann", "WIDE\r\nlab"), ("Bob", "WIDE")]
