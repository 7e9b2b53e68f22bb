"""The API refuses what the pages refuse, with the models' own messages, and every change lands in the audit trail
as the token's owner, through the API, from the caller's address."""
from datetime import timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

from opsconsole.audit.models import AuditEntry
from opsconsole.registration.models import Device, RegistrationSettings


def test_the_models_messages_come_through(noc_api, world):
    assert noc_api("post", "/api/v1/vlans/", {"vid": 40, "name": "again"}).json() == {
        "vid": ["VLAN 40 is already in the plan."]}
    assert noc_api("post", "/api/v1/vlans/", {"vid": 5000, "name": "far"}).json() == {
        "vid": ["VLAN 5000 is out of range 1-4094"]}
    assert noc_api("post", "/api/v1/prefixes/", {"network": "192.0.2.128/25", "purpose": "clients", "vlan": 40}).json() == {
        "network": ["192.0.2.128/25 overlaps 192.0.2.0/24 on VLAN nowep"]}
    refused = noc_api("post", "/api/v1/ssids/", {"essid": "x", "bands": ["7GHz"], "authentication": "open", "vlan": 40})
    assert refused.status_code == 400 and refused.json()["bands"] == {"0": ["“7GHz” is not a band; choose from 2.4GHz, 5GHz, 6GHz."]}


def test_a_cross_field_rule_of_the_model_refuses_the_change(noc_api, world):
    family = world["vlan"].families.get(family="ipv4")

    response = noc_api("patch", f"/api/v1/vlan-families/{family.pk}/", {"transition": "nat64"})

    assert response.status_code == 400
    assert response.json() == {"transition": ["NAT64 serves IPv6-only clients; put it on the IPv6 row."],
                               "resolver": ["NAT64 needs the DNS64 resolver, or IPv6-only clients never reach IPv4 names."]}


def test_a_mac_is_normalised_and_a_taken_one_names_its_owner_to_the_helpdesk(helpdesk_api, world):
    created = helpdesk_api("post", "/api/v1/devices/", {"participant": world["participant"].pk, "mac": "001B.6300.0044"})
    assert created.status_code == 201 and created.json()["mac"] == "00:1b:63:00:00:44"
    assert created.json()["vlans"] == [40] and created.json()["source"] == "helpdesk"

    taken = helpdesk_api("post", "/api/v1/devices/", {"participant": world["participant"].pk, "mac": "00-1b-63-00-00-43"})
    assert taken.status_code == 400
    assert taken.json() == {"mac": ["00:1b:63:00:00:43 is already registered to Dave Other (WIDE)."]}
    multicast = helpdesk_api("post", "/api/v1/devices/", {"participant": world["participant"].pk, "mac": "01:00:5e:00:00:01"})
    assert multicast.json() == {"mac": ["01:00:5e:00:00:01 is a multicast address, not a device (its first byte is odd)."]}


def test_sending_the_same_registration_again_answers_with_the_device_already_registered(helpdesk_api, participant_api,
                                                                                       world):
    body = {"participant": world["participant"].pk, "mac": "00:1b:63:00:00:45", "label": "phone"}
    first = helpdesk_api("post", "/api/v1/devices/", body)
    again = helpdesk_api("post", "/api/v1/devices/", {**body, "mac": "00-1B-63-00-00-45"})
    own = participant_api("post", "/api/v1/devices/", {"mac": "001b.6300.0045"})

    assert (first.status_code, again.status_code, own.status_code) == (201, 200, 200)
    assert again.json() == own.json() == first.json()
    assert Device.objects.filter(mac="00:1b:63:00:00:45").count() == 1
    others = helpdesk_api("post", "/api/v1/devices/", {**body, "participant": world["other"].pk})
    assert others.status_code == 400 and others.json() == {"mac": [
        "00:1b:63:00:00:45 is already registered to Carol Example (WIDE)."]}


def test_a_participant_registers_for_themself_and_is_not_told_who_owns_a_taken_mac(participant_api, world):
    created = participant_api("post", "/api/v1/devices/", {"participant": world["other"].pk, "mac": "02:00:00:00:00:99"})
    assert created.status_code == 201
    device = Device.objects.get(mac="02:00:00:00:00:99")
    assert device.participant == world["participant"] and created.json()["source"] == "self-service"
    assert created.json()["randomised"] is True

    taken = participant_api("post", "/api/v1/devices/", {"participant": world["participant"].pk, "mac": "00:1b:63:00:00:43"})
    assert taken.json() == {"mac": ["This MAC address is already registered. If it is yours, ask the helpdesk."]}


