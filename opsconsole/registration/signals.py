"""Keeps the DHCP nodes' intents and the audit trail in step with registrations, whatever channel changed them."""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record
from opsconsole.monitoring.live import publish
from opsconsole.nodes.live import heartbeat_received
from opsconsole.nodes.revisions import mark_nodes_dirty
from opsconsole.plan.models import Prefix, Vlan, VlanFamily

from .intents import dhcp_nodes
from .models import Device, DhcpService, Participant
from .neighbours import record_neighbours

REASON = "device registrations changed"


def _mark_dhcp_nodes() -> None:
    mark_nodes_dirty(dhcp_nodes(), REASON)


def mark_dhcp_nodes_after_commit() -> None:
    """Once per transaction, and only if it commits: a rolled-back import preview must leave nothing pending."""
    connection = transaction.get_connection()
    if any(callback is _mark_dhcp_nodes for _savepoints, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_mark_dhcp_nodes)


@receiver(m2m_changed, sender=Device.vlans.through, dispatch_uid="registration-device-vlans")
def device_vlans_changed(sender, instance, action: str, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, Device):
        return
    vlans = sorted(instance.vlans.values_list("vid", flat=True))
    record(AuditEntry.Action.UPDATE, Device._meta.label, str(instance.pk), str(instance), None, {"vlans": vlans})
    mark_dhcp_nodes_after_commit()


@receiver(post_save, sender=Device, dispatch_uid="registration-device-saved")
@receiver(post_delete, sender=Device, dispatch_uid="registration-device-deleted")
@receiver(post_save, sender=Participant, dispatch_uid="registration-participant-saved")
def registrations_changed(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        mark_dhcp_nodes_after_commit()


@receiver(post_save, sender=Vlan, dispatch_uid="registration-vlan-saved")
@receiver(post_delete, sender=Vlan, dispatch_uid="registration-vlan-deleted")
@receiver(post_save, sender=VlanFamily, dispatch_uid="registration-vlan-family-saved")
@receiver(post_save, sender=Prefix, dispatch_uid="registration-prefix-saved")
@receiver(post_delete, sender=Prefix, dispatch_uid="registration-prefix-deleted")
def plan_changed(sender, raw: bool = False, **kwargs) -> None:
    """Kea's subnets come from the plan's VLANs, their allocation per family and their client prefixes."""
    if not raw:
        mark_dhcp_nodes_after_commit()


@receiver(post_save, sender=DhcpService, dispatch_uid="registration-dhcp-service-saved")
def dhcp_service_changed(sender, instance: DhcpService, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: mark_nodes_dirty([instance.node_id], "DHCP service changed"))


@receiver(post_delete, sender=DhcpService, dispatch_uid="registration-dhcp-service-deleted")
def dhcp_service_deleted(sender, instance: DhcpService, **kwargs) -> None:
    # The node loses its dhcp role: its Kea must stop serving those subnets. Gone with its node, nothing to do.
    mark_nodes_dirty([instance.node_id], "DHCP service removed")


@receiver(pre_save, sender=Vlan, dispatch_uid="registration-vlan-vid-before")
def remember_vid(sender, instance: Vlan, raw: bool = False, **kwargs) -> None:
    instance._vid_before = None if raw or instance.pk is None else (
        Vlan.objects.filter(pk=instance.pk).values_list("vid", flat=True).first())


@receiver(post_save, sender=Vlan, dispatch_uid="registration-vlan-renumbered")
def vlan_renumbered(sender, instance: Vlan, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, "_vid_before", None)
    if not raw and before is not None and before != instance.vid:
        DhcpService.follow_renumbering(before, instance.vid)


@receiver(pre_delete, sender=Vlan, dispatch_uid="registration-vlan-deleted")
def vlan_deleted(sender, instance: Vlan, **kwargs) -> None:
    # The cascade would drop the registrations silently; removing them one by one audits each device's change.
    for device in Device.objects.filter(vlans=instance):
        device.vlans.remove(instance)


@receiver(heartbeat_received, dispatch_uid="registration-neighbours")
def neighbours_reported(sender, node, beat: dict, **kwargs) -> None:
    entries = beat.get("neighbours")
    if isinstance(entries, list):
        record_neighbours(node, entries)


@receiver(post_delete, sender=Device, dispatch_uid="registration-device-deleted-search")
def device_removed_from_search(sender, instance: Device, **kwargs) -> None:
    participant = Participant.objects.filter(pk=instance.participant_id).first()
    if participant is not None:  # None when the device went together with its participant
        participant.refresh_search_text()


@receiver(post_save, sender=Device, dispatch_uid="registration-device-saved-live")
def device_saved_live(sender, instance: Device, created: bool, raw: bool = False, **kwargs) -> None:
    """Open dashboards hear of each device registered or changed, once its transaction commits."""
    if not raw:
        publish("registrations", "device-added" if created else "device-changed",
                {"device": instance.pk, "participant": instance.participant_id})


@receiver(post_delete, sender=Device, dispatch_uid="registration-device-deleted-live")
def device_removed_live(sender, instance: Device, **kwargs) -> None:
    publish("registrations", "device-removed", {"device": instance.pk, "participant": instance.participant_id})