def test_the_device_limit_and_the_portals_rate_limit_hold(participant_api, world):
    settings = RegistrationSettings.load()
    settings.device_limit, settings.portal_registrations_per_hour = 2, 5
    settings.save()
    second = participant_api("post", "/api/v1/devices/", {"participant": 0, "mac": "00:1b:63:00:00:50"})
    assert second.status_code == 201
    over = participant_api("post", "/api/v1/devices/", {"participant": 0, "mac": "00:1b:63:00:00:51"})
    assert over.json() == {"non_field_errors": [
        "Carol Example (WIDE) already has 2 devices, the limit the NOC set; remove one first."]}

    settings.device_limit = 50
    settings.save()
    statuses = [participant_api("post", "/api/v1/devices/", {"participant": 0, "mac": f"00:1b:63:00:01:{n:02x}"}).status_code
                for n in range(6)]
    assert statuses == [201, 201, 201, 201, 429, 429]
    assert participant_api("post", "/api/v1/devices/", {"participant": 0, "mac": "00:1b:63:00:02:00"}).json() == {
        "detail": "Too many registrations in the last hour from you or from this address; try again later or ask the "
                  "helpdesk."}


def test_a_change_through_the_api_is_audited_as_the_tokens_owner(helpdesk_api, helpdesk_user, world):
    response = helpdesk_api("patch", f"/api/v1/devices/{world['participant_device'].pk}/", {"label": "phone"},
                            REMOTE_ADDR="2001:db8::7")

    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="registration.Device", action=AuditEntry.Action.UPDATE, via="api")
    assert (entry.actor_id, entry.actor_label, entry.via, entry.remote_addr) == (
        helpdesk_user.pk, "bob-helpdesk", "api", "2001:db8::7")
    assert entry.changes == ["label: participant laptop → phone"]


def test_a_refused_change_leaves_no_trace(helpdesk_api, world):
    before = AuditEntry.objects.count()

    assert helpdesk_api("patch", "/api/v1/vlans/40/", {"purpose": "x"}).status_code == 403
    assert helpdesk_api("post", "/api/v1/devices/", {"participant": world["participant"].pk, "mac": "bad"}).status_code == 400
    assert AuditEntry.objects.count() == before


def test_deleting_a_vlan_still_in_use_is_a_conflict(noc_api, world):
    response = noc_api("delete", "/api/v1/vlans/40/")

    assert response.status_code == 409
    assert response.json()["detail"].startswith("VLAN 40 nowep is still in use by ")


def test_the_helpdesk_extends_a_registration_as_on_the_page(helpdesk_api, participant_api, helpdesk_user, world):
    device = world["participant_device"]
    url = f"/api/v1/devices/{device.pk}/extend/"

    response = helpdesk_api("post", url, {"hours": 24}, REMOTE_ADDR="2001:db8::5")

    assert response.status_code == 200, response.content
    device.refresh_from_db()
    assert timedelta(hours=23, minutes=59) < device.expires_at - timezone.now() <= timedelta(hours=24)
    assert response.json()["expires_at"] == device.expires_at.astimezone(dt_timezone.utc).isoformat().replace(
        "+00:00", "Z")
    entry = AuditEntry.objects.get(object_type="registration.Device", action=AuditEntry.Action.UPDATE, via="api")
    assert (entry.actor_id, entry.via, entry.remote_addr) == (helpdesk_user.pk, "api", "2001:db8::5")
    assert helpdesk_api("post", url, {"hours": 721}).json() == {
        "hours": ["Ensure this value is less than or equal to 720."]}
    assert participant_api("post", url, {"hours": 1}).json() == {"detail": "Your role may not do this."}


def test_the_noc_writes_a_guide_as_on_its_page(noc_api, noc_user, participant_api, world):
    created = noc_api("post", "/api/v1/guides/", {"slug": "ios-dns64", "os": "ios", "topic": "dns64",
                                                  "title_en": "Set the DNS64 resolver", "body_en": "Open Settings."})

    assert created.status_code == 201, created.content
    shown = participant_api.get("/api/v1/guides/ios-dns64/")
    assert shown.status_code == 200, shown.content
    assert shown.json()["title_en"] == "Set the DNS64 resolver"
    entry = AuditEntry.objects.get(object_type="guides.Guide", action=AuditEntry.Action.CREATE, via="api")
    assert (entry.actor_id, entry.object_repr) == (noc_user.pk, "ios-dns64")
    assert noc_api("post", "/api/v1/guides/", {"slug": "macos-wired-dns64", "os": "macos", "topic": "dns64",
                                               "title_en": "x", "body_en": "y"}).json() == {
        "slug": ["Setup guide with this Short name already exists."]}
    assert noc_api("delete", "/api/v1/guides/ios-dns64/").status_code == 405
